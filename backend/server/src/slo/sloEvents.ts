/**
 * SLO events from consecutive evaluations, with hysteresis: a tier starts firing at once and stops only
 * after it has been quiet for its short window; a budget level is crossed downwards at once and
 * recovered only 5 points above it. Pure: state in, state and events out.
 */
import type { ParsedEventInput, Severity, SloStatus, TierName } from '@ballast/contract';
import { EventInput } from '@ballast/contract';
import { durationMs } from './windows.js';

export const BUDGET_LEVELS = [0.5, 0.25, 0] as const;
/** How far above a level the budget must climb back before the crossing counts as recovered. */
export const BUDGET_MARGIN = 0.05;

export interface SloState {
  tiers: Partial<Record<TierName, { firing: boolean; since: number; quietSince?: number }>>;
  /** Levels the budget is below (0.5, 0.25, 0), as last reported. */
  budgetBelow: number[];
}

export const emptyState = (): SloState => ({ tiers: {}, budgetBelow: [] });

const LEVEL_SEVERITY: Record<number, Severity> = { 0.5: 'warning', 0.25: 'high', 0: 'critical' };
const pct = (v: number) => `${Number((v * 100).toFixed(2))}%`;

export function transition(
  slo: { id: string; service: string; name: string },
  prev: SloState,
  status: SloStatus,
  at: number,
): { state: SloState; events: ParsedEventInput[] } {
  const events: ParsedEventInput[] = [];
  const occurredAt = new Date(at).toISOString();
  const base = (fingerprint: string) => ({
    occurredAt,
    source: 'slo',
    kind: 'alert',
    service: slo.service,
    correlation: { sloId: slo.id, alertFingerprint: `slo:${slo.id}:${fingerprint}` },
  });
  const state: SloState = { tiers: {}, budgetBelow: [] };

  for (const t of status.tiers) {
    const was = prev.tiers[t.name] ?? { firing: false, since: at };
    const long = status.windows.find((w) => w.window === t.longWindow)!;
    const short = status.windows.find((w) => w.window === t.shortWindow)!;
    const attributes = {
      tier: t.name,
      factor: t.factor.value,
      threshold: t.threshold.value,
      errorRatioLong: long.errorRatio.value,
      errorRatioShort: short.errorRatio.value,
      reason: t.reason,
    };
    if (t.firing && !was.firing) {
      state.tiers[t.name] = { firing: true, since: at };
      events.push(
        EventInput.parse({
          ...base(t.name),
          status: 'triggered',
          severity: t.severity,
          title: `${slo.service} ${slo.name}: ${t.name} burn-rate tier firing (${t.factor.value}x over ${t.longWindow} and ${t.shortWindow})`,
          description: t.reason,
          attributes,
          dedupeKey: `slo:${slo.id}:${t.name}:${at}:triggered`,
        }),
      );
    } else if (!t.firing && was.firing) {
      const quietSince = was.quietSince ?? at;
      // Switched off: stop at once. Otherwise only once quiet for the short window.
      if (!t.enabled || at - quietSince >= durationMs(t.shortWindow)) {
        state.tiers[t.name] = { firing: false, since: at };
        events.push(
          EventInput.parse({
            ...base(t.name),
            status: 'resolved',
            severity: 'info',
            title: `${slo.service} ${slo.name}: ${t.name} burn-rate tier stopped firing`,
            description: t.enabled ? t.reason : 'the tier was switched off',
            attributes,
            dedupeKey: `slo:${slo.id}:${t.name}:${at}:resolved`,
          }),
        );
      } else state.tiers[t.name] = { ...was, quietSince };
    } else state.tiers[t.name] = { firing: was.firing, since: was.since };
  }

  const remaining = status.budgetRemaining.value;
  for (const level of BUDGET_LEVELS) {
    const wasBelow = prev.budgetBelow.includes(level);
    let below = wasBelow;
    if (remaining !== null) {
      if (!wasBelow && (level === 0 ? remaining <= 0 : remaining < level)) below = true;
      else if (wasBelow && remaining >= level + BUDGET_MARGIN) below = false;
    }
    if (below) state.budgetBelow.push(level);
    if (below === wasBelow) continue;
    const what = level === 0 ? 'exhausted' : `below ${pct(level)}`;
    events.push(
      EventInput.parse({
        ...base(`budget-${level}`),
        status: below ? 'triggered' : 'resolved',
        severity: below ? LEVEL_SEVERITY[level] : 'info',
        title: below
          ? `${slo.service} ${slo.name}: error budget ${what} (${pct(remaining!)} left, ${status.period.description})`
          : `${slo.service} ${slo.name}: error budget back above ${pct(level)} (${pct(remaining!)} left)`,
        attributes: { level, budgetRemaining: remaining, period: status.period.description },
        dedupeKey: `slo:${slo.id}:budget-${level}:${at}:${below ? 'triggered' : 'resolved'}`,
      }),
    );
  }
  return { state, events };
}
