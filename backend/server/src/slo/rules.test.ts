/**
 * Generated rules against the real promtool: every file passes `promtool check rules`, and
 * `promtool test rules` on synthetic counters proves each tier fires and resolves when the status says.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SloSpec, type TierName } from '@ballast/contract';
import { ALERT_NAME, buildRuleGroups, rulesYaml, sloLabels, type RulesSlo } from './rules.js';
import { computeStatus, statusWindows, type WindowData } from './status.js';
import { MINUTE, durationMs } from './windows.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ballast-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const slo = (over: Record<string, unknown> = {}): RulesSlo => {
  const spec = SloSpec.parse({
    service: 'checkout',
    name: 'availability',
    objective: 0.999,
    period: { kind: 'rolling', window: '30d' },
    sli: { kind: 'ratio', bad: 'api_errors_total{job="api"}', total: 'api_requests_total{job="api"}' },
    labels: { team: 'payments' },
    runbookUrl: 'https://runbooks.example.com/checkout-availability',
    ...over,
  });
  return { ...spec, id: spec.id ?? 'checkout-availability' };
};

async function promtool(...args: string[]) {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: dir });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

function writeRules(name: string, s: RulesSlo): string {
  const file = join(dir, `${name}.rules.yml`);
  writeFileSync(file, rulesYaml(buildRuleGroups(s)!));
  return file;
}

describe('promtool check rules', () => {
  it.each([
    ['bad over total', slo()],
    ['good over total', slo({ sli: { kind: 'ratio', good: 'ok_total{job="a"}', total: 'all_total{job="a"}' } })],
    [
      'Sloth-style templates',
      slo({
        sli: {
          kind: 'ratio',
          bad: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
          total: 'sum(rate(http_requests_total[{{.window}}]))',
        },
        minTraffic: 100,
      }),
    ],
    [
      'latency histogram',
      slo({ sli: { kind: 'latency', metric: 'http_request_duration_seconds', selector: 'job="api"', le: '0.3' } }),
    ],
    ['boolean gauge', slo({ sli: { kind: 'boolean', query: 'probe_success{job="blackbox"}' }, minTraffic: 10 })],
    [
      'calendar month, 28 d, tiers off',
      slo({ period: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } }),
    ],
    [
      '28 d with tiers switched off',
      slo({ period: { kind: 'rolling', window: '28d' }, alerting: { tiers: { page_fast: { enabled: false } } } }),
    ],
  ])('%s', async (name, s) => {
    const file = writeRules(name.replace(/\W+/g, '-'), s);
    const res = await promtool('check', 'rules', file);
    expect(res.out).toContain('SUCCESS');
    expect(res.code).toBe(0);
  });

  it('a broken expression is caught (the check can fail)', async () => {
    const res = await promtool('check', 'rules', writeRules('broken', slo({ sli: { kind: 'boolean', query: 'up{' } })));
    expect(res.code).not.toBe(0);
  });

  it('writes one recording per window, the period included, and one alert per enabled tier', () => {
    const groups = buildRuleGroups(
      slo({ period: { kind: 'rolling', window: '28d' }, alerting: { tiers: { ticket_slow: { enabled: false } } } }),
    )!;
    const rules = groups[0]!.rules;
    expect(rules.filter((r) => r.record?.startsWith('ballast_slo:sli_error:')).map((r) => r.record)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d'].map((w) => `ballast_slo:sli_error:ratio_rate${w}`),
    );
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.map((a) => [a.labels!.burnrate_tier, a.labels!.severity])).toEqual([
      ['page_fast', 'critical'],
      ['page_slow', 'critical'],
      ['ticket_fast', 'warning'],
    ]);
    expect(alerts[0]!.expr).toBe(
      'ballast_slo:sli_error:ratio_rate1h{ballast_slo_id="checkout-availability"} >= 0.01344\n' +
        'and\nballast_slo:sli_error:ratio_rate5m{ballast_slo_id="checkout-availability"} >= 0.01344',
    );
    expect(alerts[0]!.annotations!.runbook_url).toBe('https://runbooks.example.com/checkout-availability');
  });
});

/** Per-minute increments of a counter: [per minute, minutes] segments after t = 0. */
type Segments = [number, number][];

/**
 * Samples every 5 minutes: promtool evaluates every rule at every step up to the last eval time, and
 * the day-long windows over 1-minute samples would take minutes. Segment lengths are multiples of 5.
 */
const STEP = 5;

/** promtool's expanding notation for a counter starting at 0 with those increments, one sample a STEP. */
function counter(segments: Segments): string {
  let v = 0;
  const parts = ['0'];
  for (const [perMinute, n] of segments) {
    const inc = perMinute * STEP;
    parts.push(`${v + inc}+${inc}x${n / STEP - 1}`);
    v += perMinute * n;
  }
  return parts.join(' ');
}

