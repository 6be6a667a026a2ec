// What an SLO's status means at a glance (colour, firing tiers, sort order) and its series as data
// frames for Grafana's own plots. Pure: the list, the detail and the panel agree, and tests read as tables.
import type { SloSeries, SloStatus } from '@ballast/contract';
import { FieldType, createDataFrame, type DataFrame } from '@grafana/data';

export type SloHealth = 'exhausted' | 'paging' | 'ticket' | 'low' | 'ok' | 'no_data';

export const HEALTH: Record<SloHealth, { text: string; color: 'red' | 'orange' | 'green' | 'blue' }> = {
  exhausted: { text: 'budget exhausted', color: 'red' },
  paging: { text: 'paging', color: 'red' },
  ticket: { text: 'ticket', color: 'orange' },
  low: { text: 'budget low', color: 'orange' },
  ok: { text: 'healthy', color: 'green' },
  no_data: { text: 'no data', color: 'blue' },
};

export const firingTiers = (s: SloStatus) => s.tiers.filter((t) => t.firing).map((t) => t.name);

export function sloHealth(s: SloStatus): SloHealth {
  const remaining = s.budgetRemaining.value;
  if (s.exhausted) return 'exhausted';
  const firing = firingTiers(s);
  if (firing.some((t) => t.startsWith('page_'))) return 'paging';
  if (firing.length > 0) return 'ticket';
  if (remaining === null) return 'no_data';
  return remaining < 0.25 ? 'low' : 'ok';
}

/** Least budget left first; SLOs without data last. */
export function byBudgetRemaining(a: SloStatus, b: SloStatus): number {
  const x = a.budgetRemaining.value;
  const y = b.budgetRemaining.value;
  if (x === null || y === null) return x === null ? (y === null ? a.slo.id.localeCompare(b.slo.id) : 1) : -1;
  return x - y || a.slo.id.localeCompare(b.slo.id);
}

export const percent = (v: number | null, digits = 1) => (v === null ? '—' : `${(v * 100).toFixed(digits)} %`);
export const ratio = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));

/** Seconds as people read a time to exhaustion. */
export function exhaustionText(s: SloStatus): string {
  const v = s.timeToExhaustion.value;
  if (s.exhausted) return 'exhausted';
  if (v === null) return 'not at the current burn rate';
  const h = v / 3600;
  return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${h.toFixed(1)} hours`;
}

/** A figure's number as the tier table shows it: enough digits to recompute by hand. */
export const figureValue = (v: number | null) =>
  v === null ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : Number(v.toPrecision(4)).toString();

/** The last value a plot's legend shows (`lastNotNull`). */
export const lastNotNull = (values: Array<number | null>) => {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
};

export function budgetFrame(series: SloSeries): DataFrame {
  return createDataFrame({
    name: 'Budget remaining',
    fields: [
      { name: 'time', type: FieldType.time, values: series.timestamps.map((t) => Date.parse(t)) },
      {
        name: 'budget remaining',
        type: FieldType.number,
        values: series.budgetRemaining,
        config: { unit: 'percentunit', decimals: 1, displayName: 'budget remaining' },
      },
    ],
  });
}

export function burnFrame(series: SloSeries): DataFrame {
  return createDataFrame({
    name: 'Burn rate',
    fields: [
      { name: 'time', type: FieldType.time, values: series.timestamps.map((t) => Date.parse(t)) },
      ...Object.entries(series.burnRate).map(([window, values]) => ({
        name: window,
        type: FieldType.number,
        values,
        config: { unit: 'none', decimals: 2, displayName: `burn ${window}` },
      })),
    ],
  });
}

/** A step that keeps a range under the server's 2,000 points, in whole minutes. */
export function stepFor(fromMs: number, toMs: number, points = 300): number {
  const seconds = Math.max(60, Math.ceil((toMs - fromMs) / 1000 / points / 60) * 60);
  return seconds;
}
