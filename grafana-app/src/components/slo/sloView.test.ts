import type { SloStatus } from '@ballast/contract';
import { byBudgetRemaining, exhaustionText, figureValue, lastNotNull, sloHealth, stepFor } from './sloView';

const fig = (value: number | null) => ({ value, formula: '', inputs: {} });
const status = (
  id: string,
  remaining: number | null,
  firing: string[] = [],
  exhausted = false,
  tte: number | null = null,
) =>
  ({
    slo: { id, service: 's', name: id, objective: 0.99 },
    budgetRemaining: fig(remaining),
    timeToExhaustion: fig(tte),
    exhausted,
    tiers: ['page_fast', 'page_slow', 'ticket_fast', 'ticket_slow'].map((name) => ({
      name,
      firing: firing.includes(name),
    })),
  }) as unknown as SloStatus;

describe('sloView', () => {
  it.each([
    ['exhausted', status('a', -0.2, [], true), 'exhausted'],
    ['a page tier firing', status('a', 0.5, ['page_fast']), 'paging'],
    ['a ticket tier firing', status('a', 0.5, ['ticket_slow']), 'ticket'],
    ['under a quarter left', status('a', 0.2), 'low'],
    ['no data', status('a', null), 'no_data'],
    ['fine', status('a', 0.9), 'ok'],
  ])('health: %s', (_n, s, health) => expect(sloHealth(s)).toBe(health));

  it('sorts least budget first, SLOs without data last', () => {
    const list = [status('c', 0.9), status('n', null), status('a', 0.1), status('b', 0.1)];
    expect(list.sort(byBudgetRemaining).map((s) => s.slo.id)).toEqual(['a', 'b', 'c', 'n']);
  });

  it('says when the budget runs out', () => {
    expect(exhaustionText(status('a', 0.5, [], false, 7200))).toBe('2.0 hours');
    expect(exhaustionText(status('a', 0.5, [], false, 3 * 86400))).toBe('3.0 days');
    expect(exhaustionText(status('a', 0.5))).toBe('not at the current burn rate');
  });

  it('keeps plots under the server limit of points, in whole minutes', () => {
    expect(stepFor(0, 3600_000)).toBe(60);
    expect(stepFor(0, 7 * 86_400_000)).toBe(2040);
    expect((7 * 86_400) / stepFor(0, 7 * 86_400_000)).toBeLessThanOrEqual(2000);
  });

  it('shows figures with enough digits to recompute them', () => {
    expect(figureValue(13.44)).toBe('13.44');
    expect(figureValue(0.0017920001)).toBe('0.001792');
    expect(figureValue(2419200)).toBe('2419200.0');
    expect(figureValue(null)).toBe('—');
    expect(lastNotNull([1, 2, null])).toBe(2);
  });
});
