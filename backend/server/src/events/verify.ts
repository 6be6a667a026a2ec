import type { Event, VerifyResult } from '@ballast/contract';
import { toNumber, type Database } from '../db/knex.js';
import { storedRunbookInputs } from '../runbooks/eventRunbook.js';
import { storedAnnotation } from './annotations.js';
import { eventHash, GENESIS_HASH } from './chain.js';
import { firstRangeDifference } from './rangeTable.js';
import { rangeOf } from './ranges.js';

const PAGE = 1000;

interface Row {
  seq: number | string;
  id: string;
  occurred_at: number | string;
  source: string;
  kind: string;
  service: string | null;
  environment: string | null;
  hash: string;
  prev_hash: string;
  salt: string;
  doc: string;
  ended_at: number | string | null;
  range_key: string | null;
  range_role: string | null;
  annotation: string | null;
  runbook_inputs: string | null;
}

/**
 * Which of the columns that reads use in place of the document (annotations draw from them) says
 * something the hashed event does not, or null. A null stored form is not a problem: reads then use
 * the document.
 */
function readColumnProblem(row: Row, event: Event): string | null {
  const range = rangeOf(event);
  const endedAt = event.endedAt === undefined ? null : Date.parse(event.endedAt);
  if ((row.ended_at === null ? null : toNumber(row.ended_at)) !== endedAt) return 'ended_at';
  if (row.range_key !== (range?.key ?? null) || row.range_role !== (range?.role ?? null))
    return 'range_key / range_role';
  if (row.annotation !== null && row.annotation !== storedAnnotation(event)) return 'annotation';
  if (row.runbook_inputs !== null && row.runbook_inputs !== storedRunbookInputs(event)) return 'runbook_inputs';
  return null;
}

/** Why a stored row does not belong where it is in the chain, or null when it does. */
function rowProblem(row: Row, expectedSeq: number, prevHash: string): string | null {
  const seq = toNumber(row.seq);
  if (seq !== expectedSeq) return `seq ${expectedSeq} is missing (next stored is ${seq})`;
  let event: Event;
  try {
    event = JSON.parse(row.doc) as Event;
  } catch {
    return 'the stored event is not valid JSON';
  }
  const { hash, ...rest } = event;
  if (event.seq !== seq) return `the event says seq ${event.seq} but is stored at ${seq}`;
  if (event.prevHash !== prevHash || row.prev_hash !== prevHash) return 'prevHash does not match the previous event';
  if (eventHash(rest, row.salt) !== hash || row.hash !== hash) return 'the hash does not match the event (edited)';
  const columnsAgree =
    row.id === event.id &&
    toNumber(row.occurred_at) === Date.parse(event.occurredAt) &&
    row.source === event.source &&
    row.kind === event.kind &&
    (row.service ?? undefined) === event.service &&
    (row.environment ?? undefined) === event.environment;
  if (!columnsAgree) return 'indexed columns differ from the hashed event (edited)';
  const read = readColumnProblem(row, event);
  return read && `the stored ${read} differs from the hashed event (edited)`;
}

/**
 * Walks the tenant's chain from its anchor in seq order and names the first row that breaks it; then
 * checks the annotation range rows against the events.
 */
export async function verifyChain(db: Database, tenant: string): Promise<VerifyResult> {
  const { knex } = db;
  // Retention (a later change) will move the anchor; until then every chain starts at the genesis.
  const anchor = { seq: 0, hash: GENESIS_HASH };
  const head = await knex('chain_heads').where({ tenant }).first('seq', 'hash');
  const headSeq = head ? toNumber(head.seq) : 0;
  let expectedSeq = anchor.seq + 1;
  let prevHash = anchor.hash;
  let checked = 0;
  const fail = (seq: number, reason: string): VerifyResult => ({
    ok: false,
    tenant,
    anchor,
    checked,
    headSeq,
    firstBadSeq: seq,
    reason,
  });

  for (;;) {
    const rows: Row[] = await knex('events')
      .where({ tenant })
      .andWhere('seq', '>', expectedSeq - 1)
      .orderBy('seq', 'asc')
      .limit(PAGE)
      .select(
        'seq',
        'id',
        'occurred_at',
        'source',
        'kind',
        'service',
        'environment',
        'hash',
        'prev_hash',
        'salt',
        'doc',
        'ended_at',
        'range_key',
        'range_role',
        'annotation',
        'runbook_inputs',
      );
    for (const row of rows) {
      const problem = rowProblem(row, expectedSeq, prevHash);
      if (problem) return fail(expectedSeq, problem);
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < PAGE) break;
  }
  if (expectedSeq - 1 !== headSeq)
    return fail(expectedSeq, `the chain ends at seq ${expectedSeq - 1} but its head says ${headSeq}`);
  if (head && head.hash !== prevHash) return fail(headSeq, 'the chain head hash does not match the last event');
  // The events are sound: the range rows annotations read in their place must be what they make.
  const range = await firstRangeDifference(knex, db.dialect, tenant);
  const counted = (await knex('event_ranges').where({ tenant }).count({ n: '*' }).first()) as { n: number | string };
  const rangeRows = Number(counted.n);
  if (range) {
    const which = `the annotation range row of seq ${range.startSeq}${range.rangeKey ? ` (${range.rangeKey})` : ''}`;
    return {
      ...fail(
        range.startSeq,
        range.how === 'extra'
          ? `${which} is stored but is not what the events make (edited)`
          : `${which} is not stored as the events make it (edited or deleted)`,
      ),
      rangeRows,
    };
  }
  return { ok: true, tenant, anchor, checked, headSeq, rangeRows, firstBadSeq: null, reason: null };
}
