/** `ballast events tail` against a real server: live order, catch-up, Ctrl-C, and a server restart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Event, type EventInput } from '@ballast/contract';
import { startServer, type RunningServer } from '../../server/src/server.js';
import type { Config } from '../../server/src/config/config.js';
import {
  createTestStore,
  startTestServer,
  testConfig,
  type TestServer,
  type TestStore,
} from '../../server/test/harness.js';
import { envFor, runCli, startCli, type RunningCli } from './runCli.js';

const note = (e: Partial<EventInput> & { title: string }): EventInput => ({
  occurredAt: '2026-03-01T10:00:00Z',
  kind: 'annotation',
  ...e,
});
const titles = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/\s{2,}/).pop());
const following = (cli: RunningCli) => cli.until((o) => o.stderr.includes('following events after seq'));

describe('ballast events tail on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
  });
  afterAll(() => server?.close());

  const ingest = (events: Parameters<typeof note>[0][]) =>
    server.admin.call('ingestEvents', { body: { events: events.map(note) } });

  it('prints the events stored after it starts, in order, with the filters of search, and stops at --count', async () => {
    await ingest([{ service: 'tail-live', title: 'Before the tail' }]);
    const tail = startCli(['events', 'tail', '--service', 'tail-live', '--count', '4'], env);
    await following(tail);
    await ingest([
      { service: 'tail-live', title: 'Live 1', severity: 'high' },
      { service: 'elsewhere', title: 'Not this service' },
      { service: 'tail-live', title: 'Live 2' },
    ]);
    await ingest([{ service: 'tail-live', title: 'Live 3' }]);
    await ingest([
      { service: 'tail-live', title: 'Live 4' },
      { service: 'tail-live', title: 'Live 5, past the count' },
    ]);
    const r = await tail.done;
    expect(r.code, r.stderr).toBe(0);
    expect(titles(r.stdout)).toEqual(['Live 1', 'Live 2', 'Live 3', 'Live 4']);
    // The same columns as search: time, severity, source/kind, service, title.
    expect(r.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual([
      '2026-03-01T10:00:00.000Z',
      'high',
      'api/annotation',
      'tail-live',
      'Live 1',
    ]);
    expect(r.stderr).toMatch(/^following events after seq \d+ \(Ctrl-C to stop\)\n$/);
  });

  it('with --since prints what was stored after that seq first, then follows, as NDJSON with --json', async () => {
    const before = await ingest([{ service: 'tail-since', title: 'Already seen' }]);
    const since = before.results[0]!.seq;
    await ingest([
      { service: 'tail-since', title: 'Missed 1' },
      { service: 'tail-since', title: 'Missed 2' },
    ]);
    const tail = startCli(
      ['events', 'tail', '--service', 'tail-since', '--since', String(since), '--count', '4', '--json'],
      env,
    );
    await following(tail);
    await ingest([{ service: 'tail-since', title: 'Live 1' }]);
    await ingest([{ service: 'tail-since', title: 'Live 2' }]);
    const r = await tail.done;
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    expect(events.map((e) => e.title)).toEqual(['Missed 1', 'Missed 2', 'Live 1', 'Live 2']);
    expect(events.map((e) => e.seq)).toEqual([since + 1, since + 2, since + 3, since + 4]);
    expect(r.stderr).toContain(`following events after seq ${since} (Ctrl-C to stop)`);
  });

  it('exits 1 on a refusal and 2 on a usage error, without retrying', async () => {
    const refused = await runCli(['events', 'tail', '--kind', 'nope'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: validation_failed: /m);
    expect(refused.stderr).toMatch(/^ {2}query\.kind\.0: .*deploy/m);
    expect(refused.stderr).not.toContain('reconnecting');
    const unauthorized = await runCli(['events', 'tail', '--since', '0'], envFor(server.url, 'blst_wrong'));
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain('error: unauthorized:');
    const usage = await runCli(['events', 'tail', '--count', '0'], env);
    expect(usage).toMatchObject({ code: 2, stderr: 'error: --count must be 1 or more\n' });
  });

  // Last here: a request right after an aborted stream makes the server's close wait for the
  // client's keep-alive timeout (4 s), which is slow but not wrong.
  it('stops cleanly with exit 0 on Ctrl-C', async () => {
    const tail = startCli(['events', 'tail', '--service', 'tail-stop'], env);
    await following(tail);
    await ingest([{ service: 'tail-stop', title: 'Seen before Ctrl-C' }]);
    await tail.until((o) => o.stdout.includes('Seen before Ctrl-C'));
    tail.interrupt();
    const r = await tail.done;
    expect(r.code).toBe(0);
    expect(titles(r.stdout)).toEqual(['Seen before Ctrl-C']);
    expect(r.stderr).not.toContain('error');
  });
});

/** A fixed port, so the restarted server keeps the URL the tail follows; another try if it is taken. */
async function onFixedPort(store: TestStore): Promise<{ config: Config; server: RunningServer }> {
  for (let attempt = 0; ; attempt++) {
    const config = testConfig(store, { port: 20_000 + Math.floor(Math.random() * 20_000) });
    try {
      return { config, server: await startServer(config, () => {}) };
    } catch (err) {
      if (attempt >= 4 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

describe('ballast events tail across a server restart', () => {
  it('reconnects after the last seq it printed and prints every event exactly once', async () => {
    const store = await createTestStore('sqlite');
    const { config, server: first } = await onFixedPort(store);
    let server: RunningServer | undefined = first;
    const env = envFor(server.url, config.bootstrapAdminKey);
    const client = createClient({ baseUrl: server.url, apiKey: config.bootstrapAdminKey! });
    const ingest = (from: number, n: number) =>
      client.call('ingestEvents', {
        body: { events: Array.from({ length: n }, (_, i) => note({ service: 'restart', title: `Event ${from + i}` })) },
      });
    try {
      const tail = startCli(['events', 'tail', '--service', 'restart', '--count', '9'], env);
      await following(tail);
      const last = (await ingest(1, 3)).results[2]!.seq;
      await tail.until((o) => o.stdout.includes('Event 3'));
      await server.close();
      server = undefined;
      // Down for at least one attempt, so the tail has to back off and try again.
      await tail.until((o) => o.stderr.includes('the connection failed (connection refused'));

      server = await startServer(config, () => {});
      // Stored before the tail is back: it must get them from the store by seq, then follow live.
      await ingest(4, 3);
      await tail.until((o) => o.stderr.includes('reconnected'));
      await ingest(7, 3);
      const r = await tail.done;
      expect(r.code, r.stderr).toBe(0);
      expect(titles(r.stdout)).toEqual(Array.from({ length: 9 }, (_, i) => `Event ${i + 1}`));
      expect(r.stderr).toContain(`the server ended the stream; reconnecting in 100 ms after seq ${last}\n`);
      expect(r.stderr).toMatch(
        new RegExp(
          `^the connection failed \\(connection refused; is it running\\?\\); reconnecting in \\d+ ms after seq ${last}$`,
          'm',
        ),
      );
      expect(r.stderr).toContain(`reconnected; following after seq ${last}\n`);
    } finally {
      await server?.close();
      await store.drop();
    }
  });
});
