import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput } from '@ballast/contract';
import { sourcePlugins } from '../../index.js';
import { alertmanager } from './index.js';
import { severityOf } from './alertEvent.js';
import { firing, resolved, twoAlerts } from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

const bearer = (s: string) => ({ authorization: `Bearer ${s}` });

describe('Alertmanager authorization', () => {
  it('accepts the bearer token of any hook secret and names the header otherwise', () => {
    const raw = Buffer.from('{}');
    expect(alertmanager.verify(raw, bearer('s-new'), ['s-new', 's-old'], {})).toEqual({ ok: true });
    expect(alertmanager.verify(raw, bearer('s-old'), ['s-new', 's-old'], {})).toEqual({ ok: true });
    expect(alertmanager.verify(raw, bearer('s-gone'), ['s-new'], {})).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'Authorization',
    });
    expect(alertmanager.verify(raw, {}, ['s-new'], {})).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('Alertmanager normalizer', () => {
  const one = (payload: unknown) => {
    const out = alertmanager.normalize(payload, {}, {});
    if (!out.ok) throw new Error(out.message);
    return out.events;
  };

  it('turns a firing alert into an alert event, field by field', () => {
    const [event, ...rest] = one(firing);
    expect(rest).toEqual([]);
    expect(event).toEqual({
      occurredAt: '2026-11-20T10:01:30.123Z',
      source: 'alertmanager',
      kind: 'alert',
      status: 'firing',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        fingerprint: 'c4a1e97b2d6f0e11',
        alertname: 'CheckoutErrorBudgetBurn',
        receiver: 'ballast',
        groupKey: '{}/{severity=~"page|critical"}:{alertname="CheckoutErrorBudgetBurn"}',
      },
      title: 'CheckoutErrorBudgetBurn: Checkout is burning its error budget 14x too fast',
      description: '5xx ratio over 1h is 1.4% (budget 0.1%). Started after the 09:58 deploy.',
      links: [
        { rel: 'runbook', url: 'https://runbooks.example.com/checkout/error-budget', text: 'runbook' },
        { rel: 'source', url: firing.alerts[0]!.generatorURL, text: 'expression' },
      ],
      tags: {
        alertname: 'CheckoutErrorBudgetBurn',
        severity: 'page',
        service: 'checkout',
        job: 'checkout-api',
        env: 'production',
        instance: 'checkout-7d9f8:8080',
        slo: 'checkout-availability',
      },
      correlation: { alertFingerprint: 'c4a1e97b2d6f0e11' },
      dedupeKey: 'alertmanager:c4a1e97b2d6f0e11:2026-11-20T10:01:30.123456789Z:firing',
    });
    expect(EventInput.safeParse(event).success).toBe(true);
  });

  it('stores a resolved alert at endsAt, under the same fingerprint', () => {
    const [event] = one(resolved);
    expect(event).toMatchObject({
      occurredAt: '2026-11-20T10:17:45.500Z',
      status: 'resolved',
      title: 'Resolved: CheckoutErrorBudgetBurn: Checkout is burning its error budget 14x too fast',
      correlation: { alertFingerprint: 'c4a1e97b2d6f0e11' },
      dedupeKey: 'alertmanager:c4a1e97b2d6f0e11:2026-11-20T10:01:30.123456789Z:resolved',
    });
  });

  it('reads one event per alert with the documented fallbacks for service and environment', () => {
    const events = one(twoAlerts);
    expect(events.map((e) => [e.service, e.environment, e.severity, e.occurredAt])).toEqual([
      ['checkout', 'production', 'critical', '2026-11-20T10:01:30.123Z'],
      ['payments', 'staging', 'high', '2026-11-20T09:02:00.000Z'],
    ]);
    expect(events[1]!.links!.map((l) => l.rel)).toEqual(['runbook', 'source']);
    expect(events[1]!.title).toBe('HighLatency');
    const app = one({ alerts: [{ ...twoAlerts.alerts[1], labels: { alertname: 'X', app: 'web:frontend' } }] });
    expect(app[0]!.service).toBe('web-frontend');
  });

  it('maps severity words to the four levels, defaulting to warning', () => {
    const words = ['critical', 'PAGE', 'error', 'major', 'warning', 'warn', 'info', 'none', 'bogus', undefined];
    expect(words.map(severityOf)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'warning',
      'warning',
      'info',
      'info',
      'warning',
      'warning',
    ]);
  });

  it('fits oversized labels and annotations into the limits instead of refusing', () => {
    const labels: Record<string, string> = { alertname: 'Many', 'bad key:with space': 'x' };
    for (let i = 0; i < 80; i++) labels[`l${String(i).padStart(2, '0')}`] = 'v'.repeat(300);
    const [event] = one({
      alerts: [
        {
          ...firing.alerts[0],
          labels,
          annotations: { summary: 's'.repeat(900), description: 'é'.repeat(20_000), runbook_url: 'javascript:x' },
          generatorURL: 'not a url',
        },
      ],
    });
    expect(Object.keys(event!.tags!)).toHaveLength(50);
    expect(event!.tags!.alertname).toBe('Many');
    expect(event!.tags!.bad_key_with_space).toBe('x');
    expect(event!.links).toEqual([]);
    expect(EventInput.safeParse(event).success).toBe(true);
  });

  it('names what is missing and ignores an empty group', () => {
    expect(alertmanager.normalize({ alerts: [{ labels: {} }, { status: 'firing' }] }, {}, {})).toEqual({
      ok: false,
      missing: ['alerts.0.status', 'alerts.0.startsAt', 'alerts.1.startsAt'],
      message: expect.any(String),
    });
    expect(alertmanager.normalize({ receiver: 'x' }, {}, {})).toMatchObject({ ok: false, missing: ['alerts'] });
    expect(alertmanager.normalize({ ...firing, version: '3' }, {}, {})).toMatchObject({ ok: false });
    expect(alertmanager.normalize({ ...firing, alerts: [] }, {}, {})).toMatchObject({ ok: true, events: [] });
  });

  it('never throws on malformed or truncated payloads, and what it returns is storable', () => {
    const raw = JSON.stringify(twoAlerts);
    const payloads: unknown[] = [null, 42, 'x', [], { alerts: 5 }, { alerts: [null, 7, 'x', []] }];
    for (let cut = 0; cut < raw.length; cut += 13) {
      try {
        payloads.push(JSON.parse(raw.slice(0, cut)));
      } catch {
        payloads.push(raw.slice(0, cut));
      }
    }
    const alert = twoAlerts.alerts[1]!;
    for (const k of Object.keys(alert))
      for (const junk of [null, 1, {}, [], '', 'zzz', '0001-01-01T00:00:00Z'])
        payloads.push({ alerts: [{ ...alert, [k]: junk }] });
    for (const p of payloads) {
      const out = alertmanager.normalize(p, {}, {});
      if (out.ok) for (const e of out.events) expect(EventInput.safeParse(e).error).toBeUndefined();
      else expect(out.missing.length).toBeGreaterThan(0);
    }
  });
});

