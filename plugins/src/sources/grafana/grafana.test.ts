import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput } from '@ballast/contract';
import { sourcePlugins } from '../../index.js';
import { hmacHex } from '../../source.js';
import { grafana, verifyGrafana } from './index.js';
import { annotationsOnly, firing, resolved, testNotification } from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

const NOW = Date.parse('2026-11-20T10:05:00Z');
const TS = String(NOW / 1000);

describe('Grafana signature', () => {
  const raw = Buffer.from(JSON.stringify(firing));
  const bodySig = hmacHex('sha256', 'k-1', raw);
  const tsSig = hmacHex('sha256', 'k-1', `${TS}:${raw.toString()}`);
  const v = (headers: Record<string, string>, options = {}, secrets = ['k-0', 'k-1']) =>
    verifyGrafana(raw, headers, secrets, options, NOW);

  it('checks the hex HMAC-SHA256 of the body in the default header', () => {
    // Grafana's documented algorithm, computed independently of hmacHex.
    expect(bodySig).toMatch(/^[0-9a-f]{64}$/);
    expect(v({ 'x-grafana-alerting-signature': bodySig })).toEqual({ ok: true });
    expect(v({ 'x-grafana-alerting-signature': bodySig.toUpperCase() })).toEqual({ ok: true });
    expect(v({ 'x-grafana-alerting-signature': 'sha256=' + bodySig })).toMatchObject({ reason: 'bad_signature' });
    expect(v({ 'x-grafana-alerting-signature': bodySig }, {}, ['k-0'])).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'X-Grafana-Alerting-Signature',
    });
    expect(v({})).toMatchObject({ ok: false, reason: 'missing_signature', header: 'X-Grafana-Alerting-Signature' });
  });

  it('signs timestamp:body when a timestamp header is sent, and refuses stale timestamps', () => {
    const ts = { 'x-grafana-alerting-signature': tsSig, 'x-grafana-alerting-signature-timestamp': TS };
    expect(v(ts)).toEqual({ ok: true });
    // The body-only signature does not pass once a timestamp is sent with it.
    expect(v({ ...ts, 'x-grafana-alerting-signature': bodySig })).toMatchObject({ reason: 'bad_signature' });
    const old = verifyGrafana(raw, ts, ['k-1'], {}, NOW + 301_000);
    expect(old).toMatchObject({ ok: false, header: 'X-Grafana-Alerting-Signature-Timestamp' });
    expect(verifyGrafana(raw, ts, ['k-1'], { maxAgeSeconds: 600 }, NOW + 301_000)).toEqual({ ok: true });
    expect(v({ ...ts, 'x-grafana-alerting-signature-timestamp': 'yesterday' })).toMatchObject({ ok: false });
  });

  it('follows header names set in the hook options', () => {
    const options = { signatureHeader: 'X-Ballast-Sig', timestampHeader: 'X-Ballast-Ts' };
    expect(v({ 'x-ballast-sig': tsSig, 'x-ballast-ts': TS }, options)).toEqual({ ok: true });
    expect(v({ 'x-ballast-sig': bodySig }, options)).toMatchObject({
      ok: false,
      reason: 'missing_signature',
      header: 'X-Ballast-Ts',
    });
    expect(v({ 'x-grafana-alerting-signature': bodySig }, options)).toMatchObject({ header: 'X-Ballast-Sig' });
  });

  it('checks a bearer token instead when the hook says auth=bearer', () => {
    expect(v({ authorization: 'Bearer k-0' }, { auth: 'bearer' })).toEqual({ ok: true });
    expect(v({ 'x-grafana-alerting-signature': bodySig }, { auth: 'bearer' })).toMatchObject({
      ok: false,
      header: 'Authorization',
    });
  });
});

