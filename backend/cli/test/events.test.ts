import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallastApiError, type EventPage, type IngestResult } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { ingestInBatches } from '../src/eventInput.js';
import { eventsRoundTrip } from './eventsRoundTrip.js';
import { envFor, runCli } from './runCli.js';

describe('ballast events on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
    dir = mkdtempSync(join(tmpdir(), 'ballast-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  const countMatching = async (q: string) => (await server.admin.call('searchEvents', { query: { q } })).events.length;

  it('adds an event from flags and finds it by search', () => eventsRoundTrip(server));

  it('reports the second send of a dedupe key as a duplicate of the first', async () => {
    const args = [
      'events',
      'add',
      '--kind',
      'deploy',
      '--title',
      'Deploy payments 3.9.0',
      '--service',
      'payments',
      '--dedupe-key',
      'gh-run-77',
    ];
    const first = await runCli(args, env);
    const second = await runCli(args, env);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const id = /^created\s+(\S+)/.exec(first.stdout)![1];
    expect(second.stdout).toMatch(
      new RegExp(`^duplicate\\s+${id}\\s+seq \\d+\\s+\\(already stored with this dedupe key`),
    );
    const json = JSON.parse((await runCli([...args, '--json'], env)).stdout) as IngestResult;
    expect(json).toMatchObject({ created: 0, duplicates: 1, results: [{ id, status: 'duplicate' }] });
    expect(await countMatching('payments 3.9.0')).toBe(1);
  });

  it('exits 1 with the field path when the server refuses a value', async () => {
    const r = await runCli(['events', 'add', '--kind', 'nope', '--title', 'Refused kind marker'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: validation_failed: /);
    expect(r.stderr).toMatch(/\n {2}kind: .*deploy/);
    expect(await countMatching('refused kind marker')).toBe(0);
  });

  it('exits 1 with the 401 message and a hint when no API key is set', async () => {
    const r = await runCli(['events', 'search'], envFor(server.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: unauthorized: send an API key as "Authorization: Bearer <key>"');
    expect(r.stderr).toContain('set BALLAST_API_KEY or pass --api-key');
  });

  it('takes --url and --api-key over the environment, before or after the command', async () => {
    const wrong = { BALLAST_URL: 'http://127.0.0.1:9', BALLAST_API_KEY: 'blst_wrong' };
    const before = await runCli(['--url', server.url, '--api-key', server.adminKey, 'whoami'], wrong);
    const after = await runCli(['whoami', '--url', server.url, '--api-key', server.adminKey], wrong);
    for (const r of [before, after]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^tenant\s+default$/m);
    }
  });

  it('says the server cannot be reached when nothing listens at the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(['whoami'], envFor(`http://127.0.0.1:${port}`, 'blst_any'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: the Ballast server at http://127.0.0.1:${port} cannot be reached: connection refused`,
    );
  });

  it('sends a file of events (array, batch object, stdin) and numbers the results', async () => {
    const events = [
      {
        occurredAt: '2026-02-01T10:00:00Z',
        kind: 'alert',
        source: 'alertmanager',
        status: 'triggered',
        severity: 'high',
        service: 'search',
        title: 'FileAlert firing',
      },
      {
        occurredAt: '2026-02-01T10:05:00Z',
        kind: 'alert',
        source: 'alertmanager',
        status: 'resolved',
        severity: 'high',
        service: 'search',
        title: 'FileAlert resolved',
        dedupeKey: 'file-alert-resolved',
      },
    ];
    const path = join(dir, 'events.json');
    writeFileSync(path, JSON.stringify(events));
    const r = await runCli(['events', 'add', '--file', path], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^created\s+#0\s+\S+\s+seq \d+$/);
    expect(lines[1]).toMatch(/^created\s+#1\s+\S+\s+seq \d+$/);
    expect(lines[2]).toBe('2 created, 0 duplicates');

    const piped = await runCli(['events', 'add', '--file', '-', '--json'], env, {
      stdin: JSON.stringify({ events: [events[1]] }),
    });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ created: 0, duplicates: 1 });
    expect(await countMatching('FileAlert')).toBe(2);
  });

  it('refuses a bad batch whole, naming the event in the file', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({
        events: [
          { occurredAt: '2026-02-01T11:00:00Z', kind: 'annotation', title: 'Good neighbour' },
          { occurredAt: '2026-02-01T11:00:00Z', kind: 'annotation', title: '' },
        ],
      }),
    );
    const r = await runCli(['events', 'add', '--file', path], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: validation_failed: /);
    expect(r.stderr).toMatch(/\n {2}events\.1\.title: /);
    expect(await countMatching('good neighbour')).toBe(0);
  });

  it('names events by their place in the whole list when a later batch is refused', async () => {
    const event = (n: number, title = `Batch marker ${n}`) => ({
      occurredAt: '2026-02-01T12:00:00Z',
      kind: 'annotation' as const,
      title,
      dedupeKey: `batch-${n}`,
    });
    const events = [event(0), event(1), event(2), event(3, ' '), event(4)];
    const err = await ingestInBatches(server.admin, events, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BallastApiError);
    const api = err as BallastApiError;
    expect(api.message).toContain('(batch 2 of 3 refused; events 0-1 were stored)');
    expect(api.details.map((d) => d.path)).toEqual(['events.3.title']);
    expect(await countMatching('batch marker')).toBe(2);

    events[3] = event(3);
    const rerun = await ingestInBatches(server.admin, events, 2);
    expect(rerun).toMatchObject({ created: 3, duplicates: 2 });
    expect(rerun.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('follows nextCursor with --all, and says when more pages are left without it', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({
      occurredAt: `2026-02-02T0${i}:00:00Z`,
      kind: 'annotation',
      service: 'paging',
      title: `Paging ${i}`,
    }));
    expect((await runCli(['events', 'add', '--file', '-'], env, { stdin: JSON.stringify(events) })).code).toBe(0);

    const one = await runCli(['events', 'search', '--service', 'paging', '--limit', '2'], env);
    expect(one.code).toBe(0);
    expect(
      one.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s{2,}/).pop()),
    ).toEqual(['Paging 4', 'Paging 3']);
    expect(one.stderr).toMatch(/^more events match: add --all, or --cursor \S+/);

    const all = await runCli(['events', 'search', '--service', 'paging', '--limit', '2', '--all', '--json'], env);
    const page = JSON.parse(all.stdout) as EventPage;
    expect(page.events.map((e) => e.title)).toEqual(['Paging 4', 'Paging 3', 'Paging 2', 'Paging 1', 'Paging 0']);
    expect(page.nextCursor).toBeNull();

    const recent = await runCli(['events', 'search', '--service', 'paging', '--from', '1h'], env);
    expect(recent.stdout).toBe('');
    expect(recent.stderr).toBe('no events match\n');
  });

  it.each([
    [['events', 'add', '--kind', 'deploy'], 'events add needs --kind and --title'],
    [['events', 'add', '--kind', 'deploy', '--title', 'x', '--tag', 'novalue'], '--tag takes key=value, got "novalue"'],
    [['events', 'add', '--file', 'x.json', '--kind', 'deploy'], '--file cannot be combined with --kind'],
    [['events', 'add', '--file', '/nonexistent/events.json'], 'cannot read /nonexistent/events.json'],
    [['events', 'search', '--limit', 'ten'], "option '--limit <n>' argument 'ten' is invalid. must be a whole number"],
    [['events', 'search', '--bogus'], "unknown option '--bogus'"],
    [['keys', 'create', '--name', 'x'], "required option '--role <role>' not specified"],
    [['whoami', '--url', 'ftp://example.com'], 'must start with http:// or https://'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('exits 0 for --help and --version, printing to stdout', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    for (const cmd of ['serve', 'events', 'audit', 'keys', 'tenants', 'whoami', 'demo'])
      expect(help.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    const version = await runCli(['--version'], {});
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});
