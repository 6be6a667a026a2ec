/** SLOs over real HTTP on both dialects: definitions, pushed SLI counts, status, series and rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError, SloSpec } from '@ballast/contract';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const MIN = 60_000;
/** Not on an hour, so long windows read hours and the minutes at both of their edges. */
const AT = Date.parse('2026-11-20T12:34:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const pushedSlo = (over: Partial<SloSpec> = {}): SloSpec => ({
  service: 'checkout',
  name: 'availability',
  objective: 0.999,
  period: { kind: 'rolling', window: '30d' },
  sli: { kind: 'pushed' },
  runbookUrl: 'https://runbooks.example.com/checkout',
  ...over,
});

/** `minutes` points ending just before `end`, 1,250 events a minute, `bad(i)` of them bad (i = 0 is the oldest). */
const points = (end: number, minutes: number, bad: (i: number) => number = () => 0) =>
  Array.from({ length: minutes }, (_, i) => ({
    timestamp: iso(end - (minutes - i) * MIN),
    good: 1250 - bad(i),
    total: 1250,
  }));

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as BallastApiError,
  );

describe.each(DIALECTS)('SLOs on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  it('creates idempotently by id, lists, gets, replaces and deletes, each change a policy event', async () => {
    const first = await server.fetch('/v1/slos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushedSlo({ name: 'crud', labels: { team: 'payments' } })),
    });
    expect(first.status).toBe(201);
    const made = (await first.json()) as {
      slo: { id: string; managedBy: string; alerting: unknown };
      created: boolean;
    };
    expect(made.created).toBe(true);
    expect(made.slo).toMatchObject({
      id: 'checkout-crud',
      managedBy: 'api',
      origin: 'native',
      alerting: { tiers: {} },
    });

    // The same spec again (labels in another order would compare equal too) is a no-op with 200.
    const again = await server.fetch('/v1/slos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushedSlo({ name: 'crud', labels: { team: 'payments' } })),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean }).created).toBe(false);

    const clash = await refusal(server.admin.call('createSlo', { body: pushedSlo({ name: 'crud', objective: 0.99 }) }));
    expect(clash.status).toBe(409);
    expect(clash.details[0]!.path).toBe('id');

    const updated = await server.admin.call('updateSlo', {
      params: { id: 'checkout-crud' },
      body: pushedSlo({ name: 'crud', objective: 0.995 }),
    });
    expect(updated.slo.objective).toBe(0.995);
    expect((await server.admin.call('getSlo', { params: { id: 'checkout-crud' } })).objective).toBe(0.995);
    expect((await server.admin.call('listSlos', { query: { service: 'checkout' } })).slos.map((s) => s.id)).toContain(
      'checkout-crud',
    );
    expect((await server.admin.call('listSlos', { query: { service: 'other' } })).slos).toEqual([]);

    const removed = await server.admin.call('deleteSlo', { params: { id: 'checkout-crud' } });
    expect(removed.objective).toBe(0.995);
    expect((await refusal(server.admin.call('getSlo', { params: { id: 'checkout-crud' } }))).status).toBe(404);

    const policy = await server.admin.call('searchEvents', { query: { source: 'policy', q: 'checkout-crud' } });
    expect(policy.events.map((e) => e.title).sort()).toEqual([
      'SLO checkout-crud changed',
      'SLO checkout-crud created: 99.9% crud of checkout',
      'SLO checkout-crud deleted',
    ]);
  });

  it('refuses bad specs with the path of each bad field', async () => {
    const cases: [unknown, string][] = [
      [{ ...pushedSlo(), objective: 99.9 }, 'objective'],
      [{ ...pushedSlo(), period: { kind: 'rolling', window: '14d' } }, 'period.window'],
      [{ ...pushedSlo(), period: { kind: 'calendar', unit: 'month', timeZone: 'Mars/Olympus' } }, 'period.timeZone'],
      [{ ...pushedSlo(), sli: { kind: 'ratio', good: 'a_total', bad: 'b_total', total: 'c_total' } }, 'sli.good'],
      [{ ...pushedSlo(), sli: { kind: 'latency', metric: 'http_seconds_bucket', le: '0.3' } }, 'sli.metric'],
      [{ ...pushedSlo(), alerting: { tiers: { page_fastest: { enabled: false } } } }, 'alerting.tiers'],
      [{ ...pushedSlo(), owner: 'me' }, ''],
    ];
    for (const [body, path] of cases) {
      const err = await refusal(server.admin.call('createSlo', { body: body as SloSpec }));
      expect(err.status, path).toBe(400);
      expect(err.code).toBe('validation_failed');
      expect(
        err.details.map((d) => d.path),
        JSON.stringify(err.details),
      ).toContain(path);
    }
  });

  it('checks permissions and service scope', async () => {
    await server.admin.call('createSlo', { body: pushedSlo({ name: 'scoped' }) });
    const key = async (role: 'viewer' | 'ci', services?: string[]) =>
      server.client(
        (await server.admin.call('createKey', { body: { name: `slo-${role}-${services}`, role, services } })).secret,
      );
    const viewer = await key('viewer');
    expect((await refusal(viewer.call('createSlo', { body: pushedSlo({ name: 'v' }) }))).status).toBe(403);
    expect((await viewer.call('getSlo', { params: { id: 'checkout-scoped' } })).id).toBe('checkout-scoped');
    const ci = await key('ci', ['payments-*']);
    const err = await refusal(
      ci.call('pushSli', { params: { id: 'checkout-scoped' }, body: { points: points(AT, 1) } }),
    );
    expect(err.status).toBe(403);
    const ciCheckout = await key('ci', ['checkout']);
    expect(
      (await ciCheckout.call('pushSli', { params: { id: 'checkout-scoped' }, body: { points: points(AT, 1) } })).stored,
    ).toBe(1);
  });

  it('computes status from pushed counts; a retried minute replaces, never adds', async () => {
    const { slo } = await server.admin.call('createSlo', { body: pushedSlo({ name: 'status' }) });
    // Three clean days, then an hour at 18 bad in 1,250 (1.44 %).
    const clean = points(AT - 60 * MIN, 3 * 1440 - 60);
    const burning = points(AT, 60, () => 18);
    for (const batch of [clean, burning]) {
      const res = await server.admin.call('pushSli', { params: { id: slo.id }, body: { points: batch } });
      expect(res).toEqual({ stored: batch.length, replaced: 0 });
    }
    const retry = await server.admin.call('pushSli', { params: { id: slo.id }, body: { points: burning } });
    expect(retry).toEqual({ stored: 60, replaced: 60 });

    const s = await server.admin.call('sloStatus', { params: { id: slo.id }, query: { at: iso(AT) } });
    const w = Object.fromEntries(s.windows.map((x) => [x.window, x]));
    expect([w['5m']!.good, w['5m']!.total]).toEqual([5 * 1232, 5 * 1250]);
    expect(w['1h']!.errorRatio).toEqual({
      value: 0.0144,
      formula: '(total − good) / total',
      inputs: { good: 60 * 1232, total: 60 * 1250 },
    });
    expect(w['1h']!.burnRate.value).toBeCloseTo(14.4, 9);
    // A day: 1,440 minutes read as 23 whole hours plus 34 + 26 minutes at the edges.
    expect([w['1d']!.total, w['1d']!.good]).toEqual([1440 * 1250, 1440 * 1250 - 60 * 18]);
    expect(w['1d']!.errorRatio.value).toBeCloseTo(0.0006, 12);
    expect(w['3d']!.total).toBe(4320 * 1250);
    expect(w.period!.total).toBe(4320 * 1250);
    expect(w.period!.from).toBe(iso(AT - 30 * 1440 * MIN));
    // e(period) = 1,080 / 5,400,000 = 0.0002: a fifth of the 0.1 % budget spent.
    expect(s.budgetRemaining.value).toBeCloseTo(0.8, 12);
    expect(s.budgetRemaining.inputs).toMatchObject({ errorBudget: 0.001, period: 'rolling 30d' });
    // 0.8 × 2,592,000 s / 14.4 = 144,000 s.
    expect(s.timeToExhaustion.value).toBeCloseTo(144_000, 3);
    expect(s.tiers.filter((t) => t.firing).map((t) => [t.name, t.severity])).toEqual([['page_fast', 'critical']]);
    expect(s.exhausted).toBe(false);

    // Replacing one minute moves every window that holds it by the difference, hours included.
    await server.admin.call('pushSli', {
      params: { id: slo.id },
      body: { points: [{ timestamp: iso(AT - 2 * 1440 * MIN), good: 250, total: 1250 }] },
    });
    const after = await server.admin.call('sloStatus', { params: { id: slo.id }, query: { at: iso(AT) } });
    const period = after.windows.find((x) => x.window === 'period')!;
    expect([period.total, period.good]).toEqual([4320 * 1250, 4320 * 1250 - 1080 - 1000]);
    expect(after.windows.find((x) => x.window === '1d')!.good).toBe(1440 * 1250 - 1080);

    const all = await server.admin.call('listSloStatuses', { query: { service: 'checkout', at: iso(AT) } });
    expect(all.statuses.find((x) => x.slo.id === slo.id)!.budgetRemaining.value).toBeCloseTo(
      after.budgetRemaining.value!,
      12,
    );

    const series = await server.admin.call('sloSeries', {
      params: { id: slo.id },
      query: { from: iso(AT - 2 * 3600_000), to: iso(AT), step: 3600 },
    });
    expect(series.timestamps).toEqual([iso(AT - 2 * 3600_000), iso(AT - 3600_000), iso(AT)]);
    expect(series.sli[0]).toBe(1);
    expect(series.sli[2]).toBeCloseTo(1 - 0.0144, 12);
    expect(series.burnRate['1h']![2]).toBeCloseTo(14.4, 9);
    expect(series.burnRate['1h']![1]).toBe(0);
    expect(series.budgetRemaining[2]).toBeCloseTo(after.budgetRemaining.value!, 12);
  });

  it('refuses pushes that cannot be stored as minutes, and pushes to SLIs read from Prometheus', async () => {
    await server.admin.call('createSlo', { body: pushedSlo({ name: 'refusals' }) });
    const push = (pts: unknown[]) =>
      refusal(server.admin.call('pushSli', { params: { id: 'checkout-refusals' }, body: { points: pts as never } }));
    expect((await push([{ timestamp: iso(AT + 1000), good: 1, total: 1 }])).details[0]!.path).toBe(
      'points.0.timestamp',
    );
    expect((await push([{ timestamp: iso(AT), good: 2, total: 1 }])).details[0]!.path).toBe('points.0.good');
    const twice = await push([
      { timestamp: iso(AT), good: 1, total: 1 },
      { timestamp: iso(AT), good: 1, total: 1 },
    ]);
    expect(twice.details[0]).toEqual({ path: 'points.1.timestamp', message: 'same minute as points.0' });

    await server.admin.call('createSlo', {
      body: pushedSlo({ name: 'prom', sli: { kind: 'ratio', bad: 'errors_total', total: 'requests_total' } }),
    });
    const conflict = await refusal(
      server.admin.call('pushSli', { params: { id: 'checkout-prom' }, body: { points: points(AT, 1) } }),
    );
    expect(conflict.status).toBe(409);
    const rules = await server.admin.call('sloRules', { params: { id: 'checkout-prom' } });
    expect(rules.yaml).toContain('record: ballast_slo:sli_error:ratio_rate5m');
    expect((await refusal(server.admin.call('sloRules', { params: { id: 'checkout-refusals' } }))).status).toBe(409);
  });

  it('counts a calendar month from its start in the SLO’s time zone', async () => {
    const { slo } = await server.admin.call('createSlo', {
      body: pushedSlo({ name: 'monthly', period: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } }),
    });
    // 01:30 in Berlin on 1 November; the month began at 23:00 UTC. Before it, every event was bad.
    const at = Date.parse('2026-11-01T00:30:00Z');
    const start = Date.parse('2026-10-31T23:00:00Z');
    await server.admin.call('pushSli', {
      params: { id: slo.id },
      body: { points: points(at, 150, (i) => (at - (150 - i) * MIN < start ? 1250 : 0)) },
    });
    const s = await server.admin.call('sloStatus', { params: { id: slo.id }, query: { at: iso(at) } });
    const period = s.windows.find((x) => x.window === 'period')!;
    expect(period.from).toBe('2026-10-31T23:00:00.000Z');
    expect([period.good, period.total]).toEqual([90 * 1250, 90 * 1250]);
    expect(s.budgetRemaining.value).toBe(1);
    expect(s.period.description).toBe('calendar month 2026-11 in Europe/Berlin');
    // The 6 h window reaches back into October and sees the bad hour.
    expect(s.windows.find((x) => x.window === '6h')!.errorRatio.value).toBeCloseTo(60 / 150, 12);
  });
  it('imports Sloth documents: a dry run stores nothing, a second import changes nothing, refusals name the path', async () => {
    const document = [
      'version: prometheus/v1',
      'service: imported',
      'slos:',
      '  - name: availability',
      '    objective: 99.5',
      '    sli:',
      '      events:',
      '        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
      '        total_query: sum(rate(http_requests_total[{{.window}}]))',
    ].join('\n');
    const dry = await server.admin.call('importSlos', { body: { format: 'sloth', document, dryRun: true } });
    expect(dry.slos).toEqual([]);
    expect(dry.specs.map((s) => [s.id, s.objective])).toEqual([['imported-availability', 0.995]]);
    expect((await server.admin.call('listSlos', { query: { service: 'imported' } })).slos).toEqual([]);

    const done = await server.admin.call('importSlos', { body: { format: 'sloth', document } });
    expect(done.slos.map((s) => [s.id, s.origin, s.sli.kind])).toEqual([['imported-availability', 'sloth', 'ratio']]);
    const again = await server.admin.call('importSlos', { body: { format: 'sloth', document } });
    expect(again.slos[0]!.updatedAt).toBe(done.slos[0]!.updatedAt);
    const rules = await server.admin.call('sloRules', { params: { id: 'imported-availability' } });
    expect(rules.yaml).not.toContain('*a1');
    expect(rules.yaml).toContain(
      'expr: (sum(rate(http_requests_total{code=~"5.."}[1h]))) / (sum(rate(http_requests_total[1h])))',
    );

    const refused = await refusal(
      server.admin.call('importSlos', {
        body: {
          format: 'openslo',
          document: 'apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: x}\nspec: {}',
        },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.details).toContainEqual({
      path: 'documents.0.kind',
      message: 'only SLO, SLI and Service are supported, not AlertPolicy',
    });
  });
  it('records tier and budget events when pushed counts change the status, once per change', async () => {
    const { slo } = await server.admin.call('createSlo', { body: pushedSlo({ name: 'events' }) });
    // Three days up to the current minute; the last hour at 10 % errors.
    const now = Math.floor(Date.now() / MIN) * MIN + MIN;
    const body = { points: points(now, 3 * 1440, (i) => (i >= 3 * 1440 - 60 ? 125 : 0)) };
    await server.admin.call('pushSli', { params: { id: slo.id }, body });
    const events = async () =>
      (await server.admin.call('searchEvents', { query: { source: 'slo', limit: 50 } })).events.filter(
        (e) => e.correlation.sloId === slo.id,
      );
    const first = await events();
    expect(first.map((e) => [e.status, e.correlation.alertFingerprint]).sort()).toEqual(
      [
        ['triggered', 'slo:checkout-events:budget-0'],
        ['triggered', 'slo:checkout-events:budget-0.25'],
        ['triggered', 'slo:checkout-events:budget-0.5'],
        ['triggered', 'slo:checkout-events:page_fast'],
        ['triggered', 'slo:checkout-events:page_slow'],
        ['triggered', 'slo:checkout-events:ticket_fast'],
        ['triggered', 'slo:checkout-events:ticket_slow'],
      ].sort(),
    );
    const page = first.find((e) => e.correlation.alertFingerprint === 'slo:checkout-events:page_fast')!;
    expect(page).toMatchObject({
      kind: 'alert',
      severity: 'critical',
      service: 'checkout',
      actor: { id: 'slo-engine' },
    });
    expect(page.title).toBe('checkout events: page_fast burn-rate tier firing (14.4x over 1h and 5m)');
    // The same counts again change nothing, so nothing new is recorded.
    await server.admin.call('pushSli', { params: { id: slo.id }, body });
    expect(await events()).toHaveLength(first.length);
  });
});
