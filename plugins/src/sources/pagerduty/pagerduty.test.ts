import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../source.js';
import { sourcePlugins } from '../../index.js';
import { pagerduty, serviceSlug, verifyPagerduty } from './index.js';
import {
  PUBLISHED_BODY,
  PUBLISHED_SECRET,
  PUBLISHED_SIGNATURE,
  acknowledged,
  annotated,
  incidentEvent,
  ping,
  priorityUpdated,
  reopened,
  resolved,
  serviceUpdated,
  triggered,
} from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

const sig = (secret: string, raw: string | Buffer) => 'v1=' + hmacHex('sha256', secret, raw);

describe('PagerDuty signature', () => {
  const raw = Buffer.from(PUBLISHED_BODY);
  it('matches the signed delivery in PagerDuty’s own client library', () => {
    expect(verifyPagerduty(raw, { 'x-pagerduty-signature': PUBLISHED_SIGNATURE }, [PUBLISHED_SECRET])).toEqual({
      ok: true,
    });
    // From the same test table: a signature under another secret does not match.
    const mismatch = 'v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5';
    expect(verifyPagerduty(raw, { 'x-pagerduty-signature': mismatch }, [PUBLISHED_SECRET])).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'X-PagerDuty-Signature',
    });
    expect(verifyPagerduty(raw, {}, [PUBLISHED_SECRET])).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(
      verifyPagerduty(
        Buffer.from(PUBLISHED_BODY.replace('P1', 'P2')),
        { 'x-pagerduty-signature': PUBLISHED_SIGNATURE },
        [PUBLISHED_SECRET],
      ),
    ).toMatchObject({ ok: false });
  });
  it('accepts any of several v1 values against any hook secret, and ignores other versions', () => {
    const header = (...values: string[]) => ({ 'x-pagerduty-signature': values.join(',') });
    const old = sig('retired-secret', raw);
    expect(verifyPagerduty(raw, header(old, PUBLISHED_SIGNATURE), [PUBLISHED_SECRET])).toEqual({ ok: true });
    expect(verifyPagerduty(raw, header(PUBLISHED_SIGNATURE, old), ['other', PUBLISHED_SECRET])).toEqual({ ok: true });
    expect(verifyPagerduty(raw, header(`${old}, ${PUBLISHED_SIGNATURE}`), [PUBLISHED_SECRET])).toEqual({ ok: true });
    expect(verifyPagerduty(raw, header(PUBLISHED_SIGNATURE.replace('v1=', 'v2=')), [PUBLISHED_SECRET])).toMatchObject({
      ok: false,
      message: expect.stringContaining('no v1'),
    });
    expect(verifyPagerduty(raw, header(old), [PUBLISHED_SECRET])).toMatchObject({ ok: false });
  });
});

