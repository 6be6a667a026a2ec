/**
 * The tab's live tail when the stream drops: the real client, through the Backstage backend with our
 * backend plugin, from a real Ballast server. Mocked: sign-in (stack.ts) and the cut itself — a fetch
 * wrapper ends the first stream after its first event, as a proxy timing out would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '@ballast/contract';
import { BallastClient } from '../src/api/BallastClient';
import { followTail, type TailState } from '../src/components/timeline/followTail';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
};

describe('the live tail', () => {
  it('reconnects after the stream drops and resumes after the last event: nothing lost, nothing twice', async () => {
    const resumedFrom: (string | null)[] = [];
    let cut: (() => void) | undefined;
    const fetchApi = {
      async fetch(input: RequestInfo | URL, init: RequestInit = {}) {
        const url = String(input);
        const res = await fetch(url, init);
        if (!url.includes('/events/stream')) return res;
        resumedFrom.push(new Headers(init.headers).get('last-event-id'));
        if (resumedFrom.length > 1 || !res.body) return res;
        // The first stream: passed on until the test cuts it.
        const reader = res.body.getReader();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            cut = () => {
              void reader.cancel();
              controller.close();
            };
          },
          async pull(controller) {
            const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (done) controller.close();
            else controller.enqueue(value);
          },
        });
        return new Response(body, { status: res.status, headers: res.headers });
      },
    };
    const api = new BallastClient({
      discoveryApi: { getBaseUrl: async () => `${stack.backendUrl}/api/ballast` },
      fetchApi,
    });
    const { snapshotSeq } = await api.searchEvents({ service: ['tail-check'], limit: 1 });
    const got: Event[] = [];
    const states: TailState['state'][] = [];
    const stop = new AbortController();
    const following = followTail(
      api,
      { service: ['tail-check'] },
      {
        after: snapshotSeq,
        signal: stop.signal,
        onEvent: (e) => got.push(e),
        onState: (s) => states.push(s.state),
        pausesMs: [50],
      },
    );
    const post = (title: string) =>
      stack.ballast.admin.call('ingestEvents', {
        body: { events: [{ occurredAt: new Date().toISOString(), kind: 'deploy', service: 'tail-check', title }] },
      });
    await until(() => states.includes('following'), 'the first stream');
    await post('first');
    await until(() => got.length === 1, 'the first event');
    cut!();
    await post('second'); // written while no stream is open
    await until(() => got.length === 2, 'the second event, after reconnecting');
    await post('third');
    await until(() => got.length === 3, 'the third event');
    stop.abort();
    await following;

    expect(got.map((e) => e.title)).toEqual(['first', 'second', 'third']);
    expect(resumedFrom).toEqual([String(snapshotSeq), String(got[0]!.seq)]);
    expect(states).toContain('reconnecting');
  });

  it('stops on a refusal instead of asking again', async () => {
    const api = new BallastClient({
      discoveryApi: { getBaseUrl: async () => `${stack.backendUrl}/api/ballast` },
      fetchApi: { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(String(input), init) },
    });
    const states: TailState[] = [];
    await followTail(
      api,
      { kind: ['not-a-kind' as Event['kind']] },
      {
        after: 0,
        signal: new AbortController().signal,
        onEvent: () => {},
        onState: (s) => states.push(s),
        pausesMs: [50],
      },
    );
    expect(states.at(-1)).toMatchObject({ state: 'stopped' });
    expect(states.filter((s) => s.state === 'connecting')).toHaveLength(1);
  });
});
