import { describe, expect, it } from 'vitest';
import type { Event } from '@ballast/contract';
import { facetQuery, facetValues, merge, NO_FILTERS, toggle } from './facets';

const ev = (id: string, kind: Event['kind'], environment?: string) => ({ id, kind, environment }) as Event;

describe('timeline facets', () => {
  const events = [ev('1', 'deploy', 'production'), ev('2', 'deploy', 'staging'), ev('3', 'incident', 'production')];

  it("lists Ballast's counts in its order, keeping selected values it did not count", () => {
    const counts = {
      from: '2026-10-24T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
      total: 7,
      facets: {
        kind: [
          { value: 'deploy', count: 5 },
          { value: 'incident', count: 2 },
        ],
      },
      truncated: { kind: false },
    };
    expect(facetValues(counts, 'kind', [])).toEqual([
      ['deploy', 5],
      ['incident', 2],
    ]);
    expect(facetValues(counts, 'kind', ['alert', 'deploy'])).toEqual([
      ['deploy', 5],
      ['incident', 2],
      ['alert', 0],
    ]);
    expect(facetValues(counts, 'environment', [])).toEqual([]);
    expect(facetValues(undefined, 'kind', ['alert'])).toEqual([['alert', 0]]);
  });

  it('asks for the four facets over the last 30 days, with the search and its filters', () => {
    const now = Date.parse('2026-11-23T12:00:00.000Z');
    expect(facetQuery({ service: ['checkout'], q: 'oom', ...NO_FILTERS, kind: ['deploy'] }, now)).toEqual({
      service: ['checkout'],
      q: 'oom',
      ...NO_FILTERS,
      kind: ['deploy'],
      from: '2026-10-24T12:00:00.000Z',
      to: '2026-11-23T12:00:00.000Z',
      facet: ['kind', 'source', 'environment', 'severity'],
    });
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