describe('PagerDuty normalizer', () => {
  it('reads the published delivery', () => {
    const out = pagerduty.normalize(JSON.parse(PUBLISHED_BODY), {}, {});
    expect(out).toEqual({
      ok: true,
      events: [
        {
          occurredAt: '2021-04-26T17:36:27.458Z',
          source: 'pagerduty',
          kind: 'incident',
          status: 'priority_updated',
          severity: 'critical',
          service: 'api-service',
          sourceRefs: {
            incident: 'PGR0VU2',
            incidentNumber: '2',
            service: 'PF9KMXH',
            escalationPolicy: 'PUS0KTE',
            event: '01BWDWL3NYY7LUFPZCC28QUCMK',
          },
          title: 'Incident #2 priority changed: A little bump in the road',
          links: [{ rel: 'incident', url: 'https://acme.pagerduty.com/incidents/PGR0VU2', text: '#2' }],
          actor: { type: 'user', id: 'PLH1HKV', name: 'Tenex Engineer' },
          correlation: { incidentId: 'PGR0VU2' },
          tags: { event_type: 'incident.priority_updated', urgency: 'high', priority: 'P1' },
          dedupeKey: 'pagerduty:01BWDWL3NYY7LUFPZCC28QUCMK',
        },
      ],
    });
  });

  it('maps event types to statuses; reopened opens a new range', () => {
    const status = (p: unknown) => {
      const out = pagerduty.normalize(p, {}, {});
      return out.ok ? out.events[0]?.status : out.message;
    };
    expect([triggered, acknowledged, priorityUpdated, annotated, resolved, reopened].map(status)).toEqual([
      'triggered',
      'acknowledged',
      'priority_updated',
      'annotated',
      'resolved',
      'triggered',
    ]);
    expect(status(incidentEvent('incident.unacknowledged', 'u1', '2026-11-20T10:12:00Z'))).toBe('unacknowledged');
    expect(status(incidentEvent('incident.escalated', 'e1', '2026-11-20T10:12:00Z'))).toBe('escalated');
    expect(status(incidentEvent('incident.custom_field_values.updated', 'c1', '2026-11-20T10:12:00Z'))).toBe(
      'custom_field_values_updated',
    );
    const re = pagerduty.normalize(reopened, {}, {});
    expect(re.ok && re.events[0]).toMatchObject({
      title: 'Incident #1841 reopened: Checkout 5xx above 5% for 5 minutes',
      tags: { event_type: 'incident.reopened' },
    });
  });

  it('reads severity from priority, then urgency', () => {
    const severity = (extra: Record<string, unknown>) => {
      const out = pagerduty.normalize(
        incidentEvent('incident.triggered', 's', '2026-11-20T10:00:00Z', 'triggered', extra),
        {},
        {},
      );
      return out.ok ? out.events[0]!.severity : out.message;
    };
    expect(
      [
        { priority: { summary: 'P2' } },
        { priority: { summary: 'P3' } },
        { priority: { summary: 'P5' } },
        { priority: null, urgency: 'high' },
        { priority: null, urgency: 'low' },
        { priority: { summary: 'SEV-1' } },
      ].map(severity),
    ).toEqual(['high', 'warning', 'info', 'high', 'warning', 'critical']);
  });

  it('reads notes through the incident reference, and ignores service events and pings', () => {
    const note = pagerduty.normalize(annotated, {}, { service: 'checkout-api' });
    expect(note.ok && note.events[0]).toMatchObject({
      kind: 'incident',
      status: 'annotated',
      service: 'checkout-api',
      description: 'Rolled back checkout to 5.2.0; error rate falling.',
      correlation: { incidentId: 'Q1M2YD7XQ0S7ZD' },
      title: 'Incident Q1M2YD7XQ0S7ZD note added: Checkout 5xx above 5% for 5 minutes',
    });
    expect(pagerduty.normalize(serviceUpdated, {}, {})).toMatchObject({
      ok: true,
      events: [],
      ignored: expect.stringContaining('service.updated'),
    });
    expect(pagerduty.normalize(ping, {}, {})).toMatchObject({ ok: true, events: [] });
  });

  it('makes service names slugs', () => {
    expect(['API Service', 'Checkout API', '  Payments / EU ', '***', 'a'.repeat(200)].map(serviceSlug)).toEqual([
      'api-service',
      'checkout-api',
      'payments-/-eu',
      undefined,
      'a'.repeat(128),
    ]);
  });

  it('names what is missing', () => {
    expect(pagerduty.normalize({ event: {} }, {}, {})).toEqual({
      ok: false,
      missing: ['event.id', 'event.event_type'],
      message: expect.any(String),
    });
    expect(
      pagerduty.normalize(
        { event: { id: 'x', event_type: 'incident.annotated', data: { type: 'incident_note' } } },
        {},
        {},
      ),
    ).toMatchObject({ ok: false, missing: ['event.data.incident.id'] });
  });

  it('never throws on malformed or truncated payloads', () => {
    for (const sample of [triggered, annotated, JSON.parse(PUBLISHED_BODY) as unknown]) {
      const raw = JSON.stringify(sample);
      for (let cut = 0; cut < raw.length; cut += 23) {
        let payload: unknown;
        try {
          payload = JSON.parse(raw.slice(0, cut));
        } catch {
          payload = raw.slice(0, cut);
        }
        expect(() => pagerduty.normalize(payload, {}, {})).not.toThrow();
      }
    }
    for (const payload of [
      null,
      7,
      [],
      { event: [] },
      { event: { id: 1, event_type: 'incident.', data: { type: 'incident', id: 2, service: 'x', priority: 3 } } },
      {
        event: {
          id: 'a',
          event_type: 'incident.triggered',
          occurred_at: '2026-99-99T',
          data: { type: 'incident', id: {} },
        },
      },
      {
        event: {
          id: 'a',
          event_type: 'incident.resolved',
          data: { type: 'incident', id: 'Q', html_url: 'javascript:x' },
        },
      },
    ])
      expect(() => pagerduty.normalize(payload, {}, {})).not.toThrow();
  });
});

