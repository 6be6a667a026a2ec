/** `ballast events export` against a real server: an incident's timeline and the changes before it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput, IngestResult } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;
const TITLE = 'INC-77 opened: Checkout "pay" button fails, users stuck';

describe('ballast events export on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let stored: IngestResult;
  const prod = { service: 'checkout', environment: 'production' };
  const incident = (hhmm: string, status: string, title: string, more: Partial<EventInput> = {}): EventInput => ({
    ...prod,
    occurredAt: at(hhmm),
    source: 'pagerduty',
    kind: 'incident',
    severity: 'critical',
    status,
    title,
    links: [{ rel: 'incident', url: 'https://pd.example.com/incidents/Q77', text: 'PagerDuty #77' }],
    correlation: { incidentId: 'INC-77' },
    ...more,
  });

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
    // Stored out of order: the export orders by time, not by arrival.
    stored = await server.admin.call('ingestEvents', {
      body: {
        events: [
          incident('13:40', 'resolved', 'INC-77 resolved', {
            links: [{ rel: 'postmortem', url: 'https://docs.example.com/pm/(inc-77)' }],
          }),
          incident('13:00', 'triggered', TITLE),
          incident('13:05', 'acknowledged', 'INC-77 acknowledged by Dana | on call'),
          // Its text matches the search for INC-77 word by word, but its id is another incident's.
          incident('12:30', 'triggered', 'INC-770 opened: search is slow', { correlation: { incidentId: 'INC-770' } }),
          {
            ...prod,
            occurredAt: at('12:40'),
            source: 'github',
            kind: 'deploy',
            status: 'succeeded',
            title: 'Deploy checkout 5.2.0',
            links: [{ rel: 'pull_request', url: 'https://github.example.com/acme/checkout/pull/1' }],
          },
          {
            service: 'payments',
            environment: 'production',
            occurredAt: at('12:50'),
            source: 'launchdarkly',
            kind: 'flag_change',
            status: 'enabled',
            title: 'new_pay_flow turned on',
          },
          // Another environment's change is no cause of a production incident.
          { ...prod, environment: 'staging', occurredAt: at('12:55'), kind: 'deploy', title: 'Deploy to staging' },
        ],
      },
    });
  });
  afterAll(() => server?.close());

  it('renders the incident as markdown: its timeline, then the changes before it by relation', async () => {
    const r = await runCli(['events', 'export', '--incident', 'INC-77'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '# Incident INC-77',
        '',
        `- Started: ${at('13:00')}: ${TITLE}`,
        '- Service: checkout in production',
        `- Last update: ${at('13:40')} (resolved), 40m after the start`,
        '',
        '## Timeline',
        '',
        '| Time | Status | Title | Links |',
        '| --- | --- | --- | --- |',
        `| ${at('13:00')} | triggered | ${TITLE} | [PagerDuty #77](https://pd.example.com/incidents/Q77) |`,
        `| ${at('13:05')} | acknowledged | INC-77 acknowledged by Dana \\| on call | [PagerDuty #77](https://pd.example.com/incidents/Q77) |`,
        `| ${at('13:40')} | resolved | INC-77 resolved | [postmortem](https://docs.example.com/pm/%28inc-77%29) |`,
        '',
        '## Changes before the incident',
        '',
        `Deploys, flag and config changes from ${at('11:00')} to ${at('13:00')} (2h before the start).`,
        '',
        '### Same service',
        '',
        '| Before | Time | Change | Service | Title | Links |',
        '| --- | --- | --- | --- | --- | --- |',
        `| 20m | ${at('12:40')} | github/deploy succeeded | checkout | Deploy checkout 5.2.0 | [pull\\_request](https://github.example.com/acme/checkout/pull/1) |`,
        '',
        '### Elsewhere in the environment',
        '',
        '| Before | Time | Change | Service | Title | Links |',
        '| --- | --- | --- | --- | --- | --- |',
        `| 10m | ${at('12:50')} | launchdarkly/flag_change enabled | payments | new\\_pay\\_flow turned on |  |`,
        '',
      ].join('\n'),
    );
  });

  it('writes CSV by RFC 4180: one row per event, a section column, quoted titles with commas and quotes', async () => {
    const r = await runCli(['events', 'export', '--incident', 'INC-77', '--format', 'csv', '--window', '15m'], env);
    expect(r.code, r.stderr).toBe(0);
    const [resolved, triggered, , , deploy, flag] = stored.results;
    const rows = r.stdout.split('\r\n');
    expect(rows).toEqual([
      'section,relation,before,time,ended,source,kind,status,severity,service,environment,title,links,id,seq',
      `incident,,,${at('13:00')},,pagerduty,incident,triggered,critical,checkout,production,` +
        `"INC-77 opened: Checkout ""pay"" button fails, users stuck",incident=https://pd.example.com/incidents/Q77,` +
        `${triggered!.id},${triggered!.seq}`,
      expect.stringMatching(/^incident,,,2026-03-02T13:05:00\.000Z,.*,INC-77 acknowledged by Dana \| on call,/),
      `incident,,,${at('13:40')},,pagerduty,incident,resolved,critical,checkout,production,INC-77 resolved,` +
        `postmortem=https://docs.example.com/pm/(inc-77),${resolved!.id},${resolved!.seq}`,
      // Only the flag change lies in the 15 minutes before the start.
      `change,environment,10m,${at('12:50')},,launchdarkly,flag_change,enabled,info,payments,production,` +
        `new_pay_flow turned on,,${flag!.id},${flag!.seq}`,
      '',
    ]);
    expect(r.stdout).not.toContain(deploy!.id);
  });

  it('exports any event with --event, and the whole answer with --json', async () => {
    const deployId = stored.results[4]!.id;
    const md = await runCli(['events', 'export', '--event', stored.results[1]!.id, '--window', '15m'], env);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`# ${TITLE}\n`);
    expect(md.stdout).toContain('## Changes before the event\n');
    expect(md.stdout).toContain('| 10m | 2026-03-02T12:50:00.000Z | launchdarkly/flag_change enabled | payments |');
    expect(md.stdout).not.toContain('Same service');

    const json = await runCli(['events', 'export', '--incident', 'INC-77', '--json'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { incidentId: string; timeline: { title: string }[]; context: unknown };
    expect(parsed.incidentId).toBe('INC-77');
    expect(parsed.timeline.map((e) => e.title)).toEqual([
      TITLE,
      'INC-77 acknowledged by Dana | on call',
      'INC-77 resolved',
    ]);
    expect(parsed.context).toMatchObject({ changes: [{ relation: 'same_service', event: { id: deployId } }, {}] });
  });

  it('exits 1 when no incident event carries the id exactly', async () => {
    for (const id of ['INC-404', 'INC-7', 'inc-77']) {
      const r = await runCli(['events', 'export', '--incident', id], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error: no incident event carries the incident id "${id}"`);
    }
    const unknownEvent = await runCli(['events', 'export', '--event', 'evt_nope'], env);
    expect(unknownEvent.code).toBe(1);
    expect(unknownEvent.stderr).toMatch(/^error: not_found: /);
  });

  it.each([
    [['events', 'export'], 'events export needs --incident <id> or --event <id>'],
    [
      ['events', 'export', '--incident', 'INC-77', '--event', 'x'],
      "option '--event <id>' cannot be used with option '--incident <id>'",
    ],
    [['events', 'export', '--incident', 'INC-77', '--format', 'pdf'], 'Allowed choices are md, csv'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('passes a bad --window to the server, whose refusal names the field', async () => {
    const r = await runCli(['events', 'export', '--incident', 'INC-77', '--window', '2 hours'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}query\.window: /m);
  });
});
