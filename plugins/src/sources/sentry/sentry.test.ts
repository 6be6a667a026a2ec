import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../source.js';
import { sourcePlugins } from '../../index.js';
import { sentry, verifySentry } from './index.js';
import {
  errorCreated,
  eventAlert,
  installationCreated,
  issueArchived,
  issueAssigned,
  issueCreated,
  issueResolved,
  issueUnresolved,
  metricAlert,
} from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

const h = (resource: string, requestId = 'req-1', timestamp = '1795169400') => ({
  'sentry-hook-resource': resource,
  'request-id': requestId,
  'sentry-hook-timestamp': timestamp,
});

describe('Sentry signature', () => {
  it('is the hex HMAC-SHA256 of the bytes as sent, under the client secret', () => {
    // Sentry serializes compactly with non-ASCII escaped, so re-serializing the parsed body would not
    // reproduce these bytes; the raw body is what must be checked.
    const raw = Buffer.from('{"action":"created","data":{"issue":{"id":"1","title":"Caf\\u00e9 down","count":1.0}}}');
    const secret = 'a3f1c9e0b7d24e6f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f';
    const sig = hmacHex('sha256', secret, raw);
    expect(JSON.stringify(JSON.parse(raw.toString()))).not.toBe(raw.toString());
    expect(verifySentry(raw, { 'sentry-hook-signature': sig }, [secret])).toEqual({ ok: true });
    expect(verifySentry(raw, { 'sentry-hook-signature': sig.toUpperCase() }, ['other', secret])).toEqual({ ok: true });
    expect(verifySentry(raw, { 'sentry-hook-signature': sig }, ['another secret'])).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'Sentry-Hook-Signature',
    });
    expect(
      verifySentry(Buffer.from(raw.toString().replace('1.0', '1')), { 'sentry-hook-signature': sig }, [secret]),
    ).toMatchObject({ ok: false });
    expect(verifySentry(raw, {}, [secret])).toMatchObject({
      ok: false,
      reason: 'missing_signature',
      header: 'Sentry-Hook-Signature',
    });
  });
});

