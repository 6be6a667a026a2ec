/**
 * Runbooks end to end: folders indexed into the store and followed for edits, API-registered runbooks,
 * lookups, rendering, and runbooks resolved when alerts are read; on both dialects.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError, Event, RunbookPut } from '@ballast/contract';
import { DIALECTS, startTestServer, type TestServer, until } from './harness.js';
import { pairAnnotations } from '../src/events/annotations.js';
import { anEvent } from './fixtures.js';

const SECTIONS = '## Meaning\nm\n\n## Impact\ni\n\n## Diagnosis\nd\n\n## Mitigation\nx\n';

const file = (fm: string, body = SECTIONS) => `---\n${fm}\n---\n${body}`;

const apiRunbook = (id: string, extra: Partial<RunbookPut['frontmatter']> = {}): RunbookPut => ({
  frontmatter: { id, title: `API ${id}`, ...extra },
  markdown: SECTIONS,
});

describe.each(DIALECTS)('runbooks on %s', (dialect) => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'ballast-rb-'));
  beforeAll(async () => {
    writeFileSync(
      join(dir, 'errors.md'),
      file(
        `id: errors
title: Error rate spike
services: [checkout]
alerts:
  - alertname: HighErrorRate
tags: [errors]
last_reviewed: 2020-01-01
review_every: 90d`,
        SECTIONS +
          '\nRoll back with kubectl rollout undo.\n\n<script>alert("x")</script>\n\n[bad](javascript:alert(1))\n',
      ),
    );
    writeFileSync(
      join(dir, 'errors-critical.md'),
      file(`id: errors-critical
title: Critical errors on checkout
alerts:
  - alertname: HighErrorRate
    severity: critical
last_reviewed: ${new Date().toISOString().slice(0, 10)}
review_every: 1y`),
    );
    writeFileSync(
      join(dir, 'checkout-default.md'),
      file(`id: checkout-default
title: Checkout first steps
services: [checkout]
default_for_service: true`),
    );
    writeFileSync(join(dir, 'broken.md'), file('id: broken\ntitle: Broken\nseverity: loud'));
    server = await startTestServer(dialect, { runbooksDirs: [dir], runbooksPollMs: 100 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the folder: good files load, a bad one is reported with its path and field', async () => {
    const list = await server.admin.call('listRunbooks', {});
    expect(list.runbooks.map((r) => r.id)).toEqual(['checkout-default', 'errors', 'errors-critical']);
    expect(list.runbooks.find((r) => r.id === 'errors')).toMatchObject({
      managedBy: 'file',
      path: 'errors.md',
      services: ['checkout'],
      stale: true,
      reviewDue: '2020-03-31T00:00:00.000Z',
    });
    expect(list.runbooks.find((r) => r.id === 'errors-critical')!.stale).toBe(false);
    expect(list.problems).toEqual([
      { path: expect.stringMatching(/broken\.md$/), field: 'severity', message: expect.any(String) },
    ]);
  });

  it('answers one runbook with frontmatter, markdown and sanitized HTML', async () => {
    const rb = await server.admin.call('getRunbook', { params: { id: 'errors' } });
    expect(rb.frontmatter).toMatchObject({ id: 'errors', alerts: [{ alertname: 'HighErrorRate' }], tags: ['errors'] });
    expect(rb.markdown).toContain('<script>alert("x")</script>');
    expect(rb.html).toContain('<h2>Mitigation</h2>');
    expect(rb.html).toContain('Roll back with kubectl rollout undo.');
    expect(rb.html).not.toMatch(/<script|href="javascript:/i);
    const err = (await server.admin
      .call('getRunbook', { params: { id: 'nope' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect([err.status, err.code, err.details[0]!.path]).toEqual([404, 'not_found', 'params.id']);
  });

  it('looks up by alert labels (most specific first), runbook_url, service and text', async () => {
    const byAlert = await server.admin.call('listRunbooks', {
      query: { 'alert.alertname': 'HighErrorRate', 'alert.severity': 'critical' },
    });
    expect(byAlert.runbooks.map((r) => [r.id, r.match?.by, r.match?.exact])).toEqual([
      ['errors-critical', 'alert', 2],
      ['errors', 'alert', 1],
    ]);
    const ordered = await server.admin.call('listRunbooks', {
      query: {
        runbook_url: 'https://git.example.com/ops/runbooks/checkout-default.md',
        'alert.alertname': 'HighErrorRate',
        service: 'checkout',
      },
    });
    expect(ordered.runbooks.map((r) => [r.id, r.match?.by])).toEqual([
      ['checkout-default', 'runbook_url'],
      ['errors', 'alert'],
    ]);
    const byService = await server.admin.call('listRunbooks', { query: { service: 'checkout' } });
    expect(byService.runbooks.map((r) => r.id)).toEqual(['checkout-default', 'errors']);
    const byText = await server.admin.call('listRunbooks', { query: { q: 'rollout undo' } });
    expect(byText.runbooks.map((r) => r.id)).toEqual(['errors']);
    const bad = await server.fetch('/v1/runbooks?alert.bad-label=x&colour=red');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; details: { path: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.details.map((d) => d.path).sort()).toEqual(['query.alert.bad-label', 'query.colour']);
  });

  it('re-indexes a file edited, added or removed on disk', async () => {
    writeFileSync(
      join(dir, 'errors-critical.md'),
      file(`id: errors-critical
title: Critical errors, edited
alerts:
  - alertname: HighErrorRate
    severity: critical`),
    );
    await until(
      () => server.admin.call('getRunbook', { params: { id: 'errors-critical' } }),
      (r) => r.title === 'Critical errors, edited',
      'the edited title',
    );
    // A typo keeps the last good version until it is fixed.
    writeFileSync(join(dir, 'errors-critical.md'), file('id: errors-critical\ntitle: x\nseverity: loud'));
    const typo = await until(
      () => server.admin.call('listRunbooks', {}),
      (l) => l.problems.some((p) => p.path.endsWith('errors-critical.md')),
      'the typo reported',
    );
    expect(typo.runbooks.find((r) => r.id === 'errors-critical')?.title).toBe('Critical errors, edited');
    writeFileSync(join(dir, 'errors-critical.md'), file('id: errors-critical\ntitle: Critical errors, fixed'));
    writeFileSync(join(dir, 'broken.md'), file('id: broken\ntitle: Fixed now'));
    const fixed = await until(
      () => server.admin.call('listRunbooks', {}),
      (l) => l.runbooks.some((r) => r.id === 'broken'),
      'the fixed file',
    );
    expect(fixed.problems).toEqual([]);
    unlinkSync(join(dir, 'broken.md'));
    await until(
      () => server.admin.call('listRunbooks', {}),
      (l) => !l.runbooks.some((r) => r.id === 'broken'),
      'the removed file to go',
    );
  });

  it('registers runbooks through the API; a retry stores nothing new; file runbooks are refused', async () => {
    const policyEvents = async () =>
      (await server.admin.call('searchEvents', { query: { source: 'policy', q: 'Runbook' } })).events.length;
    const before = await policyEvents();
    const made = await server.admin.call('putRunbook', { params: { id: 'api-one' }, body: apiRunbook('api-one') });
    expect(made).toMatchObject({ id: 'api-one', managedBy: 'api', title: 'API api-one' });
    expect(made.path).toBeUndefined();
    await server.admin.call('putRunbook', { params: { id: 'api-one' }, body: apiRunbook('api-one') });
    expect(await policyEvents()).toBe(before + 1);

    const refusal = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as BallastApiError;
    const onFile = await refusal(
      server.admin.call('putRunbook', { params: { id: 'errors' }, body: apiRunbook('errors') }),
    );
    expect([onFile.status, onFile.code, onFile.details[0]!.path]).toEqual([409, 'conflict', 'params.id']);
    expect(onFile.message).toContain('managed by a file');
    const delFile = await refusal(server.admin.call('deleteRunbook', { params: { id: 'errors' } }));
    expect(delFile.status).toBe(409);
    const mismatch = await refusal(
      server.admin.call('putRunbook', { params: { id: 'api-two' }, body: apiRunbook('api-one') }),
    );
    expect([mismatch.status, mismatch.details[0]!.path]).toEqual([400, 'body.frontmatter.id']);
    const noSections = await refusal(
      server.admin.call('putRunbook', {
        params: { id: 'api-two' },
        body: { ...apiRunbook('api-two'), markdown: '## Meaning\nonly' },
      }),
    );
    expect(noSections.status).toBe(400);
    expect(noSections.details.map((d) => d.path)).toEqual(['body.markdown', 'body.markdown', 'body.markdown']);
    const badField = await refusal(
      server.admin.call('putRunbook', {
        params: { id: 'api-two' },
        body: { ...apiRunbook('api-two'), frontmatter: { id: 'api-two', title: 'x', review_every: 'often' } },
      }),
    );
    expect(badField.details[0]!.path).toBe('frontmatter.review_every');
    expect((await server.admin.call('listRunbooks', {})).runbooks.some((r) => r.id === 'api-two')).toBe(false);

    const viewer = server.client(
      (await server.admin.call('createKey', { body: { name: 'rb-viewer', role: 'viewer' } })).secret,
    );
    const forbidden = await refusal(
      viewer.call('putRunbook', { params: { id: 'api-three' }, body: apiRunbook('api-three') }),
    );
    expect([forbidden.status, forbidden.code]).toEqual([403, 'forbidden']);
    expect((await viewer.call('getRunbook', { params: { id: 'api-one' } })).id).toBe('api-one');

    expect((await server.admin.call('deleteRunbook', { params: { id: 'api-one' } })).id).toBe('api-one');
    expect((await refusal(server.admin.call('getRunbook', { params: { id: 'api-one' } }))).status).toBe(404);
  });

  it('stores one runbook and records one event when the same first PUT arrives several times at once', async () => {
    const events = async () =>
      (await server.admin.call('searchEvents', { query: { source: 'policy', q: 'concurrent' } })).events.length;
    const before = await events();
    await Promise.all(
      Array.from({ length: 6 }, () =>
        server.admin.call('putRunbook', { params: { id: 'concurrent' }, body: apiRunbook('concurrent') }),
      ),
    );
    expect(await events()).toBe(before + 1);
  });

  it('shows a runbook on an alert stored before the runbook existed: search, get, annotations, context', async () => {
    const alert = anEvent({
      kind: 'alert',
      source: 'alertmanager',
      status: 'triggered',
      service: 'payments',
      title: 'DiskAlmostFull on payments-db',
      occurredAt: '2026-11-20T12:00:00.000Z',
      tags: { alertname: 'DiskAlmostFull', severity: 'warning' },
    });
    const deploy = anEvent({ kind: 'deploy', service: 'payments', occurredAt: '2026-11-20T11:50:00.000Z' });
    const stored = await server.admin.call('ingestEvents', { body: { events: [alert, deploy] } });
    const id = stored.results[0]!.id;
    const read = () => server.admin.call('getEvent', { params: { id } });
    expect((await read()).runbook).toBeUndefined();

    await server.admin.call('putRunbook', {
      params: { id: 'disk-almost-full' },
      body: apiRunbook('disk-almost-full', { alerts: [{ alertname: 'DiskAlmostFull' }] }),
    });
    const expected = {
      id: 'disk-almost-full',
      title: 'API disk-almost-full',
      by: 'alert',
      href: '/v1/runbooks/disk-almost-full',
    };
    expect((await read()).runbook).toEqual(expected);
    const found = await server.admin.call('searchEvents', { query: { service: 'payments', kind: 'alert' } });
    expect(found.events[0]!.runbook).toEqual(expected);
    // Deploys get no runbook.
    const deploys = await server.admin.call('searchEvents', { query: { service: 'payments', kind: 'deploy' } });
    expect(deploys.events[0]!.runbook).toBeUndefined();
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z', service: 'payments', kind: 'alert' },
    });
    expect(annotations[0]!.runbook).toEqual(expected);
    const context = await server.admin.call('eventContext', { params: { id } });
    expect(context.event.runbook).toEqual(expected);
    // The stored event, and so the chain, is untouched.
    expect((await server.admin.call('auditVerify', {})).ok).toBe(true);
  });

  it('draws annotations with the runbook each event would get read whole, without reading its document', async () => {
    const runbooks: [string, Partial<RunbookPut['frontmatter']>][] = [
      ['rbann-alert', { alerts: [{ alertname: 'RbAnnFire' }, { alertname: 'RbAnnRef' }] }],
      ['rbann-linked', {}],
      ['rbann-slo', { slos: ['rbann-availability'] }],
      ['rbann-default', { services: ['rbann'], default_for_service: true }],
    ];
    for (const [id, extra] of runbooks)
      await server.admin.call('putRunbook', { params: { id }, body: apiRunbook(id, extra) });
    const at = (hhmm: string) => `2026-11-19T${hhmm}:00.000Z`;
    const base = { service: 'rbann', environment: 'production' };
    const inputs = [
      // Matched by a tag, with a title and text that the stored form must keep escaped around the runbook.
      anEvent({
        ...base,
        kind: 'alert',
        source: 'alertmanager',
        status: 'firing',
        occurredAt: at('10:00'),
        title: 'Disk ,"text":" \\ "full"',
        description: 'a ,"text":"x" inside',
        tags: { alertname: 'RbAnnFire' },
        correlation: { alertFingerprint: 'rbann-1' },
      }),
      anEvent({
        ...base,
        kind: 'alert',
        source: 'alertmanager',
        status: 'resolved',
        occurredAt: at('10:30'),
        title: 'Disk resolved',
        tags: { alertname: 'RbAnnFire' },
        correlation: { alertFingerprint: 'rbann-1' },
      }),
      // Matched by the sender's alertname alone.
      anEvent({
        ...base,
        kind: 'alert',
        occurredAt: at('11:00'),
        title: 'by ref',
        sourceRefs: { alertname: 'RbAnnRef' },
      }),
      // Its own link names a runbook we have; and one that names none keeps the link and gets no runbook.
      anEvent({
        ...base,
        kind: 'alert',
        occurredAt: at('11:10'),
        title: 'linked',
        links: [{ rel: 'runbook', url: 'https://wiki.example.com/runbooks/rbann-linked' }],
      }),
      anEvent({
        ...base,
        kind: 'alert',
        occurredAt: at('11:20'),
        title: 'linked elsewhere',
        links: [{ rel: 'runbook', url: 'https://wiki.example.com/runbooks/not-here' }],
      }),
      anEvent({
        ...base,
        kind: 'incident',
        occurredAt: at('11:30'),
        title: 'slo',
        correlation: { sloId: 'rbann-availability' },
      }),
      anEvent({ ...base, kind: 'incident', occurredAt: at('11:40'), title: 'service default' }),
      anEvent({ ...base, kind: 'deploy', occurredAt: at('11:50'), title: 'no runbook for deploys' }),
    ];
    const stored = await server.admin.call('ingestEvents', { body: { events: inputs } });
    const whole = await Promise.all(
      stored.results.map((r) => server.admin.call('getEvent', { params: { id: r.id! } })),
    );
    expect(whole.map((e) => e.runbook?.id ?? null)).toEqual([
      'rbann-alert',
      'rbann-alert',
      'rbann-alert',
      'rbann-linked',
      null,
      'rbann-slo',
      'rbann-default',
      null,
    ]);
    const to = Date.parse(at('12:00'));
    const { annotations } = await server.admin.call('annotations', {
      query: { from: at('09:00'), to: new Date(to).toISOString(), service: 'rbann' },
    });
    // The same as drawing each event from its whole document, as it is placed now.
    expect(annotations).toEqual(pairAnnotations(whole, to));
    expect(annotations[0]!.title).toBe('Disk ,"text":" \\ "full"');
    expect(annotations[0]!.text).toBe('a ,"text":"x" inside\n\nEnded: Disk resolved');

    // A runbook changed: the next read chooses again (nothing chosen before is reused).
    await server.admin.call('putRunbook', {
      params: { id: 'rbann-alert' },
      body: apiRunbook('rbann-alert', { alerts: [{ alertname: 'RbAnnFire' }] }),
    });
    const again = await server.admin.call('annotations', {
      query: { from: at('09:00'), to: new Date(to).toISOString(), service: 'rbann' },
    });
    expect(again.annotations.find((a) => a.title === 'by ref')!.runbook).toMatchObject({
      id: 'rbann-default',
      by: 'service',
    });
  });

  it("gives an SLO's alerts the runbook that lists the SLO", async () => {
    await server.admin.call('putRunbook', {
      params: { id: 'checkout-slo' },
      body: apiRunbook('checkout-slo', { slos: ['checkout-availability'] }),
    });
    const stored = await server.admin.call('ingestEvents', {
      body: anEvent({
        kind: 'alert',
        source: 'slo',
        service: 'checkout-api',
        title: 'checkout-availability burning',
        correlation: { sloId: 'checkout-availability' },
      }),
    });
    const event = await server.admin.call('getEvent', { params: { id: stored.results[0]!.id } });
    expect(event.runbook).toMatchObject({ id: 'checkout-slo', by: 'slo' });
    const bySlo = await server.admin.call('listRunbooks', { query: { slo: 'checkout-availability' } });
    expect(bySlo.runbooks.map((r) => [r.id, r.match?.by])).toEqual([['checkout-slo', 'slo']]);
  });

  it('adds the runbook to alerts on the live stream', async () => {
    const controller = new AbortController();
    const received: Event[] = [];
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const following = server.admin
      .stream({ service: 'payments', kind: 'alert' }, (e) => received.push(e), {
        signal: controller.signal,
        onOpen: () => opened(),
      })
      .catch(() => undefined);
    await open;
    await server.admin.call('ingestEvents', {
      body: anEvent({
        kind: 'alert',
        service: 'payments',
        title: 'DiskAlmostFull again',
        tags: { alertname: 'DiskAlmostFull' },
      }),
    });
    await until(
      async () => received,
      (r) => r.length > 0,
      'the streamed alert',
    );
    controller.abort();
    await following;
    expect(received[0]!.runbook?.id).toBe('disk-almost-full');
  });
});
