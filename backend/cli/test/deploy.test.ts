import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

const deploy = (version: string, ...more: string[]) => [
  'deploy',
  '--service',
  'checkout',
  '--environment',
  'production',
  '--version',
  version,
  ...more,
];

describe('ballast deploy on SQLite', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = envFor(server.url, server.adminKey);
  });
  afterAll(() => server?.close());

  const stored = async (release: string) =>
    (await server.admin.call('searchEvents', { query: { kind: ['deploy'], limit: 100 } })).events
      .filter((e) => e.correlation.release === release)
      .sort((a, b) => a.seq - b.seq);

  it('pairs started and succeeded into one closed range on the annotations', async () => {
    const started = await runCli(
      deploy(
        '5.2.0',
        '--status',
        'started',
        '--commit',
        '9f1c2e7d',
        '--logs-url',
        'https://github.example.com/acme/checkout/actions/runs/7788',
        '--description',
        'Rolling out via Actions',
        '--at',
        '2026-11-20T10:00:00Z',
      ),
      admin,
    );
    expect(started.code).toBe(0);
    const done = await runCli(deploy('5.2.0', '--commit', '9f1c2e7d', '--at', '2026-11-20T10:04:30Z'), admin);
    expect(done.code).toBe(0);

    const events = await stored('5.2.0');
    expect(events.map((e) => [e.status, e.title, e.source, e.severity])).toEqual([
      ['started', 'Deploy checkout 5.2.0 to production started', 'api', 'info'],
      ['succeeded', 'Deploy checkout 5.2.0 to production succeeded', 'api', 'info'],
    ]);
    for (const e of events) {
      expect(e.correlation).toEqual({
        release: '5.2.0',
        commitSha: '9f1c2e7d',
        deploymentId: 'checkout:production:5.2.0',
      });
    }
    expect(events[0]).toMatchObject({
      occurredAt: '2026-11-20T10:00:00.000Z',
      description: 'Rolling out via Actions',
      links: [{ rel: 'logs', url: 'https://github.example.com/acme/checkout/actions/runs/7788' }],
      dedupeKey: 'deploy:checkout:production:5.2.0:started',
    });
    expect(started.stdout).toBe(`created  ${events[0]!.id}  seq ${events[0]!.seq}\n`);

    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T09:00:00Z', to: '2026-11-20T11:00:00Z', service: ['checkout'] },
    });
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({
      time: Date.parse('2026-11-20T10:00:00Z'),
      timeEnd: Date.parse('2026-11-20T10:04:30Z'),
      open: false,
      eventIds: events.map((e) => e.id),
    });
  });

  it('stores a retried deploy once and reports the second run as a duplicate', async () => {
    const args = deploy('5.3.0', '--status', 'failed', '--json');
    const first = await runCli(args, admin);
    const second = await runCli(args, admin);
    expect([first.code, second.code]).toEqual([0, 0]);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)] as IngestResult[];
    expect(a).toMatchObject({ created: 1, duplicates: 0, results: [{ status: 'created' }] });
    expect(b).toMatchObject({ created: 0, duplicates: 1, results: [{ status: 'duplicate', id: a!.results[0]!.id }] });
    const events = await stored('5.3.0');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'failed', severity: 'warning' });

    const human = await runCli(deploy('5.3.0', '--status', 'failed'), admin);
    expect(human.stdout).toBe(
      `duplicate  ${events[0]!.id}  seq ${events[0]!.seq}  (already stored with this dedupe key; nothing new stored)\n`,
    );
  });

  it('keeps a given deployment id, and deploying a version again under a new id is not a duplicate', async () => {
    const one = await runCli(deploy('5.4.0', '--deployment-id', 'gh-1001'), admin);
    const two = await runCli(deploy('5.4.0', '--deployment-id', 'gh-1002'), admin);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout).toMatch(/^created /);
    const events = await stored('5.4.0');
    expect(events.map((e) => [e.correlation.deploymentId, e.dedupeKey])).toEqual([
      ['gh-1001', 'deploy:checkout:production:5.4.0:succeeded:gh-1001'],
      ['gh-1002', 'deploy:checkout:production:5.4.0:succeeded:gh-1002'],
    ]);
  });

  it('takes --version as the deployed version, not as a request for the CLI version', async () => {
    const r = await runCli(
      ['--url', server.url, 'deploy', '--service', 'search', '--environment', 'staging', '--version', '0.1.0'],
      {
        BALLAST_API_KEY: server.adminKey,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created /);
    expect((await runCli(['--version'], {})).stdout).toBe('0.1.0\n');
  });

  it('exits 2 with a usage message for a bad or missing flag, and sends nothing', async () => {
    const bad = await runCli(deploy('5.5.0', '--status', 'done'), admin);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: option '--status <status>' argument 'done' is invalid.");
    expect(bad.stderr).toContain('started, succeeded, failed');
    const missing = await runCli(['deploy', '--service', 'checkout', '--version', '5.5.0'], admin);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--environment <name>' not specified");
    expect(await stored('5.5.0')).toEqual([]);

    const badService = await runCli(
      ['deploy', '--service', '-', '--environment', 'production', '--version', '1'],
      admin,
    );
    expect(badService.code).toBe(1);
    expect(badService.stderr).toMatch(/\n {2}service: /);
  });
});