describe('Sentry normalizer', () => {
  it('turns issue.created into an error event keyed by the issue', () => {
    const out = sentry.normalize(issueCreated, h('issue'), {});
    expect(out).toEqual({
      ok: true,
      events: [
        {
          occurredAt: '2026-11-20T10:06:37.391Z',
          source: 'sentry',
          kind: 'error',
          status: 'triggered',
          severity: 'high',
          service: 'checkout',
          sourceRefs: { issue: '1170820242', shortId: 'CHECKOUT-9', project: 'checkout', projectId: '42' },
          title: "New issue CHECKOUT-9: TypeError: Cannot read properties of undefined (reading 'postcode')",
          description: 'In CheckoutForm.submit(app/checkout/form)',
          links: [{ rel: 'issue', url: 'https://acme.sentry.io/issues/1170820242/', text: 'CHECKOUT-9' }],
          actor: { type: 'service', id: 'sentry', name: 'Sentry' },
          correlation: {},
          tags: { level: 'error', platform: 'javascript' },
          dedupeKey: 'sentry:issue:1170820242:created',
        },
      ],
    });
  });

  it('maps issue actions to statuses, with the release a resolution names', () => {
    const one = (payload: unknown) => {
      const out = sentry.normalize(payload, h('issue', 'req-9'), {});
      if (!out.ok) throw new Error(out.message);
      return out.events[0]!;
    };
    expect([issueResolved, issueAssigned, issueArchived, issueUnresolved].map((p) => one(p).status)).toEqual([
      'resolved',
      'assigned',
      'archived',
      'regressed',
    ]);
    expect(one({ ...issueArchived, action: 'ignored' }).status).toBe('archived');
    expect(one(issueResolved)).toMatchObject({
      occurredAt: '2026-11-20T10:10:00.000Z', // the hook timestamp: when Sentry saw the change
      severity: 'info',
      title: "Resolved CHECKOUT-9: TypeError: Cannot read properties of undefined (reading 'postcode')",
      actor: { type: 'user', id: '7', name: 'Dana Ops' },
      correlation: { release: 'checkout@5.2.2' },
      dedupeKey: 'sentry:issue:1170820242:resolved:req-9',
    });
    expect(one(issueAssigned).title).toMatch(/^Assigned to Dana Ops: CHECKOUT-9/);
  });

  it('reads issue alerts as alert points and metric alerts as a firing/resolved pair', () => {
    const alert = sentry.normalize(eventAlert, h('event_alert'), {});
    expect(alert.ok && alert.events[0]).toMatchObject({
      occurredAt: '2026-11-20T10:06:37.391Z',
      kind: 'alert',
      status: 'triggered',
      severity: 'high',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        event: 'e4874d664c3540c1a32eab185f12c5ab',
        issue: '1170820242',
        project: 'checkout',
        projectId: '42',
      },
      title:
        'Alert "Checkout errors spike" fired: TypeError: Cannot read properties of undefined (reading \'postcode\')',
      correlation: { release: 'checkout@5.2.1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      dedupeKey: 'sentry:event_alert:e4874d664c3540c1a32eab185f12c5ab:Checkout errors spike',
    });
    const firing = sentry.normalize(metricAlert('critical'), h('metric_alert', 'r-1', '1795169285'), {});
    const resolved = sentry.normalize(metricAlert('resolved'), h('metric_alert', 'r-2'), {});
    expect(firing.ok && firing.events[0]).toMatchObject({
      occurredAt: '2026-11-20T10:08:05.000Z',
      kind: 'alert',
      status: 'firing',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      title: 'Critical: Checkout error rate',
      description: '1000 events in the last 10 minutes\nFilter: level:error',
      correlation: { alertFingerprint: 'sentry:metric_alert:4' },
    });
    expect(resolved.ok && resolved.events[0]).toMatchObject({
      occurredAt: '2026-11-20T10:31:00.000Z',
      status: 'resolved',
      severity: 'info',
      correlation: { alertFingerprint: 'sentry:metric_alert:4' },
    });
    const warning = sentry.normalize(metricAlert('warning'), h('metric_alert'), {});
    expect(warning.ok && warning.events[0]!.severity).toBe('warning');
  });

  it('ignores errors unless the hook asks for them, and installations always', () => {
    expect(sentry.normalize(errorCreated, h('error'), {})).toMatchObject({
      ok: true,
      events: [],
      ignored: expect.stringContaining('includeErrors'),
    });
    const errors = sentry.normalize(errorCreated, h('error'), { includeErrors: true });
    expect(errors.ok && errors.events[0]).toMatchObject({
      kind: 'error',
      status: 'occurred',
      title: "Error: TypeError: Cannot read properties of undefined (reading 'postcode')",
      dedupeKey: 'sentry:error:bb78c1407cea4519aa397afc059c793d',
    });
    expect(sentry.normalize(installationCreated, h('installation'), {})).toMatchObject({ ok: true, events: [] });
    expect(sentry.normalize({ action: 'created', data: {} }, h('comment'), {})).toMatchObject({ ok: true, events: [] });
  });

  it('falls back to the hook’s service and environment options', () => {
    const noProject = { ...issueCreated, data: { issue: { ...issueCreated.data.issue, project: undefined } } };
    const out = sentry.normalize(noProject, h('issue'), { service: 'web', environment: 'production' });
    expect(out.ok && [out.events[0]!.service, out.events[0]!.environment]).toEqual(['web', 'production']);
  });

  it('names what is missing', () => {
    expect(sentry.normalize({ action: 'created', data: {} }, h('issue'), {})).toEqual({
      ok: false,
      missing: ['data.issue.id'],
      message: expect.any(String),
    });
    expect(sentry.normalize({ data: { metric_alert: {} } }, h('metric_alert'), {})).toMatchObject({
      ok: false,
      missing: ['action', 'data.metric_alert.id'],
    });
    expect(sentry.normalize(issueCreated, {}, {})).toMatchObject({
      ok: false,
      missing: ['headers.sentry-hook-resource'],
    });
  });

  it('never throws on malformed or truncated payloads', () => {
    for (const sample of [issueCreated, eventAlert, metricAlert('critical'), errorCreated]) {
      const raw = JSON.stringify(sample);
      for (let cut = 0; cut < raw.length; cut += 29) {
        let payload: unknown;
        try {
          payload = JSON.parse(raw.slice(0, cut));
        } catch {
          payload = raw.slice(0, cut);
        }
        for (const resource of ['issue', 'event_alert', 'metric_alert', 'error', 'installation'])
          expect(() => sentry.normalize(payload, h(resource), { includeErrors: true })).not.toThrow();
      }
    }
    const odd = [
      null,
      42,
      'x',
      [],
      { action: 5, data: [] },
      { action: 'resolved', data: { issue: { id: {}, project: 'x', firstSeen: 'soon', statusDetails: 7 } } },
      { action: 'critical', data: { metric_alert: { id: 1, projects: 'checkout', date_closed: 1e300 } } },
      { action: 'triggered', data: { event: { event_id: 3, tags: [null, [1], 'x'], datetime: '9999-99-99T' } } },
    ];
    for (const payload of odd)
      for (const resource of ['issue', 'event_alert', 'metric_alert', 'error'])
        expect(() =>
          sentry.normalize(payload, h(resource, 'r', 'not-a-time'), { includeErrors: 'true' }),
        ).not.toThrow();
  });
});