describe('Grafana normalizer', () => {
  const events = (payload: unknown) => {
    const out = grafana.normalize(payload, {}, {});
    if (!out.ok) throw new Error(out.message + out.missing.join());
    return out.events;
  };

  it('turns a firing alert into an alert event with Grafana’s links, field by field', () => {
    const [event] = events(firing);
    expect(event).toEqual({
      occurredAt: '2026-11-20T09:03:00.000Z',
      source: 'grafana',
      kind: 'alert',
      status: 'firing',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        fingerprint: '8d3f1a2b4c5d6e7f',
        alertname: 'Checkout p99 latency',
        receiver: 'ballast',
        groupKey: firing.groupKey,
        orgId: '1',
        dashboardUid: 'checkout-overview',
        panelId: '4',
      },
      title: 'Checkout p99 latency: p99 latency above 800ms for 5 minutes',
      description: 'p99 is 1.24s on checkout in production.',
      links: [
        { rel: 'runbook', url: 'https://runbooks.example.com/checkout/latency', text: 'runbook' },
        { rel: 'dashboard', url: 'https://grafana.example.com/d/checkout-overview?orgId=1', text: 'dashboard' },
        {
          rel: 'panel',
          url: 'https://grafana.example.com/d/checkout-overview?orgId=1&viewPanel=4',
          text: 'panel',
        },
        { rel: 'silence', url: firing.alerts[0]!.silenceURL, text: 'silence' },
        { rel: 'source', url: firing.alerts[0]!.generatorURL, text: 'alert rule' },
      ],
      tags: {
        alertname: 'Checkout p99 latency',
        severity: 'critical',
        service: 'checkout',
        environment: 'production',
        grafana_folder: 'Checkout',
        team: 'payments',
      },
      attributes: { values: { B: 1.2411, C: 1 }, valueString: firing.alerts[0]!.valueString },
      correlation: { alertFingerprint: '8d3f1a2b4c5d6e7f' },
      dedupeKey: 'grafana:8d3f1a2b4c5d6e7f:2026-11-20T10:03:00+01:00:firing',
    });
    expect(EventInput.safeParse(event).success).toBe(true);
  });

  it('closes the range with the resolved alert at endsAt', () => {
    expect(events(resolved)[0]).toMatchObject({
      occurredAt: '2026-11-20T09:21:00.000Z',
      status: 'resolved',
      title: 'Resolved: Checkout p99 latency: p99 latency above 800ms for 5 minutes',
      correlation: { alertFingerprint: '8d3f1a2b4c5d6e7f' },
      attributes: { values: { B: 0.41, C: 0 } },
    });
  });

  it('builds dashboard and panel links from __dashboardUid__/__panelId__ when Grafana sends no URLs', () => {
    const [event] = events(annotationsOnly);
    expect(event!.links!.filter((l) => l.rel === 'dashboard' || l.rel === 'panel')).toEqual([
      { rel: 'dashboard', url: 'https://grafana.example.com/d/checkout-overview', text: 'dashboard' },
      { rel: 'panel', url: 'https://grafana.example.com/d/checkout-overview?viewPanel=4', text: 'panel' },
    ]);
    expect(event).toMatchObject({ service: 'node', environment: 'staging', severity: 'warning' });
    expect(Object.keys(event!.tags!).some((k) => k.startsWith('__'))).toBe(false);
  });

  it('reads the contact point’s test notification', () => {
    const [event] = events(testNotification);
    expect(event).toMatchObject({ title: 'TestAlert: Notification test', status: 'firing', severity: 'warning' });
    expect(event!.service).toBeUndefined();
    expect(event!.links!.map((l) => l.rel)).toEqual(['silence']);
  });

  it('names what is missing', () => {
    expect(grafana.normalize({ alerts: [{ status: 'firing' }] }, {}, {})).toEqual({
      ok: false,
      missing: ['alerts.0.startsAt'],
      message: expect.any(String),
    });
    expect(grafana.normalize({ title: 'x' }, {}, {})).toMatchObject({ ok: false, missing: ['alerts'] });
  });

  it('never throws on malformed or truncated payloads, and what it returns is storable', () => {
    const raw = JSON.stringify(firing);
    const payloads: unknown[] = [null, 0, 'x', [], { alerts: {} }, { alerts: [null, 'x'] }];
    for (let cut = 0; cut < raw.length; cut += 11) {
      try {
        payloads.push(JSON.parse(raw.slice(0, cut)));
      } catch {
        payloads.push(raw.slice(0, cut));
      }
    }
    const alert = firing.alerts[0]!;
    for (const k of Object.keys(alert))
      for (const junk of [null, 2, {}, [], '', 'ftp://x', { a: { b: [1] } }])
        payloads.push({ ...firing, externalURL: junk, alerts: [{ ...alert, [k]: junk }] });
    for (const p of payloads) {
      const out = grafana.normalize(p, {}, {});
      if (out.ok) for (const e of out.events) expect(EventInput.safeParse(e).error).toBeUndefined();
      else expect(out.missing.length).toBeGreaterThan(0);
    }
  });
});