/** The increase of such a counter over the minutes (from, to]. */
function increase(segments: Segments, from: number, to: number): number {
  let sum = 0;
  let m = 0;
  for (const [perMinute, n] of segments) {
    const lo = Math.max(from, m);
    const hi = Math.min(to, m + n);
    if (hi > lo) sum += (hi - lo) * perMinute;
    m += n;
  }
  return sum;
}

/** The tiers the status says fire at minute `t` for these counters (total 1,000 a minute). */
function statusTiers(s: RulesSlo, bad: Segments, t: number): TierName[] {
  const at = t * MINUTE;
  const data: Record<string, WindowData> = {};
  for (const w of statusWindows(s, at)) {
    const from = Math.max(0, Math.round((at - (w.window === 'period' ? at - w.from : durationMs(w.window))) / MINUTE));
    const total = (t - from) * 1000;
    data[w.window] = { from: w.from, to: at, good: total - increase(bad, from, t), total, source: 'test' };
  }
  return computeStatus(s, at, data)
    .tiers.filter((x) => x.firing)
    .map((x) => x.name);
}

describe('promtool test rules: each tier fires and resolves', () => {
  const s = slo();
  const [group] = buildRuleGroups(s)!;
  const alertOf = (tier: TierName) => group!.rules.find((r) => r.labels?.burnrate_tier === tier)!;
  const expected = (tiers: TierName[]) =>
    tiers.map((tier) => ({
      exp_labels: { ...sloLabels(s), ...alertOf(tier).labels },
      exp_annotations: alertOf(tier).annotations,
    }));

  const CLEAN: [number, number] = [0, 4320]; // three clean days, so every window starts full
  const scenarios: { name: string; bad: Segments; at: [number, TierName[]][] }[] = [
    {
      // 10 % errors for 20 minutes.
      name: 'fast burn',
      bad: [CLEAN, [100, 20], [0, 400]],
      at: [
        [4325, []], // 5 bad minutes: 0.83 % over 1 h, under 1.44 %
        [4330, ['page_fast']],
        [4335, ['page_fast']],
        [4350, []], // the 5 m window is clean again
      ],
    },
    {
      // 0.8 % for 6.5 hours: above page_slow's 0.6 %, below page_fast's 1.44 %.
      name: 'slow burn',
      bad: [CLEAN, [8, 390], [0, 400]],
      at: [
        [4700, ['page_slow']],
        [4745, []],
      ],
    },
    {
      // 0.4 % for a day: both ticket tiers; the fast one resolves after 2 h, the slow one after 6 h.
      name: 'day-long burn',
      bad: [CLEAN, [4, 1440], [0, 400]],
      at: [
        [5760, ['ticket_fast', 'ticket_slow']],
        [5885, ['ticket_slow']],
        [6125, []],
      ],
    },
    {
      // 0.2 % for two days: ticket_slow only.
      name: 'simmer',
      bad: [CLEAN, [2, 2880], [0, 400]],
      at: [
        [7190, ['ticket_slow']],
        [7200 + 365, []],
      ],
    },
  ];

  it.each(scenarios)(
    '$name',
    async ({ name, bad, at }) => {
      const minutes = bad.reduce((n, [, m]) => n + m, 0);
      // The status, from the same counts, says the same.
      for (const [t, tiers] of at) expect(statusTiers(s, bad, t), `status at ${t}m`).toEqual(tiers);

      const rulesFile = writeRules(`scenario-${name.replace(/\W+/g, '-')}`, s);
      const test = {
        rule_files: [rulesFile],
        evaluation_interval: `${STEP}m`,
        tests: [
          {
            interval: `${STEP}m`,
            input_series: [
              { series: 'api_requests_total{job="api"}', values: counter([[1000, minutes]]) },
              { series: 'api_errors_total{job="api"}', values: counter(bad) },
            ],
            alert_rule_test: at.map(([t, tiers]) => ({
              eval_time: `${t}m`,
              alertname: ALERT_NAME,
              exp_alerts: expected(tiers),
            })),
          },
        ],
      };
      const file = join(dir, `scenario-${name.replace(/\W+/g, '-')}.test.yml`);
      writeFileSync(file, stringify(test));
      const res = await promtool('test', 'rules', file);
      expect(res.out).toContain('SUCCESS');
      expect(res.code).toBe(0);
    },
    120_000,
  );

  it('fails when the expectation is wrong (the test can fail)', async () => {
    const file = join(dir, 'wrong.test.yml');
    writeFileSync(
      file,
      stringify({
        rule_files: [writeRules('wrong', s)],
        evaluation_interval: `${STEP}m`,
        tests: [
          {
            interval: `${STEP}m`,
            input_series: [
              { series: 'api_requests_total{job="api"}', values: counter([[1000, 4400]]) },
              { series: 'api_errors_total{job="api"}', values: counter([CLEAN, [100, 20], [0, 60]]) },
            ],
            alert_rule_test: [{ eval_time: '4335m', alertname: ALERT_NAME, exp_alerts: expected(['page_slow']) }],
          },
        ],
      }),
    );
    expect((await promtool('test', 'rules', file)).code).not.toBe(0);
  }, 120_000);
});
