/**
 * The Prometheus SLI source against a real Prometheus holding backfilled counters: raw queries first,
 * then the recording rules Ballast generates, backfilled by promtool, read instead. The tiers the status
 * reports are handed to `promtool test rules` as its expectations on the same series, and must pass.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { BallastApiError, SloSpec, TierName } from '@ballast/contract';
import {
  SCENARIOS,
  STEP_MINUTES,
  counterValues,
  minutesOf,
  promtoolSeries,
  type Scenario,
} from '../src/slo/burnScenarios.js';
import { periodBounds } from '../src/slo/period.js';
import { ALERT_NAME, sloLabels } from '../src/slo/rules.js';
import { startTestServer, type TestServer } from './harness.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ballast-prom-'));
const tsdb = join(dir, 'tsdb');
const MIN = 60_000;
/** Where the synthetic day begins: five and a half days ago, on a 5-minute boundary. */
const T0 = Math.floor((Date.now() - 5.5 * 86_400_000) / (5 * MIN)) * 5 * MIN;
const fast = SCENARIOS.find((s) => s.name === 'fast burn')!;
const day = SCENARIOS.find((s) => s.name === 'day-long burn')!;
const BERLIN_MONTH = { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } as const;
/** A month boundary in Berlin before the synthetic day; the "month" job runs from 3 h before it to 2 h after. */
const BOUNDARY = periodBounds(BERLIN_MONTH, T0).from;
const MONTH_FROM = BOUNDARY - 180 * MIN;
const jobs: [string, Scenario][] = [
  ['fast', fast],
  ['day', day],
];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** OpenMetrics of both scenarios' counters (1,000 requests a minute) and a small latency histogram. */
function openMetrics(): string {
  const lines: string[] = [];
  // One sample a minute, as a scrape would give; the counters are straight lines between steps, so
  // promtool's 5-minute input series holds the same values at its sample times.
  const samples = (name: string, labels: string, values: number[]) =>
    values.forEach((v, i) => lines.push(`${name}{${labels}} ${v} ${(T0 + i * MIN) / 1000}`));
  // The "month" job: 1,000 requests a minute, 2 % failing until the month ends in Berlin, none after.
  const month = (perMinute: (m: number) => number) => {
    const values: number[] = [];
    for (let m = 0, v = 0; m <= 300; v += perMinute(m), m++) values.push(v);
    return values.map((v, m) => `{job="month"} ${v} ${(MONTH_FROM + m * MIN) / 1000}`);
  };
  lines.push('# TYPE api_requests counter');
  for (const [job, s] of jobs)
    samples('api_requests_total', `job="${job}"`, counterValues([[1000, minutesOf(s.bad)]], 1));
  lines.push(...month(() => 1000).map((l) => `api_requests_total${l}`));
  lines.push('# TYPE api_errors counter');
  for (const [job, s] of jobs) samples('api_errors_total', `job="${job}"`, counterValues(s.bad, 1));
  lines.push(...month((m) => (m < 180 ? 20 : 0)).map((l) => `api_errors_total${l}`));
  lines.push('# TYPE api_latency_seconds histogram');
  for (let i = 0; i < 3; i++) {
    const t = (T0 + i * STEP_MINUTES * MIN) / 1000;
    for (const [le, v] of [
      ['0.1', 10 * i],
      ['0.25', 20 * i],
      ['1', 30 * i],
      ['+Inf', 30 * i],
    ] as const)
      lines.push(`api_latency_seconds_bucket{job="fast",le="${le}"} ${v} ${t}`);
    lines.push(`api_latency_seconds_count{job="fast"} ${30 * i} ${t}`, `api_latency_seconds_sum{job="fast"} ${i} ${t}`);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

class Prometheus {
  child?: ChildProcess;
  constructor(readonly port: number) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start() {
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, 'global:\n  evaluation_interval: 1m\n');
    this.child = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${tsdb}`,
        `--storage.tsdb.retention.time=3650d`,
        `--web.listen-address=127.0.0.1:${this.port}`,
      ],
      { stdio: 'ignore' },
    );
    const started = Date.now();
    for (;;) {
      if (this.child.exitCode !== null) throw new Error('prometheus exited');
      if (
        await fetch(`${this.url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      if (Date.now() - started > 30_000) throw new Error('prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

const ratioSlo = (job: string): SloSpec => ({
  id: `api-${job}`,
  service: 'api',
  name: job,
  objective: 0.999,
  period: { kind: 'rolling', window: '30d' },
  sli: { kind: 'ratio', bad: `api_errors_total{job="${job}"}`, total: `api_requests_total{job="${job}"}` },
  labels: { team: 'payments' },
  runbookUrl: 'https://runbooks.example.com/api',
});

describe('Prometheus SLI source', () => {
  let prom: Prometheus;
  let server: TestServer;

  beforeAll(async () => {
    mkdirSync(tsdb);
    const input = join(dir, 'input.om');
    writeFileSync(input, openMetrics());
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, tsdb]);
    prom = new Prometheus(await freePort());
    await prom.start();
    server = await startTestServer('sqlite', { prometheusUrl: prom.url });
    for (const [job] of jobs) await server.admin.call('createSlo', { body: ratioSlo(job) });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const firing = async (id: string, minute: number) => {
    const s = await server.admin.call('sloStatus', {
      params: { id },
      query: { at: new Date(T0 + minute * MIN).toISOString() },
    });
    return { status: s, tiers: s.tiers.filter((t) => t.firing).map((t) => t.name) };
  };

  /** `promtool test rules` on the same series, expecting exactly the tiers the status reported. */
  async function promtoolAgrees(job: string, scenario: Scenario, reported: [number, TierName[]][]) {
    const { yaml, groups } = await server.admin.call('sloRules', { params: { id: `api-${job}` } });
    const rulesFile = join(dir, `${job}.rules.yml`);
    writeFileSync(rulesFile, yaml);
    const alert = (tier: TierName) => groups[0]!.rules.find((r) => r.labels?.burnrate_tier === tier)!;
    const labels = sloLabels({ id: `api-${job}`, service: 'api', name: job });
    const file = join(dir, `${job}.test.yml`);
    writeFileSync(
      file,
      stringify({
        rule_files: [rulesFile],
        evaluation_interval: `${STEP_MINUTES}m`,
        tests: [
          {
            interval: `${STEP_MINUTES}m`,
            input_series: [
              { series: `api_requests_total{job="${job}"}`, values: promtoolSeries([[1000, minutesOf(scenario.bad)]]) },
              { series: `api_errors_total{job="${job}"}`, values: promtoolSeries(scenario.bad) },
            ],
            alert_rule_test: reported.map(([t, tiers]) => ({
              eval_time: `${t}m`,
              alertname: ALERT_NAME,
              exp_alerts: tiers.map((tier) => ({
                exp_labels: { ...labels, ...alert(tier).labels },
                exp_annotations: alert(tier).annotations,
              })),
            })),
          },
        ],
      }),
    );
    const res = await run('promtool', ['test', 'rules', file]).catch((e: { stdout: string; stderr: string }) => e);
    expect(res.stdout + res.stderr).toContain('SUCCESS');
  }

  it('without recorded series, queries raw; the tiers it reports are the ones promtool fires', async () => {
    for (const [job, scenario] of jobs) {
      const reported: [number, TierName[]][] = [];
      for (const [minute, expected] of scenario.at) {
        const { status, tiers } = await firing(`api-${job}`, minute);
        expect(tiers, `${job} at ${minute}m`).toEqual(expected);
        expect(status.windows.find((w) => w.window === '1h')!.source).toBe(
          `sum(rate(api_errors_total{job="${job}"}[1h])) / sum(rate(api_requests_total{job="${job}"}[1h]))`,
        );
        reported.push([minute, tiers]);
      }
      await promtoolAgrees(job, scenario, reported);
    }
    // 10 % over the last 5 minutes of the fast burn, read from Prometheus.
    const { status } = await firing('api-fast', 4335);
    const w5m = status.windows.find((w) => w.window === '5m')!;
    expect(w5m.errorRatio.value).toBeCloseTo(0.1, 9);
    expect(w5m.burnRate.value).toBeCloseTo(100, 6);
  }, 120_000);

  it('reads the recorded series of the generated rules once they exist', async () => {
    const { yaml } = await server.admin.call('sloRules', { params: { id: 'api-fast' } });
    const rulesFile = join(dir, 'backfill.rules.yml');
    writeFileSync(rulesFile, yaml);
    const out = join(dir, 'recorded');
    const [start, end] = [T0 + 4320 * MIN, T0 + 4355 * MIN].map((t) => String(t / 1000));
    await run('promtool', [
      'tsdb',
      'create-blocks-from',
      'rules',
      `--start=${start}`,
      `--end=${end}`,
      '--eval-interval=1m',
      `--output-dir=${out}`,
      `--url=${prom.url}`,
      rulesFile,
    ]);
    await prom.stop();
    for (const block of readdirSync(out)) renameSync(join(out, block), join(tsdb, block));
    await prom.start();

    // Prometheus staggers each rule group within its interval (and the backfill does the same): read
    // the status at the first recorded sample after each minute, as a live Prometheus would have it.
    const recordedAfter = async (minute: number) => {
      const t = (T0 + minute * MIN) / 1000;
      const q = encodeURIComponent('ballast_slo:sli_error:ratio_rate1h{ballast_slo_id="api-fast"}[1m]');
      const body = (await fetch(`${prom.url}/api/v1/query?query=${q}&time=${t + 60}`).then((r) => r.json())) as {
        data: { result: { values: [number, string][] }[] };
      };
      const sampleAt = body.data.result[0]!.values.map(([ts]) => ts).find((ts) => ts >= t)!;
      return (sampleAt - T0 / 1000) / 60;
    };
    for (const [minute, expected] of fast.at.filter(([m]) => m >= 4330)) {
      const { status, tiers } = await firing('api-fast', await recordedAfter(minute));
      expect(tiers, `at ${minute}m`).toEqual(expected);
      for (const w of status.windows)
        expect(w.source).toBe(
          `ballast_slo:sli_error:ratio_rate${w.window === 'period' ? '30d' : w.window}{ballast_slo_id="api-fast"}`,
        );
      expect(status.windows.find((w) => w.window === '1h')!.errorRatio.formula).toBe('read from the recorded series');
    }
    // The other SLO has no recorded series: still raw.
    const { status } = await firing('api-day', 5760);
    expect(status.windows.find((w) => w.window === '1d')!.source).toContain(
      'sum(rate(api_errors_total{job="day"}[1d]))',
    );
  }, 120_000);

  it('checks a latency threshold against the histogram’s real buckets', async () => {
    const latency = (le: string): SloSpec => ({
      service: 'api',
      name: `latency-${le}`,
      objective: 0.99,
      period: { kind: 'rolling', window: '28d' },
      sli: { kind: 'latency', metric: 'api_latency_seconds', selector: 'job="fast"', le },
    });
    const ok = await server.admin.call('createSlo', { body: latency('0.25') });
    expect(ok.created).toBe(true);
    const refuse = (le: string, metric = 'api_latency_seconds') =>
      server.admin
        .call('createSlo', { body: { ...latency(le), sli: { ...latency(le).sli, metric } as SloSpec['sli'] } })
        .then(
          () => expect.fail('expected a refusal'),
          (e: unknown) => e as BallastApiError,
        );
    expect((await refuse('0.3')).details).toEqual([
      { path: 'sli.le', message: 'not a bucket of api_latency_seconds; its buckets are 0.1, 0.25, 1' },
    ]);
    expect((await refuse('0.250')).details).toEqual([
      { path: 'sli.le', message: 'the bucket is spelled "0.25" in Prometheus' },
    ]);
    expect((await refuse('0.25', 'api_missing_seconds')).details[0]!.path).toBe('sli.metric');
  });

  it('reports an unreachable Prometheus in the status instead of a number', async () => {
    const offline = await startTestServer('sqlite', { prometheusUrl: `http://127.0.0.1:${await freePort()}` });
    try {
      await offline.admin.call('createSlo', { body: ratioSlo('fast') });
      const s = await offline.admin.call('sloStatus', { params: { id: 'api-fast' } });
      expect(s.windows[0]!.source).toMatch(/^unavailable: Prometheus at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);
      expect(s.windows[0]!.errorRatio.value).toBeNull();
      expect(s.tiers.every((t) => !t.firing)).toBe(true);
    } finally {
      await offline.close();
    }
  });

  it('serves series from Prometheus', async () => {
    const series = await server.admin.call('sloSeries', {
      params: { id: 'api-fast' },
      query: {
        from: new Date(T0 + 4320 * MIN).toISOString(),
        to: new Date(T0 + 4340 * MIN).toISOString(),
        step: 300,
      },
    });
    expect(series.timestamps).toHaveLength(5);
    expect(series.sli[0]).toBe(1);
    expect(series.sli[4]).toBeCloseTo(0.9, 9);
    expect(series.burnRate['5m']![4]).toBeCloseTo(100, 6);
  });

  it('serves a calendar month’s budget line from Prometheus, starting again when the month turns', async () => {
    await server.admin.call('createSlo', { body: { ...ratioSlo('month'), id: 'api-month', period: BERLIN_MONTH } });
    const from = BOUNDARY - 60 * MIN;
    const series = await server.admin.call('sloSeries', {
      params: { id: 'api-month' },
      query: { from: new Date(from).toISOString(), to: new Date(BOUNDARY + 60 * MIN).toISOString(), step: 300 },
    });
    expect(series.timestamps).toHaveLength(25);
    // Each point equals the status read at its instant (one query from the month's start).
    for (const [i, t] of series.timestamps.entries()) {
      const status = await server.admin.call('sloStatus', { params: { id: 'api-month' }, query: { at: t } });
      expect(series.budgetRemaining[i], t).not.toBeNull();
      expect(series.budgetRemaining[i]!, t).toBeCloseTo(status.budgetRemaining.value!, 6);
    }
    // The old month ends 2 % failing: 20× its budget spent. The new one starts clean.
    expect(series.budgetRemaining[11]).toBeCloseTo(1 - 0.02 / 0.001, 6);
    expect(series.budgetRemaining[18]).toBeCloseTo(1, 9);
  });

  it('checks a latency threshold in an SLO file against the histogram before using it', async () => {
    const sloDir = join(dir, 'slo-files');
    mkdirSync(sloDir);
    const file = (le: string) =>
      stringify({
        slos: [
          {
            id: 'file-fast',
            service: 'api',
            name: 'fast',
            objective: 0.99,
            period: { kind: 'rolling', window: '28d' },
          },
          {
            id: 'file-slow',
            service: 'api',
            name: 'slow',
            objective: 0.99,
            period: { kind: 'rolling', window: '28d' },
          },
        ].map((s, i) => ({
          ...s,
          sli: { kind: 'latency', metric: 'api_latency_seconds', selector: 'job="fast"', le: i === 0 ? '0.25' : le },
        })),
      });
    writeFileSync(join(sloDir, 'api.yaml'), file('0.3'));
    const files = await startTestServer('sqlite', { prometheusUrl: prom.url, sloDir, sloEvaluationIntervalMs: 100 });
    try {
      const ids = async () => (await files.admin.call('listSlos', {})).slos.map((s) => s.id).sort();
      expect(await ids()).toEqual(['file-fast']); // reconciled once at start: 0.3 is not a bucket
      writeFileSync(join(sloDir, 'api.yaml'), file('1'));
      const started = Date.now();
      while ((await ids()).length < 2 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
      expect(await ids()).toEqual(['file-fast', 'file-slow']);
    } finally {
      await files.close();
    }
  });
});
