/**
 * An SLO's status from the counts (or recorded ratios) of its windows: pure, and every number carries
 * its formula and inputs so a person can check the working.
 */
import type { Figure, ParsedSloSpec, SloStatus, SloTierStatus, SloWindowStatus } from '@ballast/contract';
import { periodBounds } from './period.js';
import { WINDOWS, durationMs, errorBudgetOf, tierThreshold, tiersOf } from './windows.js';

export interface WindowData {
  from: number;
  to: number;
  good: number | null;
  total: number | null;
  /** Set when the ratio was read ready-made (a recorded series) rather than computed from counts. */
  errorRatio?: number | null;
  source: string;
}

export type SloDefinition = Pick<
  ParsedSloSpec,
  'service' | 'name' | 'objective' | 'period' | 'alerting' | 'minTraffic'
> & { id: string };

/** The windows an SLO's status needs at an instant: the fixed ones, and its period. */
export function statusWindows(slo: Pick<SloDefinition, 'period'>, at: number): { window: string; from: number }[] {
  return [
    ...WINDOWS.map((w) => ({ window: w, from: at - durationMs(w) })),
    { window: 'period', from: periodBounds(slo.period, at).from },
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (n: number | null) => (n === null ? 'none' : String(Number(n.toPrecision(6))));

function errorRatioFigure(d: WindowData): Figure {
  if (d.errorRatio !== undefined) {
    return { value: d.errorRatio, formula: 'read from the recorded series', inputs: { series: d.source } };
  }
  const value = d.total === null || d.good === null || d.total === 0 ? null : (d.total - d.good) / d.total;
  return { value, formula: '(total − good) / total', inputs: { good: d.good, total: d.total } };
}

export function computeStatus(slo: SloDefinition, at: number, data: Record<string, WindowData>): SloStatus {
  const budget = errorBudgetOf(slo.objective);
  const bounds = periodBounds(slo.period, at);
  const errorBudget: Figure = { value: budget, formula: '1 − objective', inputs: { objective: slo.objective } };

  const windows: SloWindowStatus[] = [...WINDOWS, 'period'].map((w) => {
    const d = data[w];
    if (!d) throw new Error(`no data for window ${w}`);
    const errorRatio = errorRatioFigure(d);
    const burnRate: Figure = {
      value: errorRatio.value === null ? null : errorRatio.value / budget,
      formula: 'errorRatio / (1 − objective)',
      inputs: { errorRatio: errorRatio.value, errorBudget: budget },
    };
    return {
      window: w,
      from: iso(d.from),
      to: iso(d.to),
      good: d.good,
      total: d.total,
      errorRatio,
      burnRate,
      source: d.source,
    };
  });
  const byName = new Map(windows.map((w) => [w.window, w]));

  const periodRatio = byName.get('period')!.errorRatio.value;
  const budgetRemaining: Figure = {
    value: periodRatio === null ? null : 1 - periodRatio / budget,
    formula: '1 − e(period) / (1 − objective)',
    inputs: { periodErrorRatio: periodRatio, errorBudget: budget, period: bounds.description },
  };

  const burn1h = byName.get('1h')!.burnRate.value;
  const periodSeconds = bounds.lengthMs / 1000;
  const remaining = budgetRemaining.value;
  const timeToExhaustion: Figure = {
    value:
      remaining === null || burn1h === null
        ? null
        : remaining <= 0
          ? 0
          : burn1h <= 0
            ? null
            : (remaining * periodSeconds) / burn1h,
    formula: 'budgetRemaining × period seconds / burn rate (1h); none when not burning',
    inputs: { budgetRemaining: remaining, periodSeconds, burnRate1h: burn1h },
  };

  const tiers: SloTierStatus[] = tiersOf(slo).map((t) => {
    const long = byName.get(t.longWindow)!;
    const short = byName.get(t.shortWindow)!;
    const threshold = tierThreshold(t.factor, slo.objective);
    const eL = long.errorRatio.value;
    const eS = short.errorRatio.value;
    const guarded = slo.minTraffic > 0 && long.total !== null && long.total < slo.minTraffic;
    const over = eL !== null && eS !== null && eL >= threshold && eS >= threshold;
    const firing = t.enabled && over && !guarded;
    const reason = !t.enabled
      ? 'switched off for this SLO'
      : eL === null || eS === null
        ? `no traffic in ${eL === null ? t.longWindow : t.shortWindow}`
        : guarded
          ? `held back: ${long.total} events in ${t.longWindow}, fewer than the minimum ${slo.minTraffic}`
          : over
            ? `error ratio ${fmt(eL)} over ${t.longWindow} and ${fmt(eS)} over ${t.shortWindow} reach ${fmt(threshold)}`
            : `error ratio ${fmt(eL < threshold ? eL : eS)} over ${eL < threshold ? t.longWindow : t.shortWindow} is below ${fmt(threshold)}`;
    return {
      name: t.name,
      enabled: t.enabled,
      severity: t.severity,
      longWindow: t.longWindow,
      shortWindow: t.shortWindow,
      factor: {
        value: t.factor,
        formula: 'budget fraction × period / long window',
        inputs: {
          budgetFraction: t.budgetFraction,
          periodHours: slo.period.kind === 'rolling' ? durationMs(slo.period.window) / 3_600_000 : 720,
          longWindowHours: durationMs(t.longWindow) / 3_600_000,
        },
      },
      threshold: {
        value: threshold,
        formula: 'factor × (1 − objective)',
        inputs: { factor: t.factor, errorBudget: budget },
      },
      firing,
      guarded,
      reason,
    };
  });

  return {
    slo: { id: slo.id, service: slo.service, name: slo.name, objective: slo.objective },
    at: iso(at),
    period: {
      from: iso(bounds.from),
      to: iso(bounds.to),
      lengthSeconds: periodSeconds,
      description: bounds.description,
    },
    errorBudget,
    windows,
    budgetRemaining,
    timeToExhaustion,
    tiers,
    exhausted: remaining !== null && remaining <= 0,
  };
}