describe('Sentry deliveries over HTTP', () => {
  // Sentry generates the client secret; the hook is created with it.
  let secret = 'sentry-client-secret-3f1c9e0b7d24e6f8a9b0c1d2';
  let server: TestServer;
  let path: string;
  let errorsPath: string;
  beforeAll(async () => {
    sourcePlugins.sentry = sentry;
    server = await startTestServer('sqlite');
    path = (await createHook(server, 'sentry', { secret })).hook.path;
    errorsPath = (await createHook(server, 'sentry', { secret, options: { includeErrors: true } })).hook.path;
  });
  afterAll(async () => server?.close());

  const send = (
    payload: unknown,
    resource: string,
    requestId: string,
    { key = secret, timestamp = '1795169400', to = path } = {},
  ) => {
    const raw = JSON.stringify(payload);
    return deliver(server, to, raw, {
      ...h(resource, requestId, timestamp),
      'sentry-hook-signature': hmacHex('sha256', key, raw),
    });
  };
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'sentry', limit: 500 } })).events;

  it('stores an issue’s life and a redelivery once', async () => {
    expect((await send(issueCreated, 'issue', 'i1')).status).toBe(201);
    expect((await send(issueAssigned, 'issue', 'i2', { timestamp: '1795169520' })).status).toBe(201);
    expect((await send(issueResolved, 'issue', 'i3', { timestamp: '1795170062' })).status).toBe(201);
    expect(await send(issueResolved, 'issue', 'i3', { timestamp: '1795170062' })).toEqual({
      status: 200,
      body: { created: 0, duplicates: 1 },
    });
    // Sentry's create is once per issue: even under another request id it is the same event.
    expect((await send(issueCreated, 'issue', 'i1-again')).body).toEqual({ created: 0, duplicates: 1 });
    const events = await stored();
    expect(events.map((e) => e.status)).toEqual(['resolved', 'assigned', 'triggered']);
    const [res, , created] = events;
    expect(created).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T10:06:37.391Z',
      source: 'sentry',
      kind: 'error',
      status: 'triggered',
      severity: 'high',
      service: 'checkout',
      sourceRefs: { issue: '1170820242', shortId: 'CHECKOUT-9', project: 'checkout', projectId: '42' },
      title: "New issue CHECKOUT-9: TypeError: Cannot read properties of undefined (reading 'postcode')",
      links: [{ rel: 'issue', url: 'https://acme.sentry.io/issues/1170820242/', text: 'CHECKOUT-9' }],
      actor: { type: 'service', id: 'sentry', name: 'Sentry', verified: false },
      tags: { level: 'error', platform: 'javascript' },
      dedupeKey: 'sentry:issue:1170820242:created',
    });
    expect(res).toMatchObject({
      occurredAt: '2026-11-20T10:21:02.000Z',
      severity: 'info',
      actor: { type: 'user', id: '7', name: 'Dana Ops', verified: false },
      correlation: { release: 'checkout@5.2.2' },
    });
  });

  it('pairs a metric alert’s critical and resolved into one range', async () => {
    expect((await send(metricAlert('critical'), 'metric_alert', 'm1', { timestamp: '1795169285' })).status).toBe(201);
    expect((await send(metricAlert('resolved'), 'metric_alert', 'm2', { timestamp: '1795170662' })).status).toBe(201);
    const alerts = (await stored()).filter((e) => e.kind === 'alert');
    expect(alerts.map((e) => [e.status, e.severity, e.occurredAt])).toEqual([
      ['resolved', 'info', '2026-11-20T10:31:00.000Z'],
      ['firing', 'critical', '2026-11-20T10:08:05.000Z'],
    ]);
    expect(alerts[1]).toMatchObject({
      service: 'checkout',
      environment: 'production',
      title: 'Critical: Checkout error rate',
      links: [{ rel: 'alert', url: 'https://acme.sentry.io/alerts/rules/details/7/', text: 'Checkout error rate' }],
      correlation: { alertFingerprint: 'sentry:metric_alert:4' },
      sourceRefs: { incident: '4', alertRule: '7', project: 'checkout', identifier: '1' },
    });
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T10:00:00Z', to: '2026-11-20T11:00:00Z', kind: ['alert'] },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open, a.title])).toEqual([
      [Date.parse('2026-11-20T10:08:05Z'), Date.parse('2026-11-20T10:31:00Z'), false, 'Critical: Checkout error rate'],
    ]);
  });

  it('stores issue alerts, and errors only on a hook with includeErrors', async () => {
    expect((await send(eventAlert, 'event_alert', 'a1')).status).toBe(201);
    const ignored = await send(errorCreated, 'error', 'e1');
    expect(ignored.status).toBe(200);
    expect(ignored.body.ignored).toContain('includeErrors');
    expect((await send(errorCreated, 'error', 'e1', { to: errorsPath })).status).toBe(201);
    const installed = await send(installationCreated, 'installation', 'n1');
    expect(installed).toMatchObject({ status: 200, body: { created: 0 } });
    const events = await stored();
    expect(events.find((e) => e.kind === 'alert' && e.status === 'triggered')).toMatchObject({
      environment: 'production',
      sourceRefs: { event: 'e4874d664c3540c1a32eab185f12c5ab', issue: '1170820242' },
      correlation: { release: 'checkout@5.2.1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      links: [{ rel: 'event', url: eventAlert.data.event.web_url, text: 'Sentry event' }],
    });
    expect(events.filter((e) => e.status === 'occurred')).toHaveLength(1);
  });

  it('refuses wrong, missing and rotated-out signatures and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const wrong = await send(issueArchived, 'issue', 'x1', { key: 'not-the-client-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('Sentry-Hook-Signature');
    const raw = JSON.stringify(issueArchived);
    expect((await deliver(server, path, raw, h('issue', 'x2'))).status).toBe(401);
    const truncated = raw.slice(0, 120);
    const cut = await deliver(server, path, truncated, {
      ...h('issue', 'x3'),
      'sentry-hook-signature': hmacHex('sha256', secret, truncated),
    });
    expect(cut.status).toBe(422);
    // A body changed after signing fails even though it is still valid JSON.
    const tampered = await deliver(server, path, raw.replace('"archived"', '"resolved"'), {
      ...h('issue', 'x4'),
      'sentry-hook-signature': hmacHex('sha256', secret, raw),
    });
    expect(tampered.status).toBe(401);
    const incomplete = await send({ action: 'resolved', data: { issue: {} } }, 'issue', 'x5');
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.details!.map((d) => d.path)).toEqual(['data.issue.id']);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', {
      params: { id: hookId },
      body: { keepPrevious: 0, secret: 'sentry-client-secret-rotated-9b0c1d2e3f' },
    });
    expect((await send(issueArchived, 'issue', 'x6', { key: secret })).status).toBe(401);
    secret = rotated.secret;
    expect((await stored()).length).toBe(before);
    expect((await send(issueArchived, 'issue', 'x7')).status).toBe(201);
    expect((await stored()).length).toBe(before + 1);
  });

  it('never answers a malformed but signed delivery with a 5xx', async () => {
    const before = (await stored()).length;
    const statuses = new Set<number>();
    for (const [sample, resource] of [
      [issueCreated, 'issue'],
      [metricAlert('critical'), 'metric_alert'],
      [eventAlert, 'event_alert'],
    ] as const) {
      const raw = JSON.stringify(sample);
      for (let cut = 1; cut < raw.length; cut += Math.ceil(raw.length / 25)) {
        const body = raw.slice(0, cut);
        const res = await deliver(server, path, body, {
          ...h(resource, `f${cut}`),
          'sentry-hook-signature': hmacHex('sha256', secret, body),
        });
        statuses.add(res.status);
        expect(res.status, body).toBeLessThan(500);
      }
    }
    for (const body of [
      '[]',
      'null',
      '"x"',
      '{"action":{},"data":{"issue":{"id":[]}}}',
      '{"data":{"issue":{"id":"1","project":{"slug":"bad slug!"}}},"action":"created"}',
    ]) {
      const res = await deliver(server, path, body, {
        ...h('issue', 'odd'),
        'sentry-hook-signature': hmacHex('sha256', secret, body),
      });
      statuses.add(res.status);
      expect(res.status, body).toBeLessThan(500);
    }
    expect([...statuses].every((s) => s === 422 || s === 200)).toBe(true);
    expect((await stored()).length).toBe(before);
  });
});
