/**
 * A select's rows as arrays of column values, in the order the select names them. Named rows cost
 * better-sqlite3 about 40 % of a read of a thousand wide rows (and pg a tenth): reads that return many
 * rows and take every column by position ask for them this way.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Knex } from 'knex';
import type { Database } from './knex.js';

/** Statements kept per SQLite connection; past this many distinct texts the cache starts again. */
const MAX_STATEMENTS = 64;
const statements = new WeakMap<SqliteDatabase, Map<string, Statement>>();

function arrayStatement(conn: SqliteDatabase, sql: string): Statement {
  let cache = statements.get(conn);
  if (!cache) {
    cache = new Map();
    statements.set(conn, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_STATEMENTS) cache.clear();
    statement = conn.prepare(sql).raw(true);
    cache.set(sql, statement);
  }
  return statement;
}

let runs = 0;

export async function arrayRows(db: Database, query: Knex.QueryBuilder): Promise<unknown[][]> {
  if (db.dialect === 'postgres') return (await query.options({ rowMode: 'array' })) as unknown[][];
  // knex's SQLite client hands out named rows only: the statement runs here, on knex's connection
  // (waiting for it like any query), and knex's query events go out as its own runner sends them, for
  // whoever watches statements.
  const { sql, bindings } = query.toSQL().toNative();
  const client = db.knex.client as Knex.Client & {
    acquireConnection(): Promise<SqliteDatabase>;
    releaseConnection(conn: SqliteDatabase): Promise<void>;
  };
  const seen = { sql, bindings, __knexQueryUid: `array-rows-${++runs}` };
  const conn = await client.acquireConnection();
  try {
    client.emit('query', seen);
    const rows = arrayStatement(conn, sql).all(bindings) as unknown[][];
    client.emit('query-response', rows, seen);
    return rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
