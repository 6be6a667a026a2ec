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
import { SCENARIOS, STEP_MINUTES, increase, minutesOf, promtoolSeries, type Segments } from './burnScenarios.js';

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

  it.each(SCENARIOS)(
    '$name',
    async ({ name, bad, at }) => {
      const minutes = minutesOf(bad);
      // The status, from the same counts, says the same.
      for (const [t, tiers] of at) expect(statusTiers(s, bad, t), `status at ${t}m`).toEqual(tiers);

      const rulesFile = writeRules(`scenario-${name.replace(/\W+/g, '-')}`, s);
      const test = {
        rule_files: [rulesFile],
        evaluation_interval: `${STEP_MINUTES}m`,
        tests: [
          {
            interval: `${STEP_MINUTES}m`,
            input_series: [
              { series: 'api_requests_total{job="api"}', values: promtoolSeries([[1000, minutes]]) },
              { series: 'api_errors_total{job="api"}', values: promtoolSeries(bad) },
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
        evaluation_interval: `${STEP_MINUTES}m`,
        tests: [
          {
            interval: `${STEP_MINUTES}m`,
            input_series: [
              { series: 'api_requests_total{job="api"}', values: promtoolSeries([[1000, 4400]]) },
              {
                series: 'api_errors_total{job="api"}',
                values: promtoolSeries([
                  [0, 4320],
                  [100, 20],
                  [0, 60],
                ]),
              },
            ],
            alert_rule_test: [{ eval_time: '4335m', alertname: ALERT_NAME, exp_alerts: expected(['page_slow']) }],
          },
        ],
      }),
    );
    expect((await promtool('test', 'rules', file)).code).not.toBe(0);
  }, 120_000);
});
