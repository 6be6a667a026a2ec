import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config/config.js';
import { migrationSource } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  /** Where the data is, without credentials: for logs and /health. */
  location: string;
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
    return { knex, dialect: 'postgres', location: `postgres://${url.host}${url.pathname}` };
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
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  return { knex, dialect: 'sqlite', location: filename };
}

export async function migrate(db: Database): Promise<void> {
  await db.knex.migrate.latest({ migrationSource: migrationSource(db.dialect) });
}

/** PostgreSQL returns bigint as string; SQLite as number. Seqs and times stay well below 2^53. */
export const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