describe('Grafana deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.grafana = grafana;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'grafana', {
      options: { timestampHeader: 'X-Grafana-Alerting-Signature-Timestamp' },
    });
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const signed = (raw: string, key = secret, ts = String(Math.floor(Date.now() / 1000))) => ({
    'x-grafana-alerting-signature': hmacHex('sha256', key, `${ts}:${raw}`),
    'x-grafana-alerting-signature-timestamp': ts,
  });
  const send = (payload: unknown, key = secret) => {
    const raw = JSON.stringify(payload);
    return deliver(server, path, raw, signed(raw, key));
  };
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'grafana', limit: 500 } })).events;

  it('stores signed firing and resolved notifications as one closed range, once per alert', async () => {
    expect(await send(firing)).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
    // Grafana re-sends a firing group every repeat interval: nothing new is stored.
    expect(await send(firing)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    expect((await send(resolved)).status).toBe(201);
    const events = await stored();
    expect(events.map((e) => e.status)).toEqual(['resolved', 'firing']);
    expect(events[1]).toMatchObject({
      occurredAt: '2026-11-20T09:03:00.000Z',
      source: 'grafana',
      kind: 'alert',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      title: 'Checkout p99 latency: p99 latency above 800ms for 5 minutes',
      sourceRefs: { fingerprint: '8d3f1a2b4c5d6e7f', dashboardUid: 'checkout-overview', panelId: '4' },
      attributes: { values: { B: 1.2411, C: 1 } },
      correlation: { alertFingerprint: '8d3f1a2b4c5d6e7f' },
      actor: { type: 'service', verified: true },
    });
    expect(events[1]!.links.map((l) => l.rel)).toEqual(['runbook', 'dashboard', 'panel', 'silence', 'source']);
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T08:00:00Z', to: '2026-11-20T11:00:00Z', source: 'grafana' },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [Date.parse('2026-11-20T09:03:00Z'), Date.parse('2026-11-20T09:21:00Z'), false],
    ]);
  });

  it('refuses wrong, missing, stale and rotated-out signatures and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(annotationsOnly);
    const wrong = await send(annotationsOnly, 'not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('X-Grafana-Alerting-Signature');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    const noTs = await deliver(server, path, raw, {
      'x-grafana-alerting-signature': hmacHex('sha256', secret, raw),
    });
    expect(noTs.status).toBe(401);
    expect(noTs.body.message).toContain('X-Grafana-Alerting-Signature-Timestamp');
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await deliver(server, path, raw, signed(raw, secret, stale))).status).toBe(401);
    const cut = raw.slice(0, 150);
    expect((await deliver(server, path, cut, signed(cut))).status).toBe(422);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    expect((await send(annotationsOnly, secret)).status).toBe(201);
    expect((await send(annotationsOnly, rotated.secret)).status).toBe(200);
    await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 0 } });
    expect((await send(testNotification, secret)).status).toBe(401);
    expect((await send(testNotification, rotated.secret)).status).toBe(401);
    expect((await stored()).length).toBe(before + 1);
  });

  it('accepts bearer tokens on a hook set to auth=bearer, and answers no 5xx to malformed bodies', async () => {
    const made = await createHook(server, 'grafana', { options: { auth: 'bearer' } });
    const raw = JSON.stringify(testNotification);
    const auth = { authorization: `Bearer ${made.secret}` };
    expect((await deliver(server, made.hook.path, raw, auth)).status).toBe(201);
    expect((await deliver(server, made.hook.path, raw, {})).status).toBe(401);
    const bodies = ['', 'null', '{"alerts":[7]}', '{"alerts":[{"status":"Firing!","startsAt":"x"}]}'];
    for (let c = 1; c < raw.length; c += 89) bodies.push(raw.slice(0, c));
    for (const body of bodies)
      expect((await deliver(server, made.hook.path, body, auth)).status, body).toBeLessThan(500);
  });
});
