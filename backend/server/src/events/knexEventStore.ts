import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { monotonicFactory } from 'ulid';
import type { Actor, Event, EventPage, IngestResult, ParsedEventInput, SearchQuery } from '@ballast/contract';
import { toNumber, type Database } from '../db/knex.js';
import { ApiError } from '../http/errors.js';
import { eventHash, GENESIS_HASH } from './chain.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { rangeOf } from './ranges.js';
import { searchText } from './fullText.js';
import { applyFilters } from './filters.js';
import type { EventStore, StoreClock, TenantEventStore } from './store.js';
import type { ChangeFeed } from './stream/changeFeed.js';
import { annotationsFor } from './annotations.js';
import { contextFor, noDependencies, type DependencyLookup } from './context.js';
import { verifyChain } from './verify.js';

export const systemClock = (): StoreClock => {
  const ulid = monotonicFactory();
  return {
    now: () => Date.now(),
    newId: (time) => ulid(time),
    newSalt: () => randomBytes(16).toString('hex'),
  };
};

const INSERT_CHUNK = 250;
/** knex writes a multi-row INSERT on SQLite as a compound SELECT, which SQLite caps at 500 terms. */
const TAG_CHUNK = 400;

interface Prepared {
  event: Event;
  salt: string;
  searchText: string;
}

/** Builds the stored event: server-owned fields, the claimed actor marked unverified. */
function toEvent(
  input: ParsedEventInput,
  tenant: string,
  seq: number,
  id: string,
  receivedAt: number,
  keyActor: Actor,
  prevHash: string,
): Omit<Event, 'hash'> {
  const actor: Actor = input.actor ? { ...input.actor, verified: false } : keyActor;
  const e: Omit<Event, 'hash'> = {
    id,
    tenant,
    seq,
    occurredAt: input.occurredAt,
    ...(input.endedAt !== undefined && { endedAt: input.endedAt }),
    receivedAt: new Date(receivedAt).toISOString(),
    source: input.source,
    kind: input.kind,
    ...(input.status !== undefined && { status: input.status }),
    severity: input.severity,
    ...(input.service !== undefined && { service: input.service }),
    ...(input.environment !== undefined && { environment: input.environment }),
    sourceRefs: input.sourceRefs,
    title: input.title,
    ...(input.description !== undefined && { description: input.description }),
    links: input.links,
    actor,
    tags: input.tags,
    attributes: input.attributes as Event['attributes'],
    personalAttributes: input.personalAttributes,
    correlation: input.correlation,
    ...(input.dedupeKey !== undefined && { dedupeKey: input.dedupeKey }),
    prevHash,
  };
  return e;
}

