/** The store suite: the same cases on SQLite and PostgreSQL, through real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallastApiError, type Event, type EventInput } from '@ballast/contract';
import { DIALECTS, openStore, startTestServer, type TestServer } from './harness.js';
import { anEvent, eventsAt } from './fixtures.js';

describe.each(DIALECTS)('event store on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  const ingest = (body: Parameters<TestServer['admin']['call']>[1] & object) =>
    server.admin.call('ingestEvents', body as never);
  const search = (query: Record<string, unknown>) => server.admin.call('searchEvents', { query: query as never });

  it('stores an event and returns it with server-owned fields', async () => {
    const res = await server.admin.call('ingestEvents', {
      body: anEvent({
        title: 'Deploy api-gateway 2.0',
        service: 'api-gateway',
        occurredAt: '2026-11-20T13:00:00+02:00',
      }),
    });
    expect(res.created).toBe(1);
    expect(res.results[0]!.status).toBe('created');
    const event = await server.admin.call('getEvent', { params: { id: res.results[0]!.id } });
    expect(event.title).toBe('Deploy api-gateway 2.0');
    expect(event.occurredAt).toBe('2026-11-20T11:00:00.000Z');
    expect(event.tenant).toBe('default');
    expect(event.seq).toBe(res.results[0]!.seq);
    expect(event.source).toBe('api');
    expect(event.severity).toBe('info');
    expect(event.actor).toMatchObject({ type: 'key', name: 'bootstrap-admin', verified: true });
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('marks a claimed actor as unverified', async () => {
    const res = await server.admin.call('ingestEvents', {
      body: anEvent({ actor: { type: 'user', id: 'alice', email: 'alice@example.com' }, service: 'actor-svc' }),
    });
    const event = await server.admin.call('getEvent', { params: { id: res.results[0]!.id } });
    expect(event.actor).toEqual({ type: 'user', id: 'alice', email: 'alice@example.com', verified: false });
  });

  it('makes a retry with the same dedupeKey a no-op that says so', async () => {
    const body = {
      events: [
        anEvent({ dedupeKey: 'deploy-77', service: 'dedupe-svc' }),
        anEvent({ dedupeKey: 'deploy-78', service: 'dedupe-svc' }),
      ],
    };
    const first = await server.admin.call('ingestEvents', { body });
    expect(first.created).toBe(2);
    const res = await server.fetch('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const second = (await res.json()) as typeof first;
    expect(second.created).toBe(0);
    expect(second.duplicates).toBe(2);
    expect(second.results.map((r) => [r.status, r.id])).toEqual(first.results.map((r) => ['duplicate', r.id]));
    const page = await search({ service: 'dedupe-svc' });
    expect(page.events).toHaveLength(2);
  });

  it('stores one of two events that share a dedupeKey within a batch', async () => {
    const res = await ingest({
      body: {
        events: [
          anEvent({ dedupeKey: 'same', service: 'twin' }),
          anEvent({ dedupeKey: 'same', service: 'twin', title: 'other' }),
        ],
      },
    });
    expect(res.results.map((r) => r.status)).toEqual(['created', 'duplicate']);
    expect(res.results[1]!.id).toBe(res.results[0]!.id);
    expect((await search({ service: 'twin' })).events).toHaveLength(1);
  });

  it('refuses a whole batch when one event is bad, naming index and field, storing nothing', async () => {
    const before = await search({ service: 'atomic-svc' });
    const err = await ingest({
      body: {
        events: [
          anEvent({ service: 'atomic-svc' }),
          anEvent({ service: 'atomic-svc' }),
          { ...anEvent({ service: 'atomic-svc' }), severity: 'loud' as never },
        ],
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BallastApiError);
    const apiErr = err as BallastApiError;
    expect(apiErr.status).toBe(400);
    expect(apiErr.code).toBe('validation_failed');
    expect(apiErr.details.map((d) => d.path)).toEqual(['events.2.severity']);
    const after = await search({ service: 'atomic-svc' });
    expect(after.events).toHaveLength(before.events.length);
  });

  it('stores a full batch of 1,000 events with 8 tags each, and finds them by tag', async () => {
    const events = eventsAt(1000, Date.parse('2026-08-01T00:00:00Z'), (i) => ({
      service: 'full-batch',
      tags: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`t${k}`, `v${(i + k) % 10}`])),
    }));
    const res = await ingest({ body: { events } });
    expect(res.created).toBe(1000);
    const page = await search({ service: 'full-batch', tag: ['t0:v3', 't1:v4'], limit: 500 });
    expect(page.events).toHaveLength(100);
  });

  it('keeps seq gap-free in commit order', async () => {
    const res = await ingest({ body: { events: eventsAt(5, undefined, () => ({ service: 'seq-svc' })) } });
    const seqs = res.results.map((r) => r.seq);
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2, seqs[0]! + 3, seqs[0]! + 4]);
    const next = await ingest({ body: anEvent({ service: 'seq-svc' }) });
    expect(next.results[0]!.seq).toBe(seqs[4]! + 1);
  });

  describe('search', () => {
    const base = Date.parse('2026-10-01T00:00:00Z');
    const fixture: EventInput[] = [
      anEvent({
        occurredAt: new Date(base).toISOString(),
        service: 'cart',
        environment: 'production',
        source: 'github',
        kind: 'deploy',
        status: 'succeeded',
        title: 'Deploy cart v3.1 to production',
        tags: { team: 'shop', region: 'eu-west-1' },
      }),
      anEvent({
        occurredAt: new Date(base + 60_000).toISOString(),
        service: 'cart',
        environment: 'staging',
        source: 'github',
        kind: 'deploy',
        status: 'failed',
        severity: 'warning',
        title: 'Deploy cart v3.2 to staging failed',
        tags: { team: 'shop', region: 'us-east-1' },
      }),
      anEvent({
        occurredAt: new Date(base + 120_000).toISOString(),
        service: 'ledger',
        environment: 'production',
        source: 'alertmanager',
        kind: 'alert',
        status: 'triggered',
        severity: 'critical',
        title: 'LedgerLatencyHigh firing',
        description: 'p99 above 2s on the **ledger** write path',
        tags: { team: 'money' },
      }),
      anEvent({
        occurredAt: new Date(base + 180_000).toISOString(),
        service: 'ledger',
        environment: 'production',
        source: 'sentry',
        kind: 'error',
        status: 'triggered',
        severity: 'high',
        title: 'TypeError: cannot read properties of undefined (reading “amount”)',
        tags: { team: 'money', release: 'ledger@9.0' },
      }),
      anEvent({
        occurredAt: new Date(base + 240_000).toISOString(),
        service: 'cart',
        environment: 'production',
        source: 'launchdarkly',
        kind: 'flag_change',
        status: 'disabled',
        title: 'Flag new-checkout-flow turned off',
        tags: { team: 'shop' },
      }),
    ];
    const window = { from: new Date(base).toISOString(), to: new Date(base + 300_000).toISOString() };
    beforeAll(async () => {
      await ingest({ body: { events: fixture } });
    });
    const titles = (p: { events: Event[] }) => p.events.map((e) => e.title);

    it('returns newest first within a time window', async () => {
      const page = await search(window);
      expect(titles(page)).toEqual(fixture.map((e) => e.title).reverse());
    });
    it('finds by free text in title and description, by word prefix, case-insensitively', async () => {
      expect(titles(await search({ ...window, q: 'ledgerlat' }))).toEqual(['LedgerLatencyHigh firing']);
      expect(titles(await search({ ...window, q: 'write path' }))).toEqual(['LedgerLatencyHigh firing']);
      expect(titles(await search({ ...window, q: 'STAGING' }))).toEqual(['Deploy cart v3.2 to staging failed']);
      expect(titles(await search({ ...window, q: 'typeerr' }))).toEqual([fixture[3]!.title]);
      expect(titles(await search({ ...window, q: 'amount' }))).toEqual([fixture[3]!.title]);
      expect(titles(await search({ ...window, q: 'nothing-matches-this' }))).toEqual([]);
    });
    it('filters by service, environment, source, kind, severity and status', async () => {
      expect((await search({ ...window, service: 'ledger' })).events).toHaveLength(2);
      expect((await search({ ...window, environment: 'staging' })).events).toHaveLength(1);
      expect(titles(await search({ ...window, source: 'launchdarkly' }))).toEqual([fixture[4]!.title]);
      expect((await search({ ...window, kind: 'deploy' })).events).toHaveLength(2);
      expect((await search({ ...window, kind: ['deploy', 'alert'] })).events).toHaveLength(3);
      expect(titles(await search({ ...window, severity: 'critical' }))).toEqual([fixture[2]!.title]);
      expect(titles(await search({ ...window, status: 'failed' }))).toEqual([fixture[1]!.title]);
    });
    it('filters by tags, all of them', async () => {
      expect((await search({ ...window, tag: 'team:shop' })).events).toHaveLength(3);
      expect(titles(await search({ ...window, tag: ['team:shop', 'region:us-east-1'] }))).toEqual([fixture[1]!.title]);
      expect(titles(await search({ ...window, tag: 'release:ledger@9.0' }))).toEqual([fixture[3]!.title]);
    });
    it('finds by correlation ids and the sender’s references', async () => {
      const res = await ingest({
        body: anEvent({
          occurredAt: new Date(base - 86_400_000).toISOString(),
          service: 'corr',
          title: 'Deploy corr',
          correlation: { incidentId: 'INC-4471', commitSha: '9f1c2e7d' },
          sourceRefs: { repo: 'acme/corr-api' },
        }),
      });
      const id = res.results[0]!.id;
      for (const q of ['INC-4471', '9f1c2e7', 'corr-api']) {
        expect(
          (await search({ q })).events.map((e) => e.id),
          q,
        ).toEqual([id]);
      }
    });

    it('combines text and filters', async () => {
      expect(titles(await search({ ...window, q: 'deploy', environment: 'production' }))).toEqual([fixture[0]!.title]);
    });
    it('narrows by from and to', async () => {
      const page = await search({
        from: new Date(base + 60_000).toISOString(),
        to: new Date(base + 120_000).toISOString(),
      });
      expect(titles(page)).toEqual([fixture[2]!.title, fixture[1]!.title]);
    });
  });

  // On SQLite a term is matched as the words it begins when it begins at most 64 (looked up in
  // search_terms), else as a prefix; both must find what a prefix finds, on either dialect.
  it('finds every word a term begins, whether it begins one, a dozen or over 64 words', async () => {
    const at = Date.parse('2026-09-01T00:00:00Z');
    const word = (i: number) => `prefword${i}x`;
    const all = Array.from({ length: 70 }, (_, i) => i);
    // Two batches, so that the words of the second are found beside words already stored.
    for (const part of [all.slice(0, 35), all.slice(35)])
      await ingest({
        body: {
          events: part.map((i) =>
            anEvent({
              occurredAt: new Date(at + i * 1000).toISOString(),
              service: 'prefix-svc',
              title: `Changed ${word(i)} on prefix-svc`,
              description: i === 7 ? 'Überweisung fehlgeschlagen' : undefined,
            }),
          ),
        },
      });
    const found = async (q: string) =>
      (await search({ q, limit: 100 })).events
        .map((e) => Number(/prefword(\d+)x/.exec(e.title)![1]))
        .sort((a, b) => a - b);
    expect(await found('prefword')).toEqual(all); // 70 words
    expect(await found('prefword1')).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(await found('prefword12x')).toEqual([12]);
    expect(await found('PREFWORD6 prefix')).toEqual([6, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    expect(await found('prefword6 prefwordnone')).toEqual([]);
    expect(await found('überweis')).toEqual([7]);
    expect(await found('ÜBERWEISUNG fehl')).toEqual([7]);
    // The same terms filter the live stream's catch-up and the facet counts (filters.ts).
    const facets = await server.fetch(
      '/v1/events/facets?q=prefword1&from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z',
    );
    expect(((await facets.json()) as { total: number }).total).toBe(11);
    if (dialect === 'sqlite') {
      // Every word the full-text index holds is in search_terms, which a search expands terms into.
      const db = openStore(server.store);
      try {
        await db.raw('CREATE VIRTUAL TABLE temp.indexed USING fts5vocab(main, events_fts, row)');
        const missing = await db.raw('SELECT term FROM temp.indexed EXCEPT SELECT term FROM search_terms');
        expect(missing).toEqual([]);
        expect(await db('search_terms').where('term', 'like', 'prefword%').count({ n: '*' })).toEqual([{ n: 70 }]);
      } finally {
        await db.destroy();
      }
    }
  });

  it('pages with a cursor pinned to a snapshot, stable while others insert', async () => {
    const svc = 'paging-svc';
    await ingest({
      body: {
        events: eventsAt(25, Date.parse('2026-09-01T00:00:00Z'), (i) => ({ service: svc, title: `page event ${i}` })),
      },
    });
    const first = await search({ service: svc, limit: 10 });
    expect(first.events).toHaveLength(10);
    expect(first.nextCursor).toBeTruthy();
    // Concurrent inserts: some newer, some older than the page boundary, some at the same instant.
    const concurrent = ingest({
      body: {
        events: [
          anEvent({ service: svc, occurredAt: '2026-09-01T00:30:00Z', title: 'late older' }),
          anEvent({ service: svc, occurredAt: '2026-12-01T00:00:00Z', title: 'late newer' }),
          anEvent({ service: svc, occurredAt: '2026-09-01T00:05:00Z', title: 'late same time' }),
        ],
      },
    });
    const seen = [...first.events];
    let cursor = first.nextCursor;
    await concurrent;
    while (cursor) {
      const page = await search({ service: svc, limit: 10, cursor });
      expect(page.snapshotSeq).toBe(first.snapshotSeq);
      seen.push(...page.events);
      cursor = page.nextCursor;
    }
    expect(seen.map((e) => e.title)).toEqual(Array.from({ length: 25 }, (_, i) => `page event ${24 - i}`));
    expect(new Set(seen.map((e) => e.id)).size).toBe(25);
    const fresh = await search({ service: svc, limit: 100 });
    expect(fresh.events).toHaveLength(28);
    expect(fresh.events[0]!.title).toBe('late newer');
  });

  it('pages a text search in timeline order when many events share a second and arrive out of order', async () => {
    // SQLite walks its full-text index in rowid order, which is time order by the second only: events of
    // one second (even of one millisecond) must still come newest first, then by seq, page after page.
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const seconds = ['2026-08-01T10:00:00', '2026-08-01T10:00:01', '2026-08-01T10:00:05', '2026-08-02T00:00:00'];
    const events = Array.from({ length: 120 }, (_, i) => {
      const second = seconds[Math.floor(random() * seconds.length)]!;
      const millis = String(Math.floor(random() * 4) * 250).padStart(3, '0');
      return anEvent({
        service: 'order-svc',
        occurredAt: `${second}.${millis}Z`,
        title: i % 4 === 3 ? `unrelated ${i}` : `ordermark ${i}`,
      });
    });
    events.push(anEvent({ service: 'order-svc', occurredAt: '1850-01-01T00:00:00Z', title: 'ordermark ancient' }));
    events.push(anEvent({ service: 'order-svc', occurredAt: '2600-01-01T00:00:00Z', title: 'ordermark far future' }));
    const shuffled = events.map((e) => ({ e, r: random() })).sort((a, b) => a.r - b.r);
    for (let i = 0; i < shuffled.length; i += 25)
      await ingest({ body: { events: shuffled.slice(i, i + 25).map((x) => x.e) } });

    const all = (await search({ service: 'order-svc', limit: 500 })).events;
    const expected = all
      .filter((e) => e.title.startsWith('ordermark'))
      .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || b.seq - a.seq)
      .map((e) => e.title);
    expect(expected).toHaveLength(92);
    const pages = async (query: Record<string, unknown>) => {
      const seen: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await search({ q: 'ordermark', limit: 7, ...query, ...(cursor && { cursor }) });
        seen.push(...page.events.map((e) => e.title));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pages({})).toEqual(expected);
    const [from, to] = ['2026-08-01T10:00:01.250Z', '2026-08-01T10:00:05.500Z'];
    const inRange = all
      .filter((e) => e.title.startsWith('ordermark') && e.occurredAt >= from && e.occurredAt <= to)
      .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || b.seq - a.seq)
      .map((e) => e.title);
    expect(inRange.length).toBeGreaterThan(10);
    expect(await pages({ from, to })).toEqual(inRange);
  });

  it('refuses a cursor it did not issue', async () => {
    const err = (await search({ cursor: 'bm90LWEtY3Vyc29y' }).catch((e: unknown) => e)) as BallastApiError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_cursor');
    expect(err.details[0]!.path).toBe('query.cursor');
  });

  it('round-trips events at every maximum size byte for byte', async () => {
    const tags = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`k${i}-ключ`, `värde-${i}-${'ż'.repeat(200)}`]),
    );
    const links = Array.from({ length: 20 }, (_, i) => ({
      rel: `r${i}`,
      url: `https://example.com/${i}?q=ü`,
      text: `link ${i} 🔗`,
    }));
    // attributes: as close to 64 KB of JSON as fits, in multi-byte characters
    const attributes: Record<string, string> = {};
    for (let i = 0; Buffer.byteLength(JSON.stringify({ ...attributes, [`a${i}`]: 'Ω'.repeat(100) })) <= 65536; i++) {
      attributes[`a${i}`] = 'Ω'.repeat(100);
    }
    const description = '描'.repeat(Math.floor(16384 / 3));
    const title = '🚀'.repeat(256);
    const input = anEvent({
      title,
      description,
      tags,
      links,
      attributes,
      service: 'max-svc',
      sourceRefs: { repo: 'acme/checkout', 'sentry.project': '42' },
      correlation: { commitSha: 'a'.repeat(40), release: 'checkout@1.4.2', traceId: 'f'.repeat(32) },
    });
    expect(Buffer.byteLength(JSON.stringify(attributes))).toBeGreaterThan(65_000);
    const res = await ingest({ body: input });
    const raw = (await (await server.fetch(`/v1/events/${res.results[0]!.id}`)).json()) as Event;
    expect(raw.title).toBe(title);
    expect(raw.description).toBe(description);
    expect(raw.tags).toEqual(tags);
    expect(raw.links).toEqual(links);
    expect(JSON.stringify(raw.attributes)).toBe(JSON.stringify(attributes));
    expect(raw.sourceRefs).toEqual(input.sourceRefs);
    expect(raw.correlation).toEqual(input.correlation);
    const found = await search({ service: 'max-svc', tag: `k7-ключ:värde-7-${'ż'.repeat(200)}` });
    expect(found.events.map((e) => e.id)).toEqual([raw.id]);
    // A search page is the stored document as it is, not a re-serialization of it.
    const db = openStore(server.store);
    try {
      const { doc } = (await db('events').where({ id: raw.id }).first('doc')) as { doc: string };
      const page = await server.fetch('/v1/events?service=max-svc');
      expect(page.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await page.text()).toBe(`{"events":[${doc}],"nextCursor":null,"snapshotSeq":${found.snapshotSeq}}`);
    } finally {
      await db.destroy();
    }
  });

  it('refuses values one past each maximum, naming the field', async () => {
    const cases: [Partial<EventInput>, string][] = [
      [{ title: 'x'.repeat(513) }, 'title'],
      [{ description: 'x'.repeat(16 * 1024 + 1) }, 'description'],
      [{ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'tags'],
      [{ links: Array.from({ length: 21 }, () => ({ rel: 'r', url: 'https://example.com' })) }, 'links'],
      [{ attributes: { big: 'x'.repeat(65536) } }, 'attributes'],
    ];
    for (const [override, path] of cases) {
      const err = (await ingest({ body: anEvent({ service: 'limits', ...override }) }).catch(
        (e: unknown) => e,
      )) as BallastApiError;
      expect(err.status, path).toBe(400);
      expect(
        err.details.map((d) => d.path),
        path,
      ).toContain(path);
    }
    expect((await search({ service: 'limits' })).events).toHaveLength(0);
  });

  describe('tenant isolation', () => {
    it("lets a second tenant's key see and change nothing of the first's", async () => {
      const created = await server.admin.call('createTenant', { body: { id: `acme-${dialect}`, name: 'Acme' } });
      const other = server.client(created.adminKey.secret);
      const mine = await ingest({
        body: anEvent({ service: 'secret-svc', title: 'default tenant only', dedupeKey: 'shared-key' }),
      });
      const id = mine.results[0]!.id;

      expect((await other.call('searchEvents', { query: { q: 'default tenant only' } })).events).toHaveLength(0);
      expect((await other.call('searchEvents', { query: { service: 'secret-svc' } })).events).toHaveLength(0);
      const notFound = (await other.call('getEvent', { params: { id } }).catch((e: unknown) => e)) as BallastApiError;
      expect(notFound.status).toBe(404);

      // The same dedupeKey in another tenant is a different event, with its own chain and seq.
      const theirs = await other.call('ingestEvents', {
        body: anEvent({ service: 'secret-svc', title: 'acme event', dedupeKey: 'shared-key' }),
      });
      expect(theirs.results[0]!.status).toBe('created');
      expect(theirs.results[0]!.id).not.toBe(id);
      const theirEvents = (await other.call('searchEvents', { query: {} })).events;
      expect(theirEvents.every((e) => e.tenant === `acme-${dialect}`)).toBe(true);
      expect((await search({ q: 'acme event' })).events).toHaveLength(0);

      // Keys: their admin sees only their keys and cannot revoke ours.
      const theirKeys = await other.call('listKeys', {});
      expect(theirKeys.keys.every((k) => k.tenant === `acme-${dialect}`)).toBe(true);
      const ourKeys = await server.admin.call('listKeys', {});
      const revoke = (await other
        .call('revokeKey', { params: { id: ourKeys.keys[0]!.id } })
        .catch((e: unknown) => e)) as BallastApiError;
      expect(revoke.status).toBe(404);
      expect((await server.admin.call('whoAmI', {})).key.revokedAt).toBeNull();
      // Only the default tenant's admins create tenants.
      const nested = (await other
        .call('createTenant', { body: { id: 'nested', name: 'Nested' } })
        .catch((e: unknown) => e)) as BallastApiError;
      expect(nested.status).toBe(403);
    });
  });
});
