import { describe, expect, it } from 'vitest';
import { computeStatus, statusWindows, type SloDefinition } from './status.js';
import { emptyState, transition, type SloState } from './sloEvents.js';

const MIN = 60_000;
const T = Date.parse('2026-11-20T12:00:00Z');
const slo: SloDefinition = {
  id: 'checkout-availability',
  service: 'checkout',
  name: 'availability',
  objective: 0.999,
  period: { kind: 'rolling', window: '30d' },
  alerting: { tiers: {} },
  minTraffic: 0,
};

/** A status at `at`: the fast tier's windows at the given error ratios, the period at `periodBad` per million. */
function status(at: number, e1h: number, e5m: number, periodBad = 0, def = slo) {
  const counts: Record<string, [number, number]> = {
    '1h': [1e6 - e1h * 1e6, 1e6],
    '5m': [1e6 - e5m * 1e6, 1e6],
    period: [1e6 - periodBad, 1e6],
  };
  return computeStatus(
    def,
    at,
    Object.fromEntries(
      statusWindows(def, at).map((w) => {
        const [good, total] = counts[w.window] ?? [1e6, 1e6];
        return [w.window, { from: w.from, to: at, good, total, source: 'pushed' }];
      }),
    ),
  );
}

/** Runs evaluations in order; answers the events as [minute, status, fingerprint]. */
function run(steps: [number, ReturnType<typeof status>][], def = slo) {
  let state: SloState = emptyState();
  const out: [number, string, string][] = [];
  for (const [minute, s] of steps) {
    const r = transition(def, state, s, T + minute * MIN);
    state = r.state;
    for (const e of r.events) out.push([minute, e.status!, e.correlation.alertFingerprint!]);
  }
  return out;
}

describe('tier events with hysteresis', () => {
  it('fires at once, and stops only after the short window (5 m) has been quiet', () => {
    const at = (m: number) => T + m * MIN;
    expect(
      run([
        [0, status(at(0), 0.02, 0.02)],
        [1, status(at(1), 0.02, 0.02)], // still firing: nothing new
        [2, status(at(2), 0.02, 0)], // quiet from here
        [4, status(at(4), 0.02, 0.02)], // firing again before 5 m: the quiet time starts over
        [5, status(at(5), 0.02, 0)],
        [9, status(at(9), 0.02, 0)], // 4 m quiet
        [10, status(at(10), 0.02, 0)], // 5 m quiet: stops
        [11, status(at(11), 0, 0)],
      ]),
    ).toEqual([
      [0, 'triggered', 'slo:checkout-availability:page_fast'],
      [10, 'resolved', 'slo:checkout-availability:page_fast'],
    ]);
  });

  it('stops at once when the tier is switched off', () => {
    const off = { ...slo, alerting: { tiers: { page_fast: { enabled: false } } } };
    let state = transition(slo, emptyState(), status(T, 0.02, 0.02), T).state;
    const r = transition(off, state, status(T + MIN, 0.02, 0.02, 0, off), T + MIN);
    state = r.state;
    expect(r.events.map((e) => [e.status, e.description])).toEqual([['resolved', 'the tier was switched off']]);
    expect(state.tiers.page_fast!.firing).toBe(false);
  });

  it('describes the event for the timeline: source, kind, severity, service, correlation, working', () => {
    const [e] = transition(slo, emptyState(), status(T, 0.02, 0.02), T).events;
    expect(e).toMatchObject({
      source: 'slo',
      kind: 'alert',
      status: 'triggered',
      severity: 'critical',
      service: 'checkout',
      title: 'checkout availability: page_fast burn-rate tier firing (14.4x over 1h and 5m)',
      correlation: { sloId: 'checkout-availability', alertFingerprint: 'slo:checkout-availability:page_fast' },
      attributes: { tier: 'page_fast', factor: 14.4, threshold: 0.0144, errorRatioLong: 0.02, errorRatioShort: 0.02 },
    });
  });
});

describe('budget events with hysteresis', () => {
  // Budget 0.1 %: 500 bad per million leaves 50 %, 800 leaves 20 %, 1,000 leaves 0 %.
  it.each([
    [
      'crossing 50 % down, then wobbling around it, then recovering past 55 %',
      [400, 510, 490, 510, 440],
      [
        [1, 'triggered', 'budget-0.5'],
        [4, 'resolved', 'budget-0.5'],
      ],
    ],
    [
      'falling through every level at once, then exhausted and back',
      [0, 1000, 300],
      [
        [1, 'triggered', 'budget-0.5'],
        [1, 'triggered', 'budget-0.25'],
        [1, 'triggered', 'budget-0'],
        [2, 'resolved', 'budget-0.5'],
        [2, 'resolved', 'budget-0.25'],
        [2, 'resolved', 'budget-0'],
      ],
    ],
    [
      '26 % is not below 25 %, 20 % is; 28 % is inside the margin, 31 % recovers',
      [740, 800, 720, 690],
      [
        [0, 'triggered', 'budget-0.5'],
        [1, 'triggered', 'budget-0.25'],
        [3, 'resolved', 'budget-0.25'],
      ],
    ],
  ] as [string, number[], [number, string, string][]][])('%s', (_, bad, expected) => {
    expect(run(bad.map((b, i) => [i, status(T + i * MIN, 0, 0, b)]))).toEqual(
      expected.map(([m, s, f]) => [m, s, `slo:checkout-availability:${f}`]),
    );
  });
});
