/**
 * The windows and burn-rate tiers of the SRE workbook's multi-window multi-burn-rate alerts, scaled to
 * an SLO's period: a tier fires when both its windows burn faster than `factor`, where the factor is the
 * budget fraction the tier tolerates spending in its long window.
 */
import type { ParsedSloSpec, SloPeriod, TierName } from '@ballast/contract';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Milliseconds of a duration written as Prometheus does: `5m`, `6h`, `3d`. */
export function durationMs(d: string): number {
  const m = /^(\d+)([mhd])$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { m: MINUTE, h: HOUR, d: DAY }[m[2] as 'm' | 'h' | 'd'];
}

export interface TierDef {
  name: TierName;
  longWindow: string;
  shortWindow: string;
  /** Share of the period's budget the tier tolerates spending in its long window. */
  budgetFraction: number;
  severity: 'critical' | 'warning';
}

export const TIERS: readonly TierDef[] = [
  { name: 'page_fast', longWindow: '1h', shortWindow: '5m', budgetFraction: 0.02, severity: 'critical' },
  { name: 'page_slow', longWindow: '6h', shortWindow: '30m', budgetFraction: 0.05, severity: 'critical' },
  { name: 'ticket_fast', longWindow: '1d', shortWindow: '2h', budgetFraction: 0.1, severity: 'warning' },
  { name: 'ticket_slow', longWindow: '3d', shortWindow: '6h', budgetFraction: 0.1, severity: 'warning' },
];

/** Every window the status and the recording rules carry, shortest first. */
export const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/**
 * The period the tiers are scaled to. A calendar month varies in length and Prometheus rules are
 * static, so calendar months are scaled as 30 days on both sides.
 */
export function alertingPeriodMs(period: SloPeriod): number {
  return period.kind === 'rolling' ? durationMs(period.window) : 30 * DAY;
}

/** Rounded to 4 decimals so that the factor written into PromQL and the one used here are the same number. */
export function tierFactor(tier: TierDef, period: SloPeriod): number {
  const raw = (tier.budgetFraction * alertingPeriodMs(period)) / durationMs(tier.longWindow);
  return Math.round(raw * 10_000) / 10_000;
}

export interface EffectiveTier extends TierDef {
  enabled: boolean;
  factor: number;
}

/** The SLO's tiers with its overrides applied. */
export function tiersOf(spec: Pick<ParsedSloSpec, 'period' | 'alerting'>): EffectiveTier[] {
  return TIERS.map((t) => {
    const o = spec.alerting.tiers[t.name] ?? {};
    return {
      ...t,
      severity: (o.severity ?? t.severity) as TierDef['severity'],
      enabled: o.enabled ?? true,
      factor: tierFactor(t, spec.period),
    };
  });
}

/**
 * 1 − objective, rounded to 12 significant digits so that 0.999 gives 0.001 rather than 0.0010000000000000009:
 * the same literal goes into the rules, so status and Prometheus compare the same number.
 */
export const errorBudgetOf = (objective: number): number => Number((1 - objective).toPrecision(12));

/** The error ratio both windows of a tier must reach (≥), as the alert rules write it. */
export const tierThreshold = (factor: number, objective: number): number =>
  Number((factor * errorBudgetOf(objective)).toPrecision(12));
