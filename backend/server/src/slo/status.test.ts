import { describe, expect, it } from 'vitest';
import type { ParsedSloSpec } from '@ballast/contract';
import { computeStatus, statusWindows, type SloDefinition, type WindowData } from './status.js';
import { tierFactor, TIERS } from './windows.js';

const AT = Date.parse('2026-11-20T12:00:00Z');

const slo = (over: Partial<SloDefinition> = {}): SloDefinition => ({
  id: 'checkout-availability',
  service: 'checkout',
  name: 'availability',
  objective: 0.999,
  period: { kind: 'rolling', window: '30d' },
  alerting: { tiers: {} },
  minTraffic: 0,
  ...over,
});

/** Windows with [good, total] counts; those not named are clean (1,000,000 good of 1,000,000). */
function data(def: SloDefinition, counts: Record<string, [number, number]>): Record<string, WindowData> {
  return Object.fromEntries(
    statusWindows(def, AT).map(({ window, from }) => {
      const [good, total] = counts[window] ?? [1_000_000, 1_000_000];
      return [window, { from, to: AT, good, total, source: 'pushed' }];
    }),
  );
}

const tier = (s: ReturnType<typeof computeStatus>, name: string) => s.tiers.find((t) => t.name === name)!;

describe('tier factors scale with the period', () => {
  const period = (window: '7d' | '28d' | '30d'): ParsedSloSpec['period'] => ({ kind: 'rolling', window });
  it.each([
    ['30d', [14.4, 6, 3, 1]],
    ['28d', [13.44, 5.6, 2.8, 0.9333]],
    ['7d', [3.36, 1.4, 0.7, 0.2333]],
  ] as const)('%s', (window, factors) => {
    expect(TIERS.map((t) => tierFactor(t, period(window)))).toEqual(factors);
  });
  it('calendar months use the 30-day factors, as the static rules do', () => {
    expect(TIERS.map((t) => tierFactor(t, { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' }))).toEqual([
      14.4, 6, 3, 1,
    ]);
  });
});

describe('computeStatus', () => {
  it('99.9 % over 30 d with a 1.44 % error ratio over 1 h and 5 m is a 14.4× page', () => {
    const def = slo();
    const s = computeStatus(def, AT, data(def, { '1h': [9856, 10_000], '5m': [1232, 1250] }));
    expect(s.errorBudget).toEqual({ value: 0.001, formula: '1 − objective', inputs: { objective: 0.999 } });
    const w1h = s.windows.find((w) => w.window === '1h')!;
    expect(w1h.errorRatio).toEqual({
      value: 0.0144,
      formula: '(total − good) / total',
      inputs: { good: 9856, total: 10_000 },
    });
    expect(w1h.burnRate.value).toBeCloseTo(14.4, 10);
    expect(w1h.burnRate.inputs).toEqual({ errorRatio: 0.0144, errorBudget: 0.001 });
    const page = tier(s, 'page_fast');
    expect(page).toMatchObject({ firing: true, severity: 'critical', longWindow: '1h', shortWindow: '5m' });
    expect(page.factor.value).toBe(14.4);
    expect(page.threshold).toEqual({
      value: 0.0144,
      formula: 'factor × (1 − objective)',
      inputs: { factor: 14.4, errorBudget: 0.001 },
    });
    expect(page.reason).toBe('error ratio 0.0144 over 1h and 0.0144 over 5m reach 0.0144');
    expect(s.tiers.filter((t) => t.firing).map((t) => t.name)).toEqual(['page_fast']);
  });

  it('1.43 % does not page on 30 d; 1.40 % pages on 28 d (13.44×) but not on 30 d', () => {
    const d30 = slo();
    const below = computeStatus(d30, AT, data(d30, { '1h': [9857, 10_000], '5m': [9857, 10_000] }));
    expect(tier(below, 'page_fast').firing).toBe(false);
    expect(tier(below, 'page_fast').reason).toBe('error ratio 0.0143 over 1h is below 0.0144');

    const d28 = slo({ period: { kind: 'rolling', window: '28d' } });
    const counts: Record<string, [number, number]> = { '1h': [9860, 10_000], '5m': [986, 1000] };
    expect(tier(computeStatus(d28, AT, data(d28, counts)), 'page_fast')).toMatchObject({ firing: true });
    expect(tier(computeStatus(d28, AT, data(d28, counts)), 'page_fast').threshold.value).toBe(0.01344);
    expect(tier(computeStatus(d30, AT, data(d30, counts)), 'page_fast').firing).toBe(false);
  });

  it('the long window alone does not fire a tier: the short one must agree (it has recovered)', () => {
    const def = slo();
    const s = computeStatus(def, AT, data(def, { '1h': [9000, 10_000], '5m': [1000, 1000] }));
    expect(tier(s, 'page_fast').firing).toBe(false);
    expect(tier(s, 'page_fast').reason).toBe('error ratio 0 over 5m is below 0.0144');
  });

  it('each tier fires on its own windows', () => {
    const def = slo();
    // 0.7 % over 6 h and 30 m: above page_slow's 0.6 %, below page_fast's 1.44 %.
    const slow = computeStatus(def, AT, data(def, { '6h': [993, 1000], '30m': [993, 1000] }));
    expect(slow.tiers.filter((t) => t.firing).map((t) => t.name)).toEqual(['page_slow']);
    // 0.35 % over 1 d and 2 h: ticket_fast (0.3 %).
    const tf = computeStatus(def, AT, data(def, { '1d': [9965, 10_000], '2h': [9965, 10_000] }));
    expect(tf.tiers.filter((t) => t.firing).map((t) => t.name)).toEqual(['ticket_fast']);
    // 0.15 % over 3 d and 6 h: ticket_slow (0.1 %) only.
    const ts = computeStatus(def, AT, data(def, { '3d': [99_850, 100_000], '6h': [99_850, 100_000] }));
    expect(ts.tiers.filter((t) => t.firing).map((t) => t.name)).toEqual(['ticket_slow']);
  });

  it('budget remaining, negative when overspent, and time to exhaustion at the 1 h burn rate', () => {
    const def = slo();
    const half = computeStatus(def, AT, data(def, { period: [999_500, 1_000_000], '1h': [9856, 10_000] }));
    expect(half.budgetRemaining.value).toBeCloseTo(0.5, 12);
    expect(half.budgetRemaining.inputs).toEqual({
      periodErrorRatio: 0.0005,
      errorBudget: 0.001,
      period: 'rolling 30d',
    });
    // 0.5 of 30 days' budget at 14.4×: 0.5 × 2,592,000 s / 14.4 = 90,000 s (25 h).
    expect(half.timeToExhaustion.value).toBeCloseTo(90_000, 6);
    expect(half.timeToExhaustion.inputs.periodSeconds).toBe(2_592_000);
    expect(half.exhausted).toBe(false);

    const over = computeStatus(def, AT, data(def, { period: [998_000, 1_000_000] }));
    expect(over.budgetRemaining.value).toBeCloseTo(-1, 12);
    expect(over.exhausted).toBe(true);
    expect(over.timeToExhaustion.value).toBe(0);

    const clean = computeStatus(def, AT, data(def, {}));
    expect(clean.budgetRemaining.value).toBe(1);
    expect(clean.timeToExhaustion.value).toBeNull();
  });

  it('without traffic the ratios are null, nothing fires and the budget is unknown', () => {
    const def = slo();
    const s = computeStatus(def, AT, data(def, { '1h': [0, 0], period: [0, 0] }));
    expect(s.windows.find((w) => w.window === '1h')!.errorRatio.value).toBeNull();
    expect(s.budgetRemaining.value).toBeNull();
    expect(tier(s, 'page_fast')).toMatchObject({ firing: false, reason: 'no traffic in 1h' });
  });

  it('tiers can be switched off and given severities; the minimum-traffic guard holds thin windows back', () => {
    const def = slo({
      alerting: { tiers: { page_fast: { enabled: false }, page_slow: { severity: 'high' } } },
      minTraffic: 100,
    });
    const s = computeStatus(def, AT, data(def, { '1h': [0, 10_000], '5m': [0, 10], '6h': [0, 50], '30m': [0, 50] }));
    expect(tier(s, 'page_fast')).toMatchObject({ enabled: false, firing: false, reason: 'switched off for this SLO' });
    expect(tier(s, 'page_slow')).toMatchObject({
      severity: 'high',
      firing: false,
      guarded: true,
      reason: 'held back: 50 events in 6h, fewer than the minimum 100',
    });
  });

  it('a calendar month counts its budget from the month start in its zone', () => {
    const def = slo({ period: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } });
    const at = Date.parse('2026-11-01T00:30:00Z');
    const windows = statusWindows(def, at);
    expect(new Date(windows.find((w) => w.window === 'period')!.from).toISOString()).toBe('2026-10-31T23:00:00.000Z');
    const s = computeStatus(
      def,
      at,
      Object.fromEntries(
        windows.map((w) => [w.window, { from: w.from, to: at, good: 999, total: 1000, source: 'pushed' }]),
      ),
    );
    expect(s.period).toEqual({
      from: '2026-10-31T23:00:00.000Z',
      to: '2026-11-01T00:30:00.000Z',
      lengthSeconds: 2_592_000,
      description: 'calendar month 2026-11 in Europe/Berlin',
    });
    expect(s.budgetRemaining.value).toBeCloseTo(0, 12);
  });
});
