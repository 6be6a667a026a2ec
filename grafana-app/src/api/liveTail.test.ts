// The live tail against a real Ballast server's SSE stream. Mocked: Grafana's proxy route, which here
// also cuts the first connection (as Grafana's proxy does after about 30 s) to prove the resume.
import type { Event } from '@ballast/contract';
import { postEvents, proxyFetch, server } from '../../test/ballast';
import { startLiveTail, type TailState } from './liveTail';

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
};

const event = (title: string) => ({
  occurredAt: new Date().toISOString(),
  kind: 'deploy',
  service: 'tail-test',
  environment: 'production',
  title,
});

describe('startLiveTail', () => {
  it('delivers new events, and after a cut resumes with Last-Event-ID: nothing lost, nothing twice', async () => {
    const base = proxyFetch(server().keys.viewer);
    const requests: Array<Record<string, string>> = [];
    let cut: (() => void) | undefined;
    const fetchImpl = async (input: string, init: RequestInit = {}) => {
      requests.push({ ...(init.headers as Record<string, string>) });
      const res = await base(input, init);
      if (requests.length > 1 || !res.body) return res;
      // The first stream ends when the test says so, like a proxy timing out.
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
          if (done) return;
          controller.enqueue(value);
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const got: Event[] = [];
    const states: TailState[] = [];
    const tail = startLiveTail({
      base: '/proxy',
      filters: { service: 'tail-test' },
      fetchImpl,
      retryMs: () => 10,
      onEvent: (e) => got.push(e),
      onState: (s) => states.push(s),
    });
    try {
      await until(() => states.includes('live'), 'the stream to open');
      await postEvents([event('first')]);
      await until(() => got.length === 1, 'the first event');
      cut!();
      await until(() => states.includes('reconnecting'), 'the cut to be seen');
      // Committed while no stream is open: the resume must bring it.
      await postEvents([event('second')]);
      await until(() => got.length === 2, 'the second event after the resume');
      await postEvents([event('third')]);
      await until(() => got.length === 3, 'the third event');
      expect(got.map((e) => e.title)).toEqual(['first', 'second', 'third']);
      expect(requests[0]!['last-event-id']).toBeUndefined();
      expect(requests[1]!['last-event-id']).toBe(String(got[0]!.seq));
      expect(tail.lastSeq()).toBe(got[2]!.seq);
    } finally {
      tail.stop();
    }
  });

  it('stops on a refusal instead of retrying', async () => {
    const states: Array<[TailState, string | undefined]> = [];
    const tail = startLiveTail({
      base: '/proxy',
      filters: {},
      fetchImpl: proxyFetch('blst_not-a-key'),
      retryMs: () => 10,
      onEvent: () => {},
      onState: (s, err) => states.push([s, err?.message]),
    });
    await until(() => states.some(([s]) => s === 'stopped'), 'the tail to stop');
    tail.stop();
    expect(states.find(([s]) => s === 'stopped')![1]).toMatch(/unknown API key/);
  });
});
