/**
 * Prometheus as an SLI source. Status reads the error ratios the generated recording rules keep, so
 * what Ballast shows and what pages people agree; windows without a recorded series are queried raw.
 */
import type { Config } from '../config/config.js';
import type { Sli, SloSeries } from '@ballast/contract';
import { periodBounds } from './period.js';
import { RECORD_PREFIX, errorRatioExpr, errorRecord, periodWindow, totalExpr, totalRecord } from './rules.js';
import { statusWindows, type SloDefinition, type WindowData } from './status.js';
import { WINDOWS, errorBudgetOf, tiersOf } from './windows.js';

export interface PrometheusOptions {
  url: string;
  bearerToken?: string;
  basicAuth?: string;
  timeoutMs: number;
}

export function prometheusFromConfig(
  c: Partial<Pick<Config, 'prometheusUrl' | 'prometheusBearerToken' | 'prometheusBasicAuth' | 'prometheusTimeoutMs'>>,
): PrometheusOptions | undefined {
  if (!c.prometheusUrl) return undefined;
  return {
    url: c.prometheusUrl,
    ...(c.prometheusBearerToken !== undefined && { bearerToken: c.prometheusBearerToken }),
    ...(c.prometheusBasicAuth !== undefined && { basicAuth: c.prometheusBasicAuth }),
    timeoutMs: c.prometheusTimeoutMs ?? 10_000,
  };
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export class PrometheusError extends Error {}

export function prometheusClient(o: PrometheusOptions) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.bearerToken) headers.authorization = `Bearer ${o.bearerToken}`;
  else if (o.basicAuth) headers.authorization = `Basic ${Buffer.from(o.basicAuth).toString('base64')}`;

  async function get(path: string, params: [string, string][]): Promise<unknown> {
    const url = new URL(o.url.replace(/\/$/, '') + path);
    for (const [k, v] of params) url.searchParams.append(k, v);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (err) {
      throw new PrometheusError(`Prometheus at ${o.url} cannot be reached: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => undefined)) as
      { status: string; data?: unknown; error?: string } | undefined;
    if (!res.ok || body?.status !== 'success')
      throw new PrometheusError(`Prometheus answered ${res.status}: ${body?.error ?? 'not a Prometheus API answer'}`);
    return body.data;
  }

  return {
    /** An instant query at `at` (ms). NaN (0/0: no traffic) comes back as NaN for the caller to read as none. */
    async query(expr: string, at: number): Promise<Sample[]> {
      const data = (await get('/api/v1/query', [
        ['query', expr],
        ['time', String(at / 1000)],
      ])) as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      if (data.resultType !== 'vector') throw new PrometheusError(`expected a vector from ${expr}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    /** A range query: one series of [ms, value] (NaN as null), or none. */
    async queryRange(expr: string, from: number, to: number, stepMs: number): Promise<Map<number, number | null>> {
      const data = (await get('/api/v1/query_range', [
        ['query', expr],
        ['start', String(from / 1000)],
        ['end', String(to / 1000)],
        ['step', String(stepMs / 1000)],
      ])) as { result: { values: [number, string][] }[] };
      const out = new Map<number, number | null>();
      for (const [t, v] of data.result[0]?.values ?? []) {
        const n = Number(v);
        out.set(Math.round(t * 1000), Number.isFinite(n) ? n : null);
      }
      return out;
    },
    async labelValues(label: string, match: string): Promise<string[]> {
      return (await get(`/api/v1/label/${encodeURIComponent(label)}/values`, [['match[]', match]])) as string[];
    },
  };
}
export type PrometheusClient = ReturnType<typeof prometheusClient>;

const MINUTE_MS = 60_000;

const value = (samples: Sample[]): number | null => {
  if (samples.length === 0) return null;
  const v = samples[0]!.value;
  return Number.isFinite(v) ? v : null;
};

/** The window in PromQL: its name, or for the period the rules' window (calendar months: seconds since the start). */
function promWindow(slo: SloDefinition, window: string, at: number): { expr: string; recorded: boolean } {
  if (window !== 'period') return { expr: window, recorded: true };
  if (slo.period.kind === 'rolling') return { expr: periodWindow(slo), recorded: true };
  const secs = Math.max(MINUTE_MS / 1000, Math.round((at - periodBounds(slo.period, at).from) / 1000));
  return { expr: `${secs}s`, recorded: false };
}

/** Error ratios (and, for the minimum-traffic guard, totals) of every status window at `at`. */
export async function prometheusWindowData(
  client: PrometheusClient,
  slo: SloDefinition & { sli: Sli },
  at: number,
): Promise<Record<string, WindowData>> {
  const sel = `{ballast_slo_id="${slo.id}"}`;
  const recorded = new Map<string, number | null>();
  for (const s of await client.query(
    `{__name__=~"${RECORD_PREFIX}:sli_(error|total):.+",ballast_slo_id="${slo.id}"}`,
    at,
  ))
    recorded.set(s.metric.__name__!, Number.isFinite(s.value) ? s.value : null);

  const longWindows = new Set(slo.minTraffic > 0 ? tiersOf(slo).map((t) => t.longWindow) : []);
  const out: Record<string, WindowData> = {};
  await Promise.all(
    statusWindows(slo, at).map(async ({ window, from }) => {
      const w = promWindow(slo, window, at);
      const name = errorRecord(w.expr);
      let errorRatio: number | null;
      let source: string;
      if (w.recorded && recorded.has(name)) {
        errorRatio = recorded.get(name)!;
        source = `${name}${sel}`;
      } else {
        const expr = errorRatioExpr(slo.sli, w.expr)!;
        errorRatio = value(await client.query(expr, at));
        source = expr;
      }
      let total: number | null = null;
      if (longWindows.has(window)) {
        const rec = totalRecord(w.expr);
        total = recorded.has(rec) ? recorded.get(rec)! : value(await client.query(totalExpr(slo.sli, w.expr)!, at));
      }
      out[window] = { from, to: at, good: null, total, errorRatio, source };
    }),
  );
  return out;
}

/** Refusal text when a latency SLI's `le` is not one of the histogram's buckets in Prometheus, else undefined. */
export async function checkLatencyBucket(
  client: PrometheusClient,
  sli: Extract<Sli, { kind: 'latency' }>,
): Promise<{ path: string; message: string } | undefined> {
  const match = `${sli.metric}_bucket{${sli.selector}}`;
  const les = await client.labelValues('le', match);
  if (les.length === 0)
    return { path: 'sli.metric', message: `Prometheus has no series ${match}: is the histogram exported and scraped?` };
  if (les.includes(sli.le)) return undefined;
  const same = les.find((l) => Number(l) === Number(sli.le));
  return {
    path: 'sli.le',
    message: same
      ? `the bucket is spelled "${same}" in Prometheus`
      : `not a bucket of ${sli.metric}; its buckets are ${les
          .filter((l) => l !== '+Inf')
          .sort((a, b) => Number(a) - Number(b))
          .join(', ')}`,
  };
}

/** Plot series from Prometheus: recorded ratios where the rules keep them, raw queries elsewhere. */
export async function prometheusSeries(
  client: PrometheusClient,
  slo: SloDefinition & { sli: Sli },
  req: { from: number; to: number; stepMs: number },
): Promise<SloSeries> {
  const sel = `{ballast_slo_id="${slo.id}"}`;
  const recorded = new Set(
    (await client.query(`{__name__=~"${RECORD_PREFIX}:sli_error:.+",ballast_slo_id="${slo.id}"}`, req.to)).map(
      (s) => s.metric.__name__!,
    ),
  );
  const ratio = (w: string) => (recorded.has(errorRecord(w)) ? `${errorRecord(w)}${sel}` : errorRatioExpr(slo.sli, w)!);
  const budget = errorBudgetOf(slo.objective);
  const timestamps: number[] = [];
  for (let t = req.from; t <= req.to; t += req.stepMs) timestamps.push(t);
  const range = (expr: string) => client.queryRange(expr, req.from, req.to, req.stepMs);
  const none = Promise.resolve(new Map<number, number | null>());
  const step = `${req.stepMs / 1000}s`;
  const calendar = slo.period.kind === 'calendar';
  const [sli, rolling, stepTotals, ...windows] = await Promise.all([
    range(errorRatioExpr(slo.sli, step)!),
    calendar ? none : range(ratio(periodWindow(slo))),
    calendar ? range(totalExpr(slo.sli, step)!) : none,
    ...WINDOWS.map((w) => range(ratio(w))),
  ]);
  const period = calendar ? await calendarErrorRatios(client, slo, timestamps, sli!, stepTotals!) : rolling!;
  const at = (m: Map<number, number | null>, t: number) => m.get(t) ?? null;
  return {
    timestamps: timestamps.map((t) => new Date(t).toISOString()),
    sli: timestamps.map((t) => {
      const e = at(sli!, t);
      return e === null ? null : 1 - e;
    }),
    burnRate: Object.fromEntries(
      WINDOWS.map((w, i) => [
        w,
        timestamps.map((t) => {
          const e = at(windows[i]!, t);
          return e === null ? null : e / budget;
        }),
      ]),
    ),
    budgetRemaining: timestamps.map((t) => {
      const e = at(period!, t);
      return e === null ? null : 1 - e / budget;
    }),
  };
}

/**
 * A calendar month's error ratio at each step: its start moves with each point, so no single range query
 * gives it. At the first step of each month, one instant query from the month's start, as the status
 * reads it; after that, each step's own errors and events are added (error ratio × events of the step).
 * A step less than a minute into its month reads the last minute, as the status does, and is not carried.
 */
async function calendarErrorRatios(
  client: PrometheusClient,
  slo: SloDefinition & { sli: Sli },
  timestamps: number[],
  stepRatios: Map<number, number | null>,
  stepTotals: Map<number, number | null>,
): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  let month: number | undefined;
  let carried = false;
  let errors = 0;
  let total = 0;
  for (const t of timestamps) {
    const start = periodBounds(slo.period, t).from;
    if (start === month && carried) {
      const ratio = stepRatios.get(t) ?? null;
      const events = stepTotals.get(t) ?? null;
      if (ratio !== null && events !== null && events > 0) {
        total += events;
        errors += ratio * events;
      }
    } else {
      month = start;
      carried = t - start >= MINUTE_MS;
      const w = promWindow(slo, 'period', t).expr;
      const [ratio, events] = await Promise.all([
        client.query(errorRatioExpr(slo.sli, w)!, t),
        client.query(totalExpr(slo.sli, w)!, t),
      ]);
      total = value(events) ?? 0;
      errors = (value(ratio) ?? 0) * total;
    }
    out.set(t, total > 0 ? errors / total : null);
  }
  return out;
}
