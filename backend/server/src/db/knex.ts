import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { migrationSource } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  /** Where the data is, without credentials: for logs and /health. */
  location: string;
  /** PostgreSQL only: for connections that must live outside the pool (locks, LISTEN). */
  connectionString?: string;
}

/** Opens the configured store: PostgreSQL when a URL is given, else SQLite under the data dir. */
/** Where knex's own warnings go (connection errors, pool notices); the server passes its logger. */
export interface DbLog {
  warn(msg: string): void;
  error(msg: string): void;
}
const silentLog: DbLog = { warn: () => {}, error: () => {} };

function knexLog(log: DbLog) {
  const text = (m: unknown) => (m instanceof Error ? m.message : String(m));
  return {
    warn: (m: unknown) => log.warn(`store: ${text(m)}`),
    error: (m: unknown) => log.error(`store: ${text(m)}`),
    deprecate: (m: unknown) => log.warn(`store: ${text(m)}`),
    debug: () => {},
  };
}

export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolMax'>,
  log: DbLog = silentLog,
): Database {
  if (config.databaseUrl) {
    const knex = knexFactory({
      client: 'pg',
      connection: config.databaseUrl,
      pool: { min: 0, max: config.databasePoolMax },
      acquireConnectionTimeout: 5000,
      log: knexLog(log),
    });
    const url = new URL(config.databaseUrl);
    return {
      knex,
      dialect: 'postgres',
      location: `postgres://${url.host}${url.pathname}`,
      connectionString: config.databaseUrl,
    };
  }
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true });
  const filename = join(dir, 'ballast.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log: knexLog(log),
    // One connection: SQLite serialises writers anyway, and one handle keeps transactions simple.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        try {
          conn.pragma('journal_mode = WAL');
          // FULL: an acknowledged write survives power loss, not only a process crash.
          conn.pragma('synchronous = FULL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          // SQLite plans with the statistics ANALYZE leaves; without them it guesses, and a guess picked
          // the wrong index for annotations at a million rows. `optimize` gathers them where needed.
          conn.pragma('optimize = 0x10002');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  return { knex, dialect: 'sqlite', location: filename };
}

/** Arbitrary, fixed: the advisory lock replicas take around migrations and the first start. */
export const STARTUP_LOCK = 4680001;

/**
 * Brings the schema up to date. On PostgreSQL, replicas starting together take turns through an
 * advisory lock held on a connection of its own (knex's own migration lock does not cover creating
 * its bookkeeping tables), so exactly one migrates and the others find the work done.
 */
export async function migrate(db: Database): Promise<void> {
  const run = () => db.knex.migrate.latest({ migrationSource: migrationSource(db.dialect) });
  if (db.dialect !== 'postgres' || !db.connectionString) {
    await run();
    return;
  }
  const lock = new pg.Client({ connectionString: db.connectionString, application_name: 'ballast-migrate' });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    await run();
  } finally {
    await lock.end().catch(() => {});
  }
}

/** PostgreSQL returns bigint as string; SQLite as number. Seqs and times stay well below 2^53. */
export const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