describe('Alertmanager deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.alertmanager = alertmanager;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'alertmanager');
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, key = secret) => deliver(server, path, JSON.stringify(payload), bearer(key));
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'alertmanager', limit: 500 } })).events;

  it('stores firing then resolved as one closed range, once per delivery', async () => {
    expect(await send(firing)).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
    expect(await send(firing)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    expect((await send(resolved)).status).toBe(201);
    const events = await stored();
    expect(events.map((e) => e.status)).toEqual(['resolved', 'firing']);
    expect(events[1]).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T10:01:30.123Z',
      source: 'alertmanager',
      kind: 'alert',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      title: 'CheckoutErrorBudgetBurn: Checkout is burning its error budget 14x too fast',
      sourceRefs: { fingerprint: 'c4a1e97b2d6f0e11', receiver: 'ballast' },
      correlation: { alertFingerprint: 'c4a1e97b2d6f0e11' },
      tags: { alertname: 'CheckoutErrorBudgetBurn', slo: 'checkout-availability' },
      actor: { type: 'service', verified: true },
    });
    expect(events[1]!.links.map((l) => l.rel)).toEqual(['runbook', 'source']);
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T09:00:00Z', to: '2026-11-20T11:00:00Z', source: 'alertmanager' },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [Date.parse('2026-11-20T10:01:30.123Z'), Date.parse('2026-11-20T10:17:45.500Z'), false],
    ]);
  });

  it('refuses wrong, missing and rotated-out tokens and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(twoAlerts);
    const wrong = await send(twoAlerts, 'not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('Authorization');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    expect((await deliver(server, path, raw.slice(0, 120), bearer(secret))).status).toBe(422);
    const incomplete = await send({ alerts: [{ status: 'firing', labels: {} }] });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.details!.map((d) => d.path)).toEqual(['alerts.0.startsAt']);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    // The group's first alert was stored by the test before; only the second is new.
    expect(await send(twoAlerts, secret)).toEqual({ status: 201, body: { created: 1, duplicates: 1 } });
    expect(await send(twoAlerts, rotated.secret)).toEqual({ status: 200, body: { created: 0, duplicates: 2 } });
    await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 0 } });
    expect((await send(resolved, secret)).status).toBe(401);
    expect((await send(resolved, rotated.secret)).status).toBe(401);
    expect((await stored()).length).toBe(before + 1);
  });

  it('answers no 5xx to truncated or malformed bodies', async () => {
    const raw = JSON.stringify(twoAlerts);
    const bodies = [
      '',
      'null',
      '[]',
      '{"alerts":[null]}',
      '{"alerts":[{"status":"firing","startsAt":"2026-13-45T99:00:00Z"}]}',
    ];
    for (let cut = 1; cut < raw.length; cut += 97) bodies.push(raw.slice(0, cut));
    for (const body of bodies) {
      const res = await deliver(server, path, body, bearer(secret));
      expect(res.status, body).toBeLessThan(500);
    }
  });
});

