import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPage, IngestResult, Profile, RunbookList, SloStatus } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { DEMO_SERVICES, demoDay } from '../src/demo/demoDay.js';
import { envFor, runCli } from './runCli.js';

describe('ballast demo seed on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
  });
  afterAll(() => server?.close());

  const day = '2026-01-30';
  const window = ['--from', `${day}T00:00:00Z`, '--to', `${day}T23:59:59.999Z`];
  const searchAll = async (...args: string[]) => {
    const r = await runCli(['events', 'search', ...window, ...args, '--all', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as EventPage).events;
  };

  it('stores a day once, however often it runs, for all three services', async () => {
    const expected = demoDay(day).length;
    const first = await runCli(['demo', 'seed', '--date', day, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const created = JSON.parse(first.stdout) as IngestResult;
    expect(created).toMatchObject({ created: expected, duplicates: 0 });

    const second = await runCli(['demo', 'seed', '--date', day], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Demo day ${day}: ${expected} events for checkout, payments, search in production`);
    expect(second.stdout).toContain(
      `0 created, ${expected} duplicates (this day was already seeded; nothing was stored twice).`,
    );
    const again = JSON.parse((await runCli(['demo', 'seed', '--date', day, '--json'], env)).stdout) as IngestResult;
    expect(again.results.map((r) => r.id)).toEqual(created.results.map((r) => r.id));

    expect(await searchAll('--environment', 'production')).toHaveLength(expected);
    let total = 0;
    for (const service of DEMO_SERVICES) {
      const events = await searchAll('--service', service);
      expect(events.length, service).toBeGreaterThan(5);
      expect(new Set(events.map((e) => e.service))).toEqual(new Set([service]));
      expect(new Set(events.map((e) => e.kind))).toContain('deploy');
      total += events.length;
    }
    expect(total).toBe(expected);

    const incident = await searchAll('--kind', 'incident', '--source', 'pagerduty');
    expect(incident.map((e) => e.status)).toEqual(['resolved', 'acknowledged', 'triggered']);
  });

  it('adds an SLO per service with the day of SLI counts, stabilize profiles and runbooks, once', async () => {
    const get = async <T>(path: string) => {
      const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${server.adminKey}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    const now = new Date();
    const r = await runCli(['demo', 'seed'], env, { now });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "SLOs checkout-availability, payments-authorisation, search-latency with the day's SLI counts; 3 stabilize profiles",
    );
    const again = await runCli(['demo', 'seed'], env, { now });
    expect(again.code, again.stderr).toBe(0);

    const { statuses } = await get<{ statuses: SloStatus[] }>('/v1/slos/status');
    const byId = Object.fromEntries(statuses.map((s) => [s.slo.id, s]));
    expect(Object.keys(byId).sort()).toEqual(['checkout-availability', 'payments-authorisation', 'search-latency']);
    // The checkout incident spent a visible share of its budget; nothing is exhausted.
    const checkout = byId['checkout-availability']!;
    expect(checkout.budgetRemaining.value).toBeGreaterThan(0);
    expect(checkout.budgetRemaining.value).toBeLessThan(0.9);
    expect(statuses.every((s) => !s.exhausted)).toBe(true);
    // A day of counts: the period window saw about a day of traffic (seeding twice replaced, not added).
    const period = checkout.windows.find((w) => w.window === 'period')!;
    expect(period.total).toBeGreaterThan(300_000);
    expect(period.total).toBeLessThan(1_000_000);

    const { profiles } = await get<{ profiles: Profile[] }>('/v1/stabilize/profiles');
    expect(profiles.map((p) => `${p.service}/${p.environment ?? '*'}@${p.version}`).sort()).toEqual([
      'checkout/production@1',
      'payments/production@1',
      'search/*@1',
    ]);
    const { runbooks } = await get<RunbookList>('/v1/runbooks?service=payments');
    const payments = runbooks.find((x) => x.id === 'payments-psp-degraded');
    expect(payments).toMatchObject({ services: ['payments'], stale: true });
    const { runbooks: checkoutRunbooks } = await get<RunbookList>('/v1/runbooks?slo=checkout-availability');
    expect(checkoutRunbooks.map((x) => x.id)).toContain('checkout-errors');
    // The alerts' runbook_url names these runbooks, so the timeline links each alert to its runbook.
    const alerts = await get<EventPage>(
      '/v1/events?service=checkout&kind=alert&from=' +
        encodeURIComponent(new Date(now.getTime() - 86_400_000).toISOString()),
    );
    expect(alerts.events.length).toBeGreaterThan(0);
    for (const e of alerts.events) expect(e.runbook).toMatchObject({ id: 'checkout-errors', by: 'runbook_url' });
  });

  it('without --date fills the 24 hours that end now', async () => {
    const now = new Date('2026-02-03T09:30:00.000Z');
    const r = await runCli(['demo', 'seed'], env, { now });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Demo day 2026-02-03:');
    expect(r.stdout).toContain('2026-02-02T09:30:00.000Z to 2026-02-03T09:30:00.000Z');
    expect(r.stdout).toContain('Try: ballast events search --service checkout --from 1d');
    const page = JSON.parse(
      (
        await runCli(
          [
            'events',
            'search',
            '--from',
            '2026-02-02T09:30:00Z',
            '--to',
            now.toISOString(),
            '--environment',
            'production',
            '--all',
            '--json',
          ],
          env,
        )
      ).stdout,
    ) as EventPage;
    expect(page.events).toHaveLength(demoDay('2026-02-03').length);
  });
});
