/** Service mappings: applied when events arrive and again when they are read, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError } from '@ballast/contract';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';
import { anEvent } from './fixtures.js';

describe.each(DIALECTS)('service mappings on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  const sentryError = (title: string, project: string) =>
    anEvent({
      source: 'sentry',
      kind: 'error',
      service: undefined,
      environment: 'production',
      title,
      sourceRefs: { project },
    });

  it('places events stored before the mapping existed, in search results and filters', async () => {
    const stored = await server.admin.call('ingestEvents', {
      body: { events: [sentryError('TypeError in cart', 'web-cart'), sentryError('Other project', 'web-other')] },
    });
    const id = stored.results[0]!.id;
    expect((await server.admin.call('searchEvents', { query: { service: 'cart' } })).events).toHaveLength(0);

    await server.admin.call('putMapping', {
      body: { source: 'sentry', refKey: 'project', refValue: 'web-cart', service: 'cart', environment: 'prod-eu' },
    });
    const found = await server.admin.call('searchEvents', { query: { service: 'cart' } });
    expect(found.events.map((e) => e.id)).toEqual([id]);
    expect(found.events[0]).toMatchObject({
      service: 'cart',
      environment: 'prod-eu',
      recorded: { environment: 'production' },
    });
    const one = await server.admin.call('getEvent', { params: { id } });
    expect(one.service).toBe('cart');
    // The stored event, and so the chain, is untouched.
    expect((await server.admin.call('auditVerify', {})).ok).toBe(true);

    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z', service: 'cart' },
    });
    expect(annotations.map((a) => [a.title, a.service, a.environment])).toEqual([
      ['TypeError in cart', 'cart', 'prod-eu'],
    ]);

    // A mapping for another source does not apply.
    await server.admin.call('putMapping', {
      body: { source: 'pagerduty', refKey: 'project', refValue: 'web-other', service: 'wrong' },
    });
    expect((await server.admin.call('searchEvents', { query: { service: 'wrong' } })).events).toHaveLength(0);
  });

  it('applies at ingest, outranking the service the sender gave', async () => {
    await server.admin.call('putMapping', {
      body: { source: 'sentry', refKey: 'project', refValue: 'web-search', service: 'search' },
    });
    const res = await server.admin.call('ingestEvents', {
      body: { ...sentryError('Timeout', 'web-search'), service: 'guessed' },
    });
    const raw = (await (await server.fetch(`/v1/events/${res.results[0]!.id}`)).json()) as {
      service: string;
      recorded?: unknown;
    };
    expect(raw.service).toBe('search');
    expect(raw.recorded).toBeUndefined();
  });

  it('lists, updates and deletes mappings, each a policy event; refuses bad input and missing permission', async () => {
    await server.admin.call('putMapping', {
      body: { source: 'sentry', refKey: 'project', refValue: 'web-cart', service: 'cart-v2' },
    });
    const list = await server.admin.call('listMappings', {});
    expect(list.mappings.find((m) => m.refValue === 'web-cart')).toEqual({
      source: 'sentry',
      refKey: 'project',
      refValue: 'web-cart',
      service: 'cart-v2',
    });
    const removed = await server.admin.call('deleteMapping', {
      query: { source: 'sentry', refKey: 'project', refValue: 'web-cart' },
    });
    expect(removed.service).toBe('cart-v2');
    expect((await server.admin.call('searchEvents', { query: { service: 'cart-v2' } })).events).toHaveLength(0);
    const again = (await server.admin
      .call('deleteMapping', { query: { source: 'sentry', refKey: 'project', refValue: 'web-cart' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(again.status).toBe(404);
    const policy = await server.admin.call('searchEvents', { query: { source: 'policy', q: 'mapped' } });
    expect(policy.events.length).toBeGreaterThanOrEqual(2);

    const bad = (await server.admin
      .call('putMapping', { body: { source: 'sentry', refKey: 'project', refValue: 'x', service: 'bad name!' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(bad.status).toBe(400);
    expect(bad.details[0]!.path).toBe('service');
    const ci = server.client(
      (await server.admin.call('createKey', { body: { name: `ci-${dialect}`, role: 'ci' } })).secret,
    );
    const denied = (await ci
      .call('putMapping', { body: { source: 'sentry', refKey: 'project', refValue: 'x', service: 'x' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(denied.status).toBe(403);
  });
});
