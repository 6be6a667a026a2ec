/** Plot series of a pushed SLI from its minutes: prefix sums make every window at every step O(1). */
import type { SloSeries } from '@ballast/contract';
import { periodBounds } from './period.js';
import type { SloDefinition } from './status.js';
import { MINUTE, WINDOWS, durationMs, errorBudgetOf } from './windows.js';

export interface SeriesRequest {
  from: number;
  to: number;
  stepMs: number;
}

/** How far before `from` the minutes must reach: the longest window or period. */
export function seriesLookbackMs(slo: Pick<SloDefinition, 'period'>): number {
  const period = slo.period.kind === 'rolling' ? durationMs(slo.period.window) : 32 * 86_400_000;
  return Math.max(period, durationMs('3d'));
}

export function computeSeries(
  slo: SloDefinition,
  req: SeriesRequest,
  minutes: { minute: number; good: number; total: number }[],
): SloSeries {
  const m0 = Math.floor((req.from - seriesLookbackMs(slo)) / MINUTE);
  const m1 = Math.ceil(req.to / MINUTE) + 1;
  const n = m1 - m0;
  const good = new Float64Array(n + 1);
  const total = new Float64Array(n + 1);
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  for (const p of minutes) {
    const i = p.minute - m0;
    if (i >= 0 && i < n) {
      g[i] = p.good;
      t[i] = p.total;
    }
  }
  for (let i = 0; i < n; i++) {
    good[i + 1] = good[i]! + g[i]!;
    total[i + 1] = total[i]! + t[i]!;
  }
  // Buckets whose start lies in [fromMs, toMs), as the status counts them.
  const idx = (ms: number) => Math.min(n, Math.max(0, Math.ceil(ms / MINUTE) - m0));
  const errorRatio = (fromMs: number, toMs: number): number | null => {
    const tot = total[idx(toMs)]! - total[idx(fromMs)]!;
    if (tot <= 0) return null;
    return (tot - (good[idx(toMs)]! - good[idx(fromMs)]!)) / tot;
  };
  const budget = errorBudgetOf(slo.objective);
  const out: SloSeries = { timestamps: [], sli: [], burnRate: {}, budgetRemaining: [] };
  for (const w of WINDOWS) out.burnRate[w] = [];
  for (let at = req.from; at <= req.to; at += req.stepMs) {
    out.timestamps.push(new Date(at).toISOString());
    const e = errorRatio(at - req.stepMs, at);
    out.sli.push(e === null ? null : 1 - e);
    for (const w of WINDOWS) {
      const ew = errorRatio(at - durationMs(w), at);
      out.burnRate[w]!.push(ew === null ? null : ew / budget);
    }
    const ep = errorRatio(periodBounds(slo.period, at).from, at);
    out.budgetRemaining.push(ep === null ? null : 1 - ep / budget);
  }
  return out;
}
