/** Annotations on both dialects, through real HTTP: points, ranges across the window, limits, late pairing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { AnnotationList, type EventInput } from '@ballast/contract';
import { DIALECTS, openStore, startTestServer, type TestServer } from './harness.js';
import { anEvent } from './fixtures.js';
import { pairAnnotations } from '../src/events/annotations.js';

const at = (hhmm: string, day = '20') => `2026-11-${day}T${hhmm}:00.000Z`;
const ms = (hhmm: string, day = '20') => Date.parse(at(hhmm, day));

describe.each(DIALECTS)('annotations on %s', (dialect) => {
  let server: TestServer;
  let db: Knex;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    db = openStore(server.store);
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.close();
  });
  const ingest = (events: EventInput[]) => server.admin.call('ingestEvents', { body: { events } });

  describe('annotations', () => {
    beforeAll(async () => {
      const svc = { service: 'annot', environment: 'production' };
      await ingest([
        // A range that began before the window (10:00–14:00) and ends inside it.
        anEvent({
          ...svc,
          occurredAt: at('09:00'),
          kind: 'incident',
          status: 'triggered',
          title: 'Straddling incident',
          correlation: { incidentId: 'INC-1' },
        }),
        anEvent({
          ...svc,
          occurredAt: at('11:00'),
          kind: 'incident',
          status: 'resolved',
          title: 'INC-1 resolved',
          correlation: { incidentId: 'INC-1' },
        }),
        // A range that began before the window and is still open.
        anEvent({
          ...svc,
          occurredAt: at('08:00'),
          kind: 'alert',
          status: 'firing',
          title: 'Still firing',
          correlation: { alertFingerprint: 'fp-open' },
        }),
        // A range closed before the window: not shown.
        anEvent({
          ...svc,
          occurredAt: at('07:00'),
          kind: 'alert',
          status: 'firing',
          title: 'Old alert',
          correlation: { alertFingerprint: 'fp-old' },
        }),
        anEvent({
          ...svc,
          occurredAt: at('07:30'),
          kind: 'alert',
          status: 'resolved',
          title: 'Old alert resolved',
          correlation: { alertFingerprint: 'fp-old' },
        }),
        // A range inside the window that ends after it.
        anEvent({
          ...svc,
          occurredAt: at('13:00'),
          kind: 'deploy',
          status: 'started',
          title: 'Long deploy',
          correlation: { deploymentId: 'D-9' },
        }),
        anEvent({
          ...svc,
          occurredAt: at('15:00'),
          kind: 'deploy',
          status: 'succeeded',
          title: 'Long deploy done',
          correlation: { deploymentId: 'D-9' },
        }),
        // Points.
        anEvent({
          ...svc,
          occurredAt: at('12:00'),
          kind: 'flag_change',
          status: 'disabled',
          source: 'launchdarkly',
          title: 'Flag off',
          tags: { team: 'web' },
          links: [{ rel: 'flag', url: 'https://app.example.com/flags/x', text: 'flag x' }],
        }),
        anEvent({ service: 'other', occurredAt: at('12:30'), kind: 'deploy', title: 'Other service deploy' }),
      ]);
    });
    const get = (query: Record<string, unknown>) =>
      server.admin.call('annotations', { query: { from: at('10:00'), to: at('14:00'), ...query } as never });

    it('returns points, straddling ranges, open ranges and ranges ending later', async () => {
      const { annotations } = await get({ service: 'annot' });
      const byTitle = Object.fromEntries(annotations.map((a) => [a.title, a]));
      expect(Object.keys(byTitle).sort()).toEqual(['Flag off', 'Long deploy', 'Still firing', 'Straddling incident']);
      expect(byTitle['Straddling incident']).toMatchObject({ time: ms('09:00'), timeEnd: ms('11:00'), open: false });
      expect(byTitle['Still firing']).toMatchObject({ time: ms('08:00'), timeEnd: ms('14:00'), open: true });
      expect(byTitle['Long deploy']).toMatchObject({ time: ms('13:00'), timeEnd: ms('15:00'), open: false });
      expect(byTitle['Flag off']).toMatchObject({
        time: ms('12:00'),
        text: '[flag x](https://app.example.com/flags/x)',
      });
      expect(byTitle['Flag off']!.tags).toEqual(
        expect.arrayContaining(['launchdarkly', 'flag_change', 'annot', 'team:web']),
      );
    });

    it('answers JSON the contract accepts, assembled from the stored forms', async () => {
      const res = await server.fetch(`/v1/annotations?from=${at('10:00')}&to=${at('14:00')}&service=annot`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = AnnotationList.parse(await res.json());
      expect(body.annotations).toHaveLength(4);
      const stored = (await db('events').where({ service: 'annot' }).whereNull('annotation').count('* as n'))[0]!;
      expect(Number(stored.n)).toBe(0);
    });

    it('filters by service, kind, source and tag', async () => {
      expect((await get({})).annotations.map((a) => a.title)).toContain('Other service deploy');
      expect((await get({ service: 'annot', kind: 'incident' })).annotations.map((a) => a.title)).toEqual([
        'Straddling incident',
      ]);
      expect((await get({ source: 'launchdarkly' })).annotations.map((a) => a.title)).toEqual(['Flag off']);
      expect((await get({ tag: 'team:web' })).annotations.map((a) => a.title)).toEqual(['Flag off']);
    });

    it('keeps the newest events of the window when there are more than the limit', async () => {
      const { annotations } = await get({ service: 'annot', kind: 'flag_change', limit: 1 });
      expect(annotations.map((a) => a.title)).toEqual(['Flag off']);
      const newest = (await get({ limit: 1 })).annotations.map((a) => a.title);
      expect(newest).toContain('Long deploy');
      expect(newest).not.toContain('Flag off');
      expect(newest).not.toContain('Other service deploy');
    });

    it('keeps the ranges begun most recently when more reach into the window than the limit', async () => {
      // From the range rows alone (service only), and through the events (a kind filter).
      expect((await get({ service: 'annot', limit: 1 })).annotations.map((a) => a.title)).toEqual(['Long deploy']);
      const alerts = await get({ service: 'annot', kind: ['alert', 'incident'], limit: 1 } as never);
      expect(alerts.annotations.map((a) => a.title)).toEqual(['Straddling incident']);
    });

    it('says when the limit left events or ranges out, and not when everything fitted', async () => {
      // Everything (3 events in the window, 3 ranges reaching into it), and exactly the limit: complete.
      expect((await get({ service: 'annot' })).truncated).toBe(false);
      expect((await get({ service: 'annot', limit: 3 })).truncated).toBe(false);
      expect((await get({ service: 'annot', kind: 'flag_change', limit: 1 })).truncated).toBe(false);
      // More events in the window than the limit.
      expect((await get({ service: 'annot', limit: 2 })).truncated).toBe(true);
      // The window's one event fits; of the two ranges begun before it only the later is kept: from the
      // range rows alone (service only), and through the events (a kind filter).
      const early = { from: at('10:00'), to: at('11:30'), limit: 1 };
      const copies = await get({ service: 'annot', ...early });
      expect(copies.truncated).toBe(true);
      expect(copies.annotations.map((a) => a.title)).toEqual(['Straddling incident']);
      const filtered = await get({ service: 'annot', kind: ['alert', 'incident'], ...early } as never);
      expect(filtered.truncated).toBe(true);
      expect(filtered.annotations.map((a) => a.title)).toEqual(['Straddling incident']);
    });

    it('sends a large answer whole, with its length in bytes, characters of every width intact', async () => {
      // Long enough to go out in many chunks (JsonText): each chunk boundary falls somewhere in the text.
      const titles = Array.from(
        { length: 120 },
        (_, i) => `Big ${i} — déploiement 漢字 🚀 "q" \\ ${'é'.repeat(i % 50)} end`,
      );
      await ingest(
        titles.map((title, i) =>
          anEvent({
            service: 'big-answer',
            occurredAt: new Date(ms('10:00', '22') + i * 60_000).toISOString(),
            kind: 'deploy',
            title,
            description: `${'long text ✓ '.repeat(40)}${i}`,
          }),
        ),
      );
      for (const path of [
        `/v1/annotations?from=${at('09:00', '22')}&to=${at('13:00', '22')}&service=big-answer`,
        `/v1/events?service=big-answer&limit=500`,
      ]) {
        const res = await server.fetch(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.length).toBeGreaterThan(64 * 1024);
        expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
        const body = JSON.parse(bytes.toString('utf8')) as {
          annotations?: { title: string }[];
          events?: { title: string }[];
        };
        const got = (body.annotations ?? body.events)!.map((a) => a.title);
        expect(got.sort()).toEqual([...titles].sort());
      }
    });

    it('refuses a window without bounds', async () => {
      const res = await server.fetch('/v1/annotations?from=2026-11-20T10:00:00Z');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { details: { path: string }[] }).details.map((d) => d.path)).toContain('query.to');
    });
  });

  describe('annotations when starts and ends arrive late and out of order', () => {
    // Alert fingerprints with runs of firing/resolved events at pseudo-random times, and deploys that
    // carry their own endedAt, sent in shuffled batches: the range table kept at write time must draw
    // what pairing all of the service's events at once draws.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const day = Date.parse('2026-11-21T06:00:00Z');
    const events: EventInput[] = [];
    for (let k = 0; k < 12; k++) {
      const n = 1 + Math.floor(random() * 5);
      for (let i = 0; i < n; i++) {
        const occurredAt = new Date(day + Math.floor(random() * 12 * 60) * 60_000).toISOString();
        const start = random() < 0.55;
        // Some carry their own end too (a resolved alert's endsAt), so a range's start or end can
        // also be a span; titles that JSON must escape, one holding what follows a title when stored.
        const ownEnd = random() < 0.2 ? { endedAt: new Date(Date.parse(occurredAt) + 600_000).toISOString() } : {};
        events.push(
          anEvent({
            service: 'shuffle',
            environment: 'shuffle-env',
            occurredAt,
            ...ownEnd,
            kind: 'alert',
            source: 'alertmanager',
            status: start ? 'firing' : 'resolved',
            title: `alert ${k} ${start ? 'firing' : 'resolved'} ${i}${k % 3 === 0 ? ' "quoted" \\ ","tags":[' : ''}`,
            description: k % 2 ? `about alert ${k}` : undefined,
            correlation: { alertFingerprint: `fp${k}` },
          }),
        );
      }
    }
    for (let i = 0; i < 4; i++) {
      const begin = day + Math.floor(random() * 10 * 60) * 60_000;
      events.push(
        anEvent({
          service: 'shuffle',
          environment: 'shuffle-env',
          occurredAt: new Date(begin).toISOString(),
          endedAt: new Date(begin + Math.floor(random() * 180) * 60_000).toISOString(),
          title: `sync ${i}`,
        }),
      );
    }
    const shuffled = events.map((e) => ({ e, r: random() })).sort((a, b) => a.r - b.r);

    beforeAll(async () => {
      for (let i = 0; i < shuffled.length; i += 7) await ingest(shuffled.slice(i, i + 7).map((x) => x.e));
    });

    // With the service alone the reaching ranges are read from their rows' copies; with a kind filter
    // from the events themselves: both must draw what pairing the events draws, field for field.
    it.each([
      ['08:00', '10:00', {}],
      ['09:30', '09:45', {}],
      ['11:00', '15:00', {}],
      ['06:00', '18:00', {}],
      ['08:00', '10:00', { kind: ['alert'] }],
      ['11:00', '15:00', { kind: ['alert'] }],
    ] as const)('draws the window %s–%s (%o) as pairing every event would', async (fromHhmm, toHhmm, filter) => {
      const from = ms(fromHhmm, '21');
      const to = ms(toHhmm, '21');
      const all = (await server.admin.call('searchEvents', { query: { service: ['shuffle'], limit: 500 } })).events;
      expect(all).toHaveLength(events.length);
      const kinds: readonly string[] | undefined = 'kind' in filter ? filter.kind : undefined;
      const expected = pairAnnotations(
        all.filter((e) => !kinds || kinds.includes(e.kind)),
        to,
      ).filter((a) => (a.timeEnd ?? a.time) >= from && a.time <= to);
      const { annotations } = await server.admin.call('annotations', {
        query: { from: at(fromHhmm, '21'), to: at(toHhmm, '21'), service: ['shuffle'], ...filter } as never,
      });
      const key = (a: { time: number; eventIds: string[] }) => `${a.time} ${a.eventIds.join(',')}`;
      const byKey = <T extends { time: number; eventIds: string[] }>(list: T[]) =>
        [...list].sort((a, b) => key(a).localeCompare(key(b)));
      expect(byKey(annotations)).toEqual(byKey(expected));
      expect(expected.some((a) => a.eventIds.length === 2 && a.time < from)).toBe(fromHhmm !== '06:00');
      expect(expected.some((a) => a.open)).toBe(true);
    });

    it('draws from the events when range rows lack their copies (written by a server from before them)', async () => {
      const query = { from: at('08:00', '21'), to: at('10:00', '21'), service: ['shuffle'] } as never;
      const drawn = (await server.admin.call('annotations', { query })).annotations;
      const rows = () => db('event_ranges').where({ tenant: 'default', service: 'shuffle' });
      const kept = await rows().select('start_seq', 'start_annotation', 'end_id', 'end_title');
      expect(kept.some((r) => r.end_id !== null)).toBe(true);
      await rows().update({ start_annotation: null, end_id: null, end_title: null });
      try {
        expect((await server.admin.call('annotations', { query })).annotations).toEqual(drawn);
      } finally {
        for (const { start_seq, ...copies } of kept) await rows().where({ start_seq }).update(copies);
      }
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);
    });
  });
});