export function createKnexEventStore(
  db: Database,
  clock: StoreClock = systemClock(),
  feed?: ChangeFeed,
  dependencies: DependencyLookup = noDependencies,
): EventStore & {
  appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    events: ParsedEventInput[],
    actor: Actor,
  ): Promise<IngestResult>;
} {
  const { knex, dialect } = db;

  /** Takes the tenant's chain-head lock once for the whole batch. */
  async function lockHead(trx: Knex.Transaction, tenant: string): Promise<{ seq: number; hash: string }> {
    if (dialect === 'postgres') {
      await trx.raw('INSERT INTO chain_heads (tenant, seq, hash) VALUES (?, 0, ?) ON CONFLICT (tenant) DO NOTHING', [
        tenant,
        GENESIS_HASH,
      ]);
      const row = await trx('chain_heads').where({ tenant }).forUpdate().first('seq', 'hash');
      return { seq: toNumber(row.seq), hash: row.hash };
    }
    // SQLite has one writer at a time; the transaction is the lock.
    await trx.raw('INSERT INTO chain_heads (tenant, seq, hash) VALUES (?, 0, ?) ON CONFLICT (tenant) DO NOTHING', [
      tenant,
      GENESIS_HASH,
    ]);
    const row = await trx('chain_heads').where({ tenant }).first('seq', 'hash');
    return { seq: toNumber(row.seq), hash: row.hash };
  }

  async function appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    inputs: ParsedEventInput[],
    keyActor: Actor,
  ): Promise<IngestResult> {
    const head = await lockHead(trx, tenant);
    const keys = [...new Set(inputs.map((e) => e.dedupeKey).filter((k): k is string => k !== undefined))];
    const known = new Map<string, { id: string; seq: number }>();
    for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
      const rows = await trx('events')
        .where({ tenant })
        .whereIn('dedupe_key', keys.slice(i, i + INSERT_CHUNK))
        .select('dedupe_key', 'id', 'seq');
      for (const r of rows) known.set(r.dedupe_key, { id: r.id, seq: toNumber(r.seq) });
    }

    const receivedAt = clock.now();
    let seq = head.seq;
    let prevHash = head.hash;
    const prepared: Prepared[] = [];
    const results: IngestResult['results'] = [];
    inputs.forEach((input, index) => {
      const dup = input.dedupeKey !== undefined ? known.get(input.dedupeKey) : undefined;
      if (dup) {
        results.push({ index, id: dup.id, seq: dup.seq, status: 'duplicate' });
        return;
      }
      seq += 1;
      const salt = clock.newSalt();
      const unhashed = toEvent(input, tenant, seq, clock.newId(receivedAt), receivedAt, keyActor, prevHash);
      const hash = eventHash(unhashed, salt);
      const event: Event = { ...unhashed, hash };
      prevHash = hash;
      if (input.dedupeKey !== undefined) known.set(input.dedupeKey, { id: event.id, seq });
      prepared.push({ event, salt, searchText: searchText(event) });
      results.push({ index, id: event.id, seq, status: 'created' });
    });

    for (let i = 0; i < prepared.length; i += INSERT_CHUNK) {
      const chunk = prepared.slice(i, i + INSERT_CHUNK);
      const rows = chunk.map(({ event: e, salt, searchText: text }) => {
        const range = rangeOf(e);
        return {
          id: e.id,
          tenant,
          seq: e.seq,
          occurred_at: Date.parse(e.occurredAt),
          ended_at: e.endedAt ? Date.parse(e.endedAt) : null,
          received_at: receivedAt,
          source: e.source,
          kind: e.kind,
          status: e.status ?? null,
          severity: e.severity,
          service: e.service ?? null,
          environment: e.environment ?? null,
          dedupe_key: e.dedupeKey ?? null,
          hash: e.hash,
          prev_hash: e.prevHash,
          salt,
          doc: JSON.stringify(e),
          range_key: range?.key ?? null,
          range_role: range?.role ?? null,
          ...(dialect === 'postgres' && { search: knex.raw("to_tsvector('simple', ?)", [text]) }),
        };
      });
      const inserted: { rid: number | string }[] = await trx('events').insert(rows, ['rid']);
      if (dialect === 'sqlite') {
        const fts = inserted.map((r, j) => ({ rowid: toNumber(r.rid), body: chunk[j]!.searchText }));
        await trx('events_fts').insert(fts);
      }
      const tags = chunk.flatMap(({ event: e }) =>
        Object.entries(e.tags).map(([k, v]) => ({ tenant, seq: e.seq, k, v })),
      );
      for (let t = 0; t < tags.length; t += TAG_CHUNK) await trx('event_tags').insert(tags.slice(t, t + TAG_CHUNK));
    }

    if (prepared.length > 0) {
      await trx('chain_heads').where({ tenant }).update({ seq, hash: prevHash });
      await feed?.inTransaction(trx, tenant, seq);
    }
    return { created: prepared.length, duplicates: inputs.length - prepared.length, results };
  }

  function forTenant(tenant: string): TenantEventStore {
    if (!tenant) throw new Error('a tenant is required');
    async function get(id: string): Promise<Event | null> {
      const row = await knex('events').where({ tenant, id }).first('doc');
      return row ? (JSON.parse(row.doc) as Event) : null;
    }
    return {
      tenant,
      append: (events, actor) => knex.transaction((trx) => appendInTransaction(trx, tenant, events, actor)),

      get,
      annotations: (window) => annotationsFor(db, tenant, window),
      async context(id, windowMs, limit) {
        const anchor = await get(id);
        return anchor ? contextFor(db, tenant, anchor, windowMs, limit, dependencies) : null;
      },
      verify: () => verifyChain(db, tenant),

      async search(query: SearchQuery): Promise<EventPage> {
        const cursor = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
        if (cursor === null)
          throw new ApiError(400, 'invalid_cursor', 'the cursor is not one this server issued', [
            { path: 'query.cursor', message: 'unknown cursor' },
          ]);
        const snapshot = cursor
          ? cursor.snapshot
          : toNumber((await knex('chain_heads').where({ tenant }).first('seq'))?.seq ?? 0);

        const qb = knex('events as e').where('e.tenant', tenant).andWhere('e.seq', '<=', snapshot);
        applyFilters(qb, knex, dialect, query);
        if (query.from) qb.where('e.occurred_at', '>=', Date.parse(query.from));
        if (query.to) qb.where('e.occurred_at', '<=', Date.parse(query.to));
        if (cursor) {
          qb.where((w) =>
            w
              .where('e.occurred_at', '<', cursor.occurredAt)
              .orWhere((x) => x.where('e.occurred_at', '=', cursor.occurredAt).andWhere('e.seq', '<', cursor.seq)),
          );
        }
        const rows = await qb
          .orderBy([
            { column: 'e.occurred_at', order: 'desc' },
            { column: 'e.seq', order: 'desc' },
          ])
          .limit(query.limit + 1)
          .select('e.doc', 'e.occurred_at', 'e.seq');
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const nextCursor =
          rows.length > query.limit && last
            ? encodeCursor({ snapshot, occurredAt: toNumber(last.occurred_at), seq: toNumber(last.seq) })
            : null;
        return { events: page.map((r) => JSON.parse(r.doc) as Event), nextCursor, snapshotSeq: snapshot };
      },
    };
  }

  return { forTenant, appendInTransaction };
}
