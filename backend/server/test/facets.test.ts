/** Facet counts over real HTTP on both dialects: counts, each field without its own filter, window, text, tags, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError, FacetQueryInput } from '@ballast/contract';
import { eventsAt } from './fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const START = Date.parse('2026-11-20T00:00:00Z');
const iso = (minutes: number) => new Date(START + minutes * 60_000).toISOString();

describe.each(DIALECTS)('event facets on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    // 60 events a minute apart: services checkout (30), cart (20), search (10); production every other
    // event, staging otherwise; a third are errors, the rest deploys; every tenth mentions "rollback".
    const events = eventsAt(60, START, (i) => ({
      service: i % 6 < 3 ? 'checkout' : i % 6 < 5 ? 'cart' : 'search',
      environment: i % 2 ? 'staging' : 'production',
      kind: i % 3 === 0 ? 'error' : 'deploy',
      severity: i % 3 === 0 ? 'high' : 'info',
      title: i % 10 === 0 ? `rollback ${i}` : `event ${i}`,
      tags: { region: i < 30 ? 'eu' : 'us' },
    }));
    // And one without an environment, outside the window asked for below.
    events.push({ ...events[0]!, occurredAt: iso(120), environment: undefined, title: 'later' });
    await server.admin.call('ingestEvents', { body: { events } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const facets = (query: FacetQueryInput) =>
    server.admin.call('eventFacets', { query: { from: iso(0), to: iso(59), ...query } });

  it('counts every field’s values by count, then value', async () => {
    const r = await facets({});
    expect(r.total).toBe(60);
    expect(r.facets.service).toEqual([
      { value: 'checkout', count: 30 },
      { value: 'cart', count: 20 },
      { value: 'search', count: 10 },
    ]);
    expect(r.facets.environment).toEqual([
      { value: 'production', count: 30 },
      { value: 'staging', count: 30 },
    ]);
    expect(r.facets.kind).toEqual([
      { value: 'deploy', count: 40 },
      { value: 'error', count: 20 },
    ]);
    expect(Object.keys(r.facets).sort()).toEqual(['environment', 'kind', 'service', 'severity', 'source', 'status']);
    expect(r.truncated.service).toBe(false);
  });

  it('counts each field with every filter but its own', async () => {
    const r = await facets({ service: ['cart'], environment: ['production'], facet: ['service', 'environment'] });
    // cart in production: i % 6 == 4 → 10 events.
    expect(r.total).toBe(10);
    // Services, in production only (the service filter left out): search has no production events.
    expect(r.facets.service).toEqual([
      { value: 'checkout', count: 20 },
      { value: 'cart', count: 10 },
    ]);
    // Environments of cart (the environment filter left out).
    expect(r.facets.environment).toEqual([
      { value: 'production', count: 10 },
      { value: 'staging', count: 10 },
    ]);
    expect(Object.keys(r.facets).sort()).toEqual(['environment', 'service']);
  });

  it('applies the window, text and tag filters, and keeps the most frequent values', async () => {
    const text = await facets({ q: 'rollback', facet: 'service' });
    expect(text.total).toBe(6);
    const tagged = await facets({ tag: ['region:us'], facet: 'environment' });
    expect(tagged.total).toBe(30);
    const window = await facets({ from: iso(0), to: iso(9), facet: 'service' });
    expect(window.total).toBe(10);
    const top = await facets({ facet: 'service', size: 2 });
    expect(top.facets.service!.map((v) => v.value)).toEqual(['checkout', 'cart']);
    expect(top.truncated.service).toBe(true);
    // Events without the field are not counted under it.
    const later = await facets({ from: iso(100), to: iso(130), facet: 'environment' });
    expect(later).toMatchObject({ total: 1, facets: { environment: [] } });
  });

  it('refuses a field it cannot count and a window the wrong way round, naming the field', async () => {
    const refusal = (query: FacetQueryInput) =>
      facets(query).then(
        () => expect.fail('expected a refusal'),
        (e: unknown) => e as BallastApiError,
      );
    const field = await refusal({ facet: ['title'] as unknown as FacetQueryInput['facet'] });
    expect(field.status).toBe(400);
    expect(field.details.map((d) => d.path)).toContain('query.facet.0');
    const backwards = await refusal({ from: iso(10), to: iso(0) });
    expect(backwards.details.map((d) => d.path)).toEqual(['query.from']);
    const size = await refusal({ size: 1000 });
    expect(size.details.map((d) => d.path)).toEqual(['query.size']);
  });
});
