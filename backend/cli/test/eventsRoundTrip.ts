/** The events add → search round trip, shared by the SQLite and PostgreSQL runs. */
import { expect } from 'vitest';
import type { EventPage, IngestResult } from '@ballast/contract';
import type { TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

export async function eventsRoundTrip(server: TestServer): Promise<void> {
  const env = envFor(server.url, server.adminKey);
  const add = await runCli(
    [
      'events',
      'add',
      '--kind',
      'deploy',
      '--title',
      'Deploy checkout 5.2.0 to production',
      '--service',
      'checkout',
      '--environment',
      'production',
      '--source',
      'github',
      '--status',
      'succeeded',
      '--severity',
      'warning',
      '--occurred-at',
      '2026-01-31T12:00:00+01:00',
      '--ended-at',
      '2026-01-31T11:07:30Z',
      '--description',
      'PR #2291: new address form',
      '--tag',
      'team=storefront',
      '--tag',
      'version=5.2.0',
      '--link',
      'pull_request=https://github.example.com/acme/checkout/pull/2291?tab=files',
      '--commit-sha',
      '9f1c2ab',
      '--release',
      'checkout@5.2.0',
      '--deployment-id',
      'gh-deploy-1',
      '--incident-id',
      'INC-1',
    ],
    env,
  );
  expect(add.stderr).toBe('');
  expect(add.code).toBe(0);
  const created = /^created\s+(\S+)\s+seq (\d+)/.exec(add.stdout);
  expect(created, add.stdout).not.toBeNull();
  const id = created![1]!;

  // The stored row holds every flag, parsed the way the contract says.
  const stored = await server.admin.call('getEvent', { params: { id } });
  expect(stored).toMatchObject({
    occurredAt: '2026-01-31T11:00:00.000Z',
    endedAt: '2026-01-31T11:07:30.000Z',
    source: 'github',
    kind: 'deploy',
    status: 'succeeded',
    severity: 'warning',
    service: 'checkout',
    environment: 'production',
    description: 'PR #2291: new address form',
    tags: { team: 'storefront', version: '5.2.0' },
    links: [{ rel: 'pull_request', url: 'https://github.example.com/acme/checkout/pull/2291?tab=files' }],
    correlation: { commitSha: '9f1c2ab', release: 'checkout@5.2.0', deploymentId: 'gh-deploy-1', incidentId: 'INC-1' },
  });

  const search = await runCli(
    ['events', 'search', 'address form', '--service', 'checkout', '--kind', 'deploy', '--tag', 'team:storefront'],
    env,
  );
  expect(search.code).toBe(0);
  const lines = search.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.split(/\s{2,}/)).toEqual([
    '2026-01-31T11:00:00.000Z',
    'warning',
    'github/deploy',
    'checkout',
    'Deploy checkout 5.2.0 to production',
  ]);

  const json = await runCli(
    [
      'events',
      'search',
      '--service',
      'checkout',
      '--from',
      '2026-01-31T00:00:00Z',
      '--to',
      '2026-02-01T00:00:00Z',
      '--json',
    ],
    env,
  );
  expect(json.code).toBe(0);
  const page = JSON.parse(json.stdout) as EventPage;
  expect(page.events.map((e) => e.id)).toEqual([id]);
  expect(page.nextCursor).toBeNull();

  const addJson = await runCli(
    ['events', 'add', '--kind', 'annotation', '--title', 'Load test begins', '--service', 'search', '--json'],
    env,
  );
  expect(addJson.code).toBe(0);
  const result = JSON.parse(addJson.stdout) as IngestResult;
  expect(result).toMatchObject({ created: 1, duplicates: 0, results: [{ index: 0, status: 'created' }] });
}
