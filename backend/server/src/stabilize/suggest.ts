import type { SloStatus, Stabilize, StabilizeSuggestion } from '@ballast/contract';

/** Burning below 1× over this window for every SLO of the service: the budget is no longer shrinking faster than planned. */
const CALM_WINDOW = '30m';

/**
 * What the numbers suggest for a scope; a person decides. Enter when a page tier of one of the
 * service's SLOs fires; exit an active stabilize when every SLO burned below 1× over the last 30
 * minutes. Nothing when the data says neither (or there is no data).
 */
export function suggest(open: Stabilize | null, statuses: SloStatus[]): StabilizeSuggestion | null {
  const active = open?.state === 'active';
  if (!open) {
    const paging = statuses.filter((s) => s.tiers.some((t) => t.firing && t.name.startsWith('page')));
    if (paging.length === 0) return null;
    const tiers = paging.flatMap((s) =>
      s.tiers.filter((t) => t.firing && t.name.startsWith('page')).map((t) => `${s.slo.id} ${t.name}`),
    );
    return {
      action: 'enter',
      reason: `a page tier fires: ${tiers.join(', ')}`,
      sloIds: paging.map((s) => s.slo.id),
    };
  }
  if (!active || statuses.length === 0) return null;
  const rates = statuses.map((s) => ({
    id: s.slo.id,
    rate: s.windows.find((w) => w.window === CALM_WINDOW)?.burnRate.value ?? null,
  }));
  if (rates.some((r) => r.rate === null || r.rate >= 1)) return null;
  return {
    action: 'exit',
    reason: `every SLO of the service burned below 1× over the last ${CALM_WINDOW} (${rates.map((r) => `${r.id} ${r.rate!.toFixed(2)}×`).join(', ')})`,
    sloIds: rates.map((r) => r.id),
  };
}