describe('PagerDuty deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.pagerduty = pagerduty;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'pagerduty', { secret: PUBLISHED_SECRET });
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, signature?: string) => {
    const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return deliver(server, path, raw, { 'x-pagerduty-signature': signature ?? sig(secret, raw) });
  };
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'pagerduty', limit: 500 } })).events;

  it('stores the published delivery byte for byte as signed', async () => {
    const res = await send(PUBLISHED_BODY, PUBLISHED_SIGNATURE);
    expect(res).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
  });

  it('stores an incident’s life as a range, once per event', async () => {
    for (const p of [triggered, acknowledged, annotated, resolved]) expect((await send(p)).status).toBe(201);
    expect(await send(resolved)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    const events = (await stored()).filter((e) => e.correlation.incidentId === 'Q1M2YD7XQ0S7ZD');
    expect(events.map((e) => e.status)).toEqual(['resolved', 'annotated', 'acknowledged', 'triggered']);
    const first = events[3]!;
    expect(first).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T10:09:00.132Z',
      source: 'pagerduty',
      kind: 'incident',
      status: 'triggered',
      severity: 'critical',
      service: 'checkout-api',
      sourceRefs: {
        incident: 'Q1M2YD7XQ0S7ZD',
        incidentNumber: '1841',
        service: 'PF9KMXH',
        escalationPolicy: 'PUS0KTE',
        event: '01DEN3ZWXO0DFB3G4D8TAZMVPA',
      },
      title: 'Incident #1841 triggered: Checkout 5xx above 5% for 5 minutes',
      links: [
        { rel: 'incident', url: 'https://acme.pagerduty.com/incidents/Q1M2YD7XQ0S7ZD', text: '#1841' },
        { rel: 'conference', url: 'https://meet.example.com/checkout', text: 'conference bridge' },
      ],
      actor: { type: 'service', id: 'PF9KMXH', name: 'Checkout API', verified: false },
      correlation: { incidentId: 'Q1M2YD7XQ0S7ZD' },
      tags: { event_type: 'incident.triggered', urgency: 'high', priority: 'P1' },
      dedupeKey: 'pagerduty:01DEN3ZWXO0DFB3G4D8TAZMVPA',
    });
    expect(events[0]).toMatchObject({
      occurredAt: '2026-11-20T10:32:11.900Z',
      severity: 'info',
      actor: { type: 'user', id: 'PLH1HKV', name: 'Dana Ops', verified: false },
    });
    expect(events[1]!.description).toBe('Rolled back checkout to 5.2.0; error rate falling.');
    const { annotations } = await server.admin.call('annotations', {
      query: {
        from: '2026-11-20T10:00:00Z',
        to: '2026-11-20T11:00:00Z',
        kind: ['incident'],
        service: ['checkout-api'],
      },
    });
    const ranges = annotations.filter((a) => a.timeEnd !== undefined);
    expect(ranges.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [Date.parse('2026-11-20T10:09:00.132Z'), Date.parse('2026-11-20T10:32:11.900Z'), false],
    ]);
    // Reopened: a new range opens after the first one closed.
    expect((await send(reopened)).status).toBe(201);
    const later = await server.admin.call('annotations', {
      query: {
        from: '2026-11-20T10:00:00Z',
        to: '2026-11-20T12:00:00Z',
        kind: ['incident'],
        service: ['checkout-api'],
      },
    });
    expect(later.annotations.filter((a) => a.timeEnd !== undefined).map((a) => a.open)).toEqual([false, true]);
  });

  it('accepts a header with two v1 values where only the second matches', async () => {
    const raw = JSON.stringify(priorityUpdated);
    const res = await send(raw, `${sig('pagerduty-old-secret-0000', raw)},${sig(secret, raw)}`);
    expect(res.status).toBe(201);
    expect((await stored()).find((e) => e.status === 'priority_updated' && e.service === 'checkout-api')).toMatchObject(
      {
        severity: 'high',
        tags: { priority: 'P2' },
      },
    );
  });

  it('acknowledges pings and service events without storing anything', async () => {
    const before = (await stored()).length;
    for (const p of [ping, serviceUpdated]) {
      const res = await send(p);
      expect(res.status).toBe(200);
      expect(res.body.ignored).toMatch(/pagey\.ping|service\.updated/);
    }
    expect(await stored()).toHaveLength(before);
  });

  it('refuses wrong, missing and rotated-out signatures and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const p = incidentEvent('incident.escalated', '01DEN5ESCALATED000000000000', '2026-11-20T10:14:00Z', 'triggered');
    const raw = JSON.stringify(p);
    const wrong = await send(raw, sig('not-the-secret-at-all', raw));
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('X-PagerDuty-Signature');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    expect((await send(raw, 'v0=' + hmacHex('sha256', secret, raw))).status).toBe(401);
    const truncated = raw.slice(0, 90);
    expect((await send(truncated)).status).toBe(422);
    const incomplete = await send({ event: { id: 'z', event_type: 'incident.triggered', data: { type: 'incident' } } });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.details!.map((d) => d.path)).toEqual(['event.data.id']);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    // During the overlap the old secret still passes.
    expect((await send(raw, sig(secret, raw))).status).toBe(201);
    expect((await stored()).length).toBe(before + 1);
    await server.admin.call('rotateHook', {
      params: { id: hookId },
      body: { keepPrevious: 0, secret: rotated.secret + '-next' },
    });
    const other = incidentEvent(
      'incident.delegated',
      '01DEN5DELEGATED00000000000',
      '2026-11-20T10:16:00Z',
      'triggered',
    );
    expect((await send(other, sig(secret, JSON.stringify(other)))).status).toBe(401);
    secret = rotated.secret + '-next';
    expect((await stored()).length).toBe(before + 1);
    expect((await send(other)).status).toBe(201);
  });

  it('never answers a malformed but signed delivery with a 5xx', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(
      incidentEvent('incident.triggered', '01DEN6FUZZ0000000000000000', '2026-11-20T10:40:00Z'),
    );
    for (let cut = 1; cut < raw.length; cut += Math.ceil(raw.length / 40)) {
      const res = await send(raw.slice(0, cut));
      expect(res.status, raw.slice(0, cut)).toBeLessThan(500);
    }
    const odd = [
      '[]',
      '{}',
      '{"event":{"id":"a","event_type":"incident.triggered","data":{"type":"incident","id":"Q","service":{"summary":"***"}}}}',
      '{"event":{"id":"' +
        'x'.repeat(600) +
        '","event_type":"incident.triggered","data":{"type":"incident","id":"Q"}}}',
    ];
    const statuses: number[] = [];
    for (const body of odd) statuses.push((await send(body)).status);
    // A service name with nothing to make a slug of stores without a service; an absurd event id is refused.
    expect(statuses).toEqual([422, 422, 201, 422]);
    expect((await stored()).length).toBe(before + 1);
  });
});
