import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { monotonicFactory } from 'ulid';
import type { Actor, Event, EventPage, IngestResult, ParsedEventInput, SearchQuery } from '@ballast/contract';
import { toNumber, type Database } from '../db/knex.js';
import { ApiError } from '../http/errors.js';
import { lockChainHead, StoredMeanwhile, storedKeys, writeChained } from './batchWriter.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { anyMapping, applyFilters } from './filters.js';
import { queryTerms } from './fullText.js';
import { pageBounds, SEARCH_COLUMNS, searchSqliteText, type SearchRow } from './textSearch.js';
import { needsPlacing, type Placing } from './placing.js';
import { JsonText } from '../http/jsonText.js';
import { chainBatch, prepareBatch, type PreparedBatch } from './ingestBatch.js';
import type { EventStore, StoreClock, TenantEventStore } from './store.js';
import type { ChangeFeed } from './stream/changeFeed.js';
import { annotationsFor } from './annotationsRead.js';
import { facetCountsFor } from './facets.js';
import { contextFor, noDependencies, type DependencyLookup } from './context.js';
import { verifyChain } from './verify.js';

export const systemClock = (): StoreClock => {
  const ulid = monotonicFactory();
  // Salts are cut from a pool of random bytes: one call to the CSPRNG per 256 events, not per event.
  let pool = Buffer.alloc(0);
  let at = 0;
  return {
    now: () => Date.now(),
    newId: (time) => ulid(time),
    newSalt: () => {
      if (at === pool.length) {
        pool = randomBytes(4096);
        at = 0;
      }
      at += 16;
      return pool.toString('hex', at - 16, at);
    },
  };
};

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

  /**
   * The transaction of an append: find stored duplicates, lock the chain head, number and link the new
   * events, write them and the new head. Everything else was done by `prepareBatch` before; under the
   * lock there are two statements, the lock itself and the write, then NOTIFY and COMMIT.
   */
  async function writeBatch(trx: Knex.Transaction, batch: PreparedBatch): Promise<IngestResult> {
    const known = await storedKeys(trx, dialect, batch);
    const head = await lockChainHead(trx, batch.tenant);
    const chained = chainBatch(batch, head, known);
    if (chained.events.length > 0) {
      await writeChained(trx, dialect, batch, chained);
      await feed?.inTransaction(trx, batch.tenant, chained.head.seq);
    }
    const created = chained.events.length;
    return { created, duplicates: batch.events.length - created, results: chained.results };
  }

  /**
   * Runs `attempt` again when another batch stored one of this batch's dedupeKeys between the lookup
   * and the write; the second lookup finds it, so one retry is the rule and a third attempt is rare.
   */
  async function retryWhenStoredMeanwhile(attempt: () => Promise<IngestResult>): Promise<IngestResult> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof StoredMeanwhile) || n === 3) throw err;
      }
    }
  }

  async function appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    inputs: ParsedEventInput[],
    keyActor: Actor,
  ): Promise<IngestResult> {
    const batch = await prepareBatch(tenant, inputs, keyActor, clock);
    // Without dedupeKeys there is nothing to retry; with them, a savepoint undoes only this batch.
    if (!batch.events.some((e) => e.dedupeKey !== undefined)) return writeBatch(trx, batch);
    return retryWhenStoredMeanwhile(() => trx.transaction((savepoint) => writeBatch(savepoint, batch)));
  }

  function forTenant(tenant: string): TenantEventStore {
    if (!tenant) throw new Error('a tenant is required');
    async function get(id: string): Promise<Event | null> {
      const row = await knex('events').where({ tenant, id }).first('doc');
      return row ? (JSON.parse(row.doc) as Event) : null;
    }
    return {
      tenant,
      async append(events, actor) {
        // Prepared before the transaction: no connection is held, and no lock, while it runs.
        const batch = await prepareBatch(tenant, events, actor, clock);
        return retryWhenStoredMeanwhile(() => knex.transaction((trx) => writeBatch(trx, batch)));
      },

      get,
      annotations: (window) => annotationsFor(db, tenant, window),
      facets: (query) => facetCountsFor(db, tenant, query, clock.now()),
      async context(id, windowMs, limit) {
        const anchor = await get(id);
        return anchor ? contextFor(db, tenant, anchor, windowMs, limit, dependencies) : null;
      },
      verify: () => verifyChain(db, tenant),

      async search(query: SearchQuery, placing?: Placing): Promise<JsonText<EventPage>> {
        const cursor = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
        if (cursor === null)
          throw new ApiError(400, 'invalid_cursor', 'the cursor is not one this server issued', [
            { path: 'query.cursor', message: 'unknown cursor' },
          ]);
        const snapshot = cursor
          ? cursor.snapshot
          : toNumber((await knex('chain_heads').where({ tenant }).first('seq'))?.seq ?? 0);

        const from = query.from ? Date.parse(query.from) : undefined;
        const to = query.to ? Date.parse(query.to) : undefined;
        const terms = query.q ? queryTerms(query.q) : [];
        const mapped = placing?.sources.length === 0 ? false : await anyMapping(knex, tenant, query.service);
        const rows: SearchRow[] =
          dialect === 'sqlite' && terms.length > 0
            ? await searchSqliteText(knex, tenant, snapshot, query, terms, { from, to, cursor }, mapped)
            : await applyFilters(
                pageBounds(knex('events as e'), { from, to, cursor })
                  .where('e.tenant', tenant)
                  .andWhere('e.seq', '<=', snapshot),
                knex,
                dialect,
                query,
                tenant,
                { mapped },
              )
                .orderBy([
                  { column: 'e.occurred_at', order: 'desc' },
                  { column: 'e.seq', order: 'desc' },
                ])
                .limit(query.limit + 1)
                .select(SEARCH_COLUMNS);
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const nextCursor =
          rows.length > query.limit && last
            ? encodeCursor({ snapshot, occurredAt: toNumber(last.occurred_at), seq: toNumber(last.seq) })
            : null;
        // Stored documents are the contract's objects: answered as they are, unless placed anew.
        const events = page.map((r) =>
          needsPlacing(placing, r.source, r.kind) ? JSON.stringify(placing!.place(JSON.parse(r.doc) as Event)) : r.doc,
        );
        return JsonText.join(
          '{"events":[',
          events,
          ',',
          `],"nextCursor":${JSON.stringify(nextCursor)},"snapshotSeq":${snapshot}}`,
        );
      },
    };
  }

  return { forTenant, appendInTransaction };
}
