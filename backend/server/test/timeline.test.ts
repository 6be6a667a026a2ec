/** Context and chain verification on both dialects, through real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { type BallastApiError, type EventInput } from '@ballast/contract';
import { DIALECTS, openStore, startTestServer, type TestServer } from './harness.js';
import { anEvent } from './fixtures.js';

const at = (hhmm: string, day = '20') => `2026-11-${day}T${hhmm}:00.000Z`;

describe.each(DIALECTS)('timeline on %s', (dialect) => {
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

  describe('context', () => {
    it('lists changes before an incident, same service first, then environment-wide, closest first', async () => {
      const base = { environment: 'production', occurredAt: at('10:00', '21') };
      const res = await ingest([
        anEvent({
          ...base,
          service: 'pay',
          kind: 'deploy',
          occurredAt: at('07:30', '21'),
          title: 'pay deploy 2.5h before (outside)',
        }),
        anEvent({
          ...base,
          service: 'pay',
          kind: 'deploy',
          occurredAt: at('09:00', '21'),
          title: 'pay deploy 1h before',
        }),
        anEvent({
          ...base,
          service: 'pay',
          kind: 'flag_change',
          occurredAt: at('09:45', '21'),
          title: 'pay flag 15m before',
        }),
        anEvent({
          ...base,
          service: 'ledger',
          kind: 'config_change',
          occurredAt: at('09:50', '21'),
          title: 'ledger config 10m before',
        }),
        anEvent({
          ...base,
          service: undefined,
          kind: 'config_change',
          occurredAt: at('09:20', '21'),
          title: 'env-wide config 40m before',
        }),
        anEvent({
          ...base,
          service: 'pay',
          environment: 'staging',
          kind: 'deploy',
          occurredAt: at('09:55', '21'),
          title: 'pay staging deploy (other env)',
        }),
        anEvent({
          ...base,
          service: 'pay',
          kind: 'alert',
          occurredAt: at('09:58', '21'),
          title: 'an alert is not a change',
        }),
        anEvent({
          ...base,
          service: 'pay',
          kind: 'deploy',
          occurredAt: at('10:30', '21'),
          title: 'after the incident',
        }),
        anEvent({
          ...base,
          service: 'pay',
          kind: 'incident',
          status: 'triggered',
          title: 'Payments failing',
          correlation: { incidentId: 'INC-7' },
        }),
      ]);
      const incidentId = res.results[8]!.id;
      const ctx = await server.admin.call('eventContext', { params: { id: incidentId }, query: {} });
      expect(ctx.from).toBe(at('08:00', '21'));
      expect(ctx.changes.map((c) => [c.relation, c.event.title])).toEqual([
        ['same_service', 'pay flag 15m before'],
        ['same_service', 'pay deploy 1h before'],
        ['environment', 'ledger config 10m before'],
        ['environment', 'env-wide config 40m before'],
      ]);
      expect(ctx.changes[0]!.before).toBe(15 * 60_000);
      const narrow = await server.admin.call('eventContext', { params: { id: incidentId }, query: { window: '30m' } });
      expect(narrow.changes.map((c) => c.event.title)).toEqual(['pay flag 15m before', 'ledger config 10m before']);
      const bad = (await server.admin
        .call('eventContext', { params: { id: incidentId }, query: { window: '2 hours' } })
        .catch((e: unknown) => e)) as BallastApiError;
      expect(bad.details[0]!.path).toBe('query.window');
    });
  });

  describe('chain verification', () => {
    const row = async (seq: number) => db('events').where({ tenant: 'default', seq }).first();
    beforeAll(async () => {
      // A chain of its own to check: points, closed ranges (their range rows carry copies) and an open one.
      const svc = { service: 'verified', environment: 'production' };
      const range = (i: number, kind: 'alert' | 'deploy', start: string, end: string) => {
        const correlation = kind === 'alert' ? { alertFingerprint: `fp-v${i}` } : { deploymentId: `D-v${i}` };
        return [
          anEvent({
            ...svc,
            occurredAt: at(start),
            kind,
            status: kind === 'alert' ? 'firing' : 'started',
            title: `Range ${i}`,
            correlation,
          }),
          anEvent({
            ...svc,
            occurredAt: at(end),
            kind,
            status: kind === 'alert' ? 'resolved' : 'succeeded',
            title: `Range ${i} ended`,
            correlation,
          }),
        ];
      };
      await ingest([
        ...range(1, 'alert', '01:00', '01:30'),
        ...range(2, 'deploy', '02:00', '02:10'),
        ...range(3, 'alert', '03:00', '04:00'),
        ...range(4, 'deploy', '05:00', '05:20'),
        anEvent({
          ...svc,
          occurredAt: at('06:00'),
          kind: 'incident',
          status: 'triggered',
          title: 'Still open',
          correlation: { incidentId: 'INC-v' },
        }),
        ...['06:10', '06:20', '06:30', '06:40'].map((t) =>
          anEvent({ ...svc, occurredAt: at(t), kind: 'flag_change', title: `Flag ${t}` }),
        ),
      ]);
    });

    it('reports a clean chain with what it checked', async () => {
      const res = await server.admin.call('auditVerify', {});
      expect(res.ok).toBe(true);
      expect(res.checked).toBe(res.headSeq);
      expect(res.checked).toBeGreaterThan(10);
      expect(res.rangeRows).toBe(
        Number((await db('event_ranges').where({ tenant: 'default' }).count({ n: '*' }))[0]!.n),
      );
      expect(res.rangeRows).toBeGreaterThan(3);
      expect(res.anchor.seq).toBe(0);
    });

    it('names the first bad seq of an edited row, then of a deleted one, then of a reordered pair', async () => {
      const head = (await server.admin.call('auditVerify', {})).headSeq;

      const edited = await row(5);
      const doc = JSON.parse(edited.doc);
      await db('events')
        .where({ tenant: 'default', seq: 5 })
        .update({ doc: JSON.stringify({ ...doc, title: doc.title + ' (edited)' }) });
      let res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: 5 });
      expect(res.reason).toContain('edited');
      await db('events').where({ tenant: 'default', seq: 5 }).update({ doc: edited.doc });
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);

      // Only an indexed column changed: still detected.
      await db('events').where({ tenant: 'default', seq: 6 }).update({ service: 'someone-else' });
      res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: 6 });
      await db('events')
        .where({ tenant: 'default', seq: 6 })
        .update({ service: (JSON.parse((await row(6)).doc) as { service?: string }).service ?? null });

      // What annotations draw from in place of the document: an edit there is an edit too.
      const drawn = await row(7);
      for (const change of [
        { annotation: drawn.annotation.replace(/"title":"/, '"title":"nothing to see · ') },
        { range_key: 'elsewhere', range_role: 'start' },
        { ended_at: 1 },
        { runbook_inputs: JSON.stringify({ runbookUrl: 'https://elsewhere.example.com/runbooks/x', labels: {} }) },
      ]) {
        await db('events').where({ tenant: 'default', seq: 7 }).update(change);
        res = await server.admin.call('auditVerify', {});
        expect(res).toMatchObject({ ok: false, firstBadSeq: 7 });
        expect(res.reason).toMatch(new RegExp(`^the stored ${Object.keys(change)[0]}\\b.*\\(edited\\)$`));
        await db('events')
          .where({ tenant: 'default', seq: 7 })
          .update(Object.fromEntries(Object.keys(change).map((k) => [k, drawn[k]])));
      }
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);

      // The range rows annotations read in place of the events: an edit or a loss there is named too.
      const range = await db('event_ranges')
        .where({ tenant: 'default' })
        .whereNotNull('end_id')
        .orderBy('start_seq')
        .first();
      const rangeRow = () =>
        db('event_ranges').where({ tenant: 'default', start_seq: range.start_seq, end_id: range.end_id });
      await rangeRow().update({ end_title: 'nothing to see' });
      res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: Number(range.start_seq), rangeRows: expect.any(Number) });
      expect(res.reason).toMatch(
        /^the annotation range row of seq \d+ \(.+\) is stored but is not what the events make/,
      );
      await rangeRow().update({ end_title: range.end_title });
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);
      await rangeRow().delete();
      res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: Number(range.start_seq) });
      expect(res.reason).toContain('is not stored as the events make it');
      await db('event_ranges').insert(range);
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);

      const deleted = await row(8);
      await db('event_tags').where({ tenant: 'default', seq: 8 }).delete();
      await db('events').where({ tenant: 'default', seq: 8 }).delete();
      res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: 8, checked: 7 });
      expect(res.reason).toContain('missing');
      await db('events').insert(deleted);
      expect((await server.admin.call('auditVerify', {})).ok).toBe(true);

      // Swap two rows' places in the chain.
      const [a, b] = [await row(10), await row(11)];
      await db('events').where({ tenant: 'default', seq: 11 }).update({ seq: -11 });
      await db('events').where({ tenant: 'default', seq: 10 }).update({ seq: 11 });
      await db('events').where({ tenant: 'default', seq: -11 }).update({ seq: 10 });
      res = await server.admin.call('auditVerify', {});
      expect(res).toMatchObject({ ok: false, firstBadSeq: 10 });
      expect(a.id).not.toBe(b.id);

      // Deleting the newest events is caught by the head.
      expect(head).toBeGreaterThan(11);
    });
  });
});
