import type { Event, EventFilters } from '@ballast/contract';
import { toNumber, type Database } from '../../db/knex.js';
import { applyFilters, matchesFilters } from '../filters.js';
import type { ChangeFeed } from './changeFeed.js';

const PAGE = 500;
/** Safety net: even if every notification were lost, readers look at the chain head this often. */
const POLL_MS = 5000;

export interface Subscriber {
  filters: Partial<EventFilters>;
  /** Highest seq this subscriber has been given or passed over. */
  lastSeq: number;
  send(event: Event): void;
}

interface Sub extends Subscriber {
  buffer: Event[] | null;
}

/** One reader per tenant with subscribers: reads new rows by seq once and fans them out in memory. */
class TenantTail {
  readSeq = 0;
  readonly subs = new Set<Sub>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Database,
    readonly tenant: string,
    private readonly placer: Placer,
  ) {}

  async init(): Promise<void> {
    const head = await this.db.knex('chain_heads').where({ tenant: this.tenant }).first('seq');
    this.readSeq = head ? toNumber(head.seq) : 0;
  }

  /** Reads everything after readSeq; concurrent pokes coalesce into one more pass. */
  poke(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows: { doc: string; seq: number | string }[] = await this.db
        .knex('events')
        .where({ tenant: this.tenant })
        .andWhere('seq', '>', this.readSeq)
        .orderBy('seq', 'asc')
        .limit(PAGE)
        .select('doc', 'seq');
      const place = rows.length > 0 ? await this.placer(this.tenant) : (e: Event) => e;
      for (const row of rows) {
        const event = place(JSON.parse(row.doc) as Event);
        for (const sub of this.subs) deliver(sub, event);
        this.readSeq = toNumber(row.seq);
      }
      if (rows.length < PAGE) return;
    }
  }
}

function deliver(sub: Sub, event: Event): void {
  if (sub.buffer) {
    sub.buffer.push(event);
    return;
  }
  if (event.seq <= sub.lastSeq) return;
  sub.lastSeq = event.seq;
  if (matchesFilters(event, sub.filters)) sub.send(event);
}

/** Live delivery of committed events to subscribers, exactly once each and in seq order. */
/** Where the tenant's current mappings place an event, applied before filters and delivery. */
export type Placer = (tenant: string) => Promise<(e: Event) => Event>;
const asStored: Placer = async () => (e) => e;

export function createStreamHub(db: Database, feed: ChangeFeed, placer: Placer = asStored) {
  const tails = new Map<string, TenantTail>();
  const starting = new Map<string, Promise<TenantTail>>();
  const off = [
    feed.on(
      (tenant) =>
        void tails
          .get(tenant)
          ?.poke()
          .catch(() => {}),
    ),
    feed.onResync(() => {
      for (const t of tails.values()) void t.poke().catch(() => {});
    }),
  ];
  const poll = setInterval(() => {
    for (const t of tails.values()) void t.poke().catch(() => {});
  }, POLL_MS);
  poll.unref();

  async function tailOf(tenant: string): Promise<TenantTail> {
    const existing = tails.get(tenant);
    if (existing) return existing;
    let p = starting.get(tenant);
    if (!p) {
      p = (async () => {
        const t = new TenantTail(db, tenant, placer);
        await t.init();
        tails.set(tenant, t);
        return t;
      })().finally(() => starting.delete(tenant));
      starting.set(tenant, p);
    }
    return p;
  }

  return {
    /**
     * Subscribes from `after` (a seq the client already has) or from now; `from` is that seq, so a
     * client that connected "from now" knows where it stands. Events committed between
     * `after` and now are read from the store first; live ones arriving meanwhile wait in a buffer.
     */
    async subscribe(
      tenant: string,
      subscriber: Subscriber,
      after: number | undefined,
    ): Promise<{ unsubscribe: () => void; from: number }> {
      const tail = await tailOf(tenant);
      const sub: Sub = { ...subscriber, buffer: after === undefined ? null : [] };
      const snapshot = tail.readSeq;
      if (after === undefined) sub.lastSeq = snapshot;
      tail.subs.add(sub);
      const unsubscribe = () => {
        tail.subs.delete(sub);
        if (tail.subs.size === 0 && tails.get(tenant) === tail) tails.delete(tenant);
      };
      if (after !== undefined) {
        try {
          let cursor = after;
          while (cursor < snapshot) {
            const rows: { doc: string; seq: number | string }[] = await applyFilters(
              db.knex('events as e').where('e.tenant', tenant),
              db.knex,
              db.dialect,
              sub.filters,
              tenant,
            )
              .andWhere('e.seq', '>', cursor)
              .andWhere('e.seq', '<=', snapshot)
              .orderBy('e.seq', 'asc')
              .limit(PAGE)
              .select('e.doc', 'e.seq');
            const place = await placer(tenant);
            for (const row of rows) sub.send(place(JSON.parse(row.doc) as Event));
            cursor = rows.length < PAGE ? snapshot : toNumber(rows[rows.length - 1]!.seq);
          }
          sub.lastSeq = Math.max(after, snapshot);
          const buffered = sub.buffer ?? [];
          sub.buffer = null;
          for (const e of buffered) deliver(sub, e);
        } catch (err) {
          unsubscribe();
          throw err;
        }
      }
      return { unsubscribe, from: after ?? snapshot };
    },
    subscriberCount: () => [...tails.values()].reduce((n, t) => n + t.subs.size, 0),
    stop() {
      clearInterval(poll);
      for (const o of off) o();
      tails.clear();
    },
  };
}
export type StreamHub = ReturnType<typeof createStreamHub>;
