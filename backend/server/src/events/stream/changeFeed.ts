import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Database } from '../../db/knex.js';

export const NOTIFY_CHANNEL = 'ballast_events';

/**
 * Tells this process that a tenant's chain moved. Carries `(tenant, seq)` only: readers fetch the
 * rows themselves by seq. `resync` means "notifications may have been lost: read from where you are".
 */
export interface ChangeFeed {
  /** Called by the writer inside its transaction, before commit. */
  inTransaction(trx: Knex.Transaction, tenant: string, seq: number): Promise<void>;
  on(listener: (tenant: string, seq: number) => void): () => void;
  onResync(listener: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** SQLite: one process owns the file, so an in-memory signal after commit is the whole feed. */
export function memoryFeed(): ChangeFeed {
  const bus = new EventEmitter().setMaxListeners(0);
  return {
    async inTransaction(trx, tenant, seq) {
      // Signal only once the data is visible to readers.
      trx.executionPromise.then(
        () => bus.emit('change', tenant, seq),
        () => {},
      );
    },
    on(listener) {
      bus.on('change', listener);
      return () => bus.off('change', listener);
    },
    onResync(listener) {
      bus.on('resync', listener);
      return () => bus.off('resync', listener);
    },
    start: async () => {},
    stop: async () => {
      bus.removeAllListeners();
    },
  };
}

/**
 * PostgreSQL: writers NOTIFY inside their transaction (delivered on commit, to every replica); each
 * process holds one dedicated LISTEN connection outside the query pool and reconnects when it drops,
 * then asks every reader to catch up, so a dropped connection loses nothing.
 */
export function postgresFeed(connectionString: string, log: Log): ChangeFeed {
  const bus = new EventEmitter().setMaxListeners(0);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let backoff = 100;

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new pg.Client({ connectionString, application_name: 'ballast-listen' });
    c.on('error', (err) => log.warn({ err: err.message }, 'stream: LISTEN connection error'));
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped) schedule();
    });
    c.on('notification', (msg) => {
      if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
      const at = msg.payload.lastIndexOf(':');
      bus.emit('change', msg.payload.slice(0, at), Number(msg.payload.slice(at + 1)));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'stream: cannot LISTEN yet; retrying');
      c.removeAllListeners('end');
      await c.end().catch(() => {});
      schedule();
      return;
    }
    client = c;
    backoff = 100;
    bus.emit('resync');
  }

  function schedule(): void {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoff);
    backoff = Math.min(backoff * 2, 5000);
  }

  return {
    async inTransaction(trx, tenant, seq) {
      await trx.raw('select pg_notify(?, ?)', [NOTIFY_CHANNEL, `${tenant}:${seq}`]);
    },
    on(listener) {
      bus.on('change', listener);
      return () => bus.off('change', listener);
    },
    onResync(listener) {
      bus.on('resync', listener);
      return () => bus.off('resync', listener);
    },
    start: connect,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
      bus.removeAllListeners();
    },
  };
}

export function createChangeFeed(db: Database, connectionString: string | undefined, log: Log): ChangeFeed {
  return db.dialect === 'postgres' && connectionString ? postgresFeed(connectionString, log) : memoryFeed();
}