/** A real Alertmanager (Debian's package) notifying a real server through a webhook receiver. */
describe('a real Alertmanager', () => {
  let server: TestServer;
  let am: ChildProcess | undefined;
  let dir: string;
  let amUrl: string;
  let amLog = '';

  const freePort = () =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = await probe();
      if (got !== undefined) return got;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; alertmanager said:\n${amLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    sourcePlugins.alertmanager = alertmanager;
    server = await startTestServer('sqlite');
    const { hook, secret } = await createHook(server, 'alertmanager');
    dir = mkdtempSync(join(tmpdir(), 'ballast-am-'));
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'global:',
        '  resolve_timeout: 5s',
        'route:',
        '  receiver: ballast',
        '  group_by: [alertname, service]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: ballast',
        '    webhook_configs:',
        `      - url: ${JSON.stringify(server.url + hook.path)}`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        `            credentials: ${JSON.stringify(secret)}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn(
      '/usr/bin/prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=debug',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (b: Buffer) => (amLog = (amLog + b.toString()).slice(-20_000));
    am.stdout!.on('data', keep);
    am.stderr!.on('data', keep);
    await until('Alertmanager to be ready', async () => {
      const res = await fetch(`${amUrl}/-/ready`).catch(() => undefined);
      return res?.ok ? true : undefined;
    });
  });

  afterAll(async () => {
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const amtool = (...args: string[]) =>
    promisify(execFile)('/usr/bin/amtool', [...args, `--alertmanager.url=${amUrl}`, '--no-version-check']);
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'alertmanager', limit: 500 } })).events;

  it('delivers firing then resolved, stored and paired into a closed range', async () => {
    const start = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const labels = ['alertname=BallastProbe', 'service=checkout', 'env=production', 'severity=page'];
    const notes = [
      '--annotation=summary=Checkout probe failing',
      '--annotation=description=Probe from the Ballast test',
      '--annotation=runbook_url=https://runbooks.example.com/checkout/probe',
      '--generator-url=https://prometheus.example.com/graph?g0.expr=probe_success',
    ];
    await amtool('alert', 'add', ...labels, ...notes, `--start=${start}`);
    const fired = await until('the firing event', async () =>
      (await stored()).find((e) => e.status === 'firing' && e.sourceRefs.alertname === 'BallastProbe'),
    );
    expect(fired).toMatchObject({
      occurredAt: new Date(start).toISOString(),
      source: 'alertmanager',
      kind: 'alert',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      title: 'BallastProbe: Checkout probe failing',
      description: 'Probe from the Ballast test',
      sourceRefs: { receiver: 'ballast', alertname: 'BallastProbe' },
      tags: { alertname: 'BallastProbe', service: 'checkout', env: 'production', severity: 'page' },
      actor: { type: 'service', verified: true },
    });
    expect(fired.links).toEqual([
      { rel: 'runbook', url: 'https://runbooks.example.com/checkout/probe', text: 'runbook' },
      { rel: 'source', url: 'https://prometheus.example.com/graph?g0.expr=probe_success', text: 'expression' },
    ]);
    const fingerprint = fired.correlation.alertFingerprint!;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fired.sourceRefs.fingerprint).toBe(fingerprint);

    // Re-adding the alert with an end in the past resolves it.
    const end = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await amtool('alert', 'add', ...labels, ...notes, `--start=${start}`, `--end=${end}`);
    const done = await until('the resolved event', async () =>
      (await stored()).find((e) => e.status === 'resolved' && e.correlation.alertFingerprint === fingerprint),
    );
    expect(done).toMatchObject({
      occurredAt: new Date(end).toISOString(),
      service: 'checkout',
      title: 'Resolved: BallastProbe: Checkout probe failing',
    });
    expect((await stored()).filter((e) => e.correlation.alertFingerprint === fingerprint)).toHaveLength(2);

    const { annotations } = await server.admin.call('annotations', {
      query: {
        from: new Date(Date.parse(start) - 60_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
        source: 'alertmanager',
      },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open])).toEqual([[Date.parse(start), Date.parse(end), false]]);
  }, 120_000);
});
