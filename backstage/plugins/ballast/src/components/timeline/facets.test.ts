import { describe, expect, it } from 'vitest';
import type { Event } from '@ballast/contract';
import { facetCounts, merge, NO_FILTERS, toggle } from './facets';

const ev = (id: string, kind: Event['kind'], environment?: string) => ({ id, kind, environment }) as Event;

describe('timeline facets', () => {
  const events = [ev('1', 'deploy', 'production'), ev('2', 'deploy', 'staging'), ev('3', 'incident', 'production')];

  it('counts values, most frequent first, keeping selected values with none shown', () => {
    expect(facetCounts(events, 'kind', [])).toEqual([
      ['deploy', 2],
      ['incident', 1],
    ]);
    expect(facetCounts(events, 'kind', ['alert'])).toEqual([
      ['deploy', 2],
      ['incident', 1],
      ['alert', 0],
    ]);
    expect(facetCounts([ev('4', 'deploy')], 'environment', [])).toEqual([]);
  });

  it('toggles a value in and out of one facet', () => {
    const on = toggle(NO_FILTERS, 'kind', 'deploy');
    expect(on).toEqual({ ...NO_FILTERS, kind: ['deploy'] });
    expect(toggle(on, 'kind', 'deploy')).toEqual(NO_FILTERS);
  });

  it('puts live events first and shows each event once', () => {
    expect(merge([ev('9', 'deploy'), ev('1', 'deploy')], events).map((e) => e.id)).toEqual(['9', '1', '2', '3']);
  });
});
