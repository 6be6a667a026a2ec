// A connection of the bench's own to the store a server is using: the same SQLite file (read-only; WAL
// lets it read beside the server) or the same PostgreSQL database. For the naive-search baseline and
// for asking each database how it runs a statement.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * `sql` uses `?` placeholders on both dialects (rewritten to $n for PostgreSQL). `explain` returns the
 * plan as text lines: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.
 */
export async function openDirect(store) {
  if (store.dialect === 'sqlite') {
    const db = new Database(join(store.dir, 'ballast.sqlite'), { readonly: true, fileMustExist: true });
    const prepared = new Map();
    const stmt = (sql) => {
      if (!prepared.has(sql)) prepared.set(sql, db.prepare(sql));
      return prepared.get(sql);
    };
    return {
      dialect: 'sqlite',
      async query(sql, params = []) {
        return stmt(sql).all(params);
      },
      async explain(sql, params = []) {
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params);
        const depth = new Map([[0, -1]]);
        return rows.map((r) => {
          const d = (depth.get(r.parent) ?? -1) + 1;
          depth.set(r.id, d);
          return `${'  '.repeat(d)}${r.detail}`;
        });
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: store.url, application_name: 'ballast-bench-timeline' });
  client.on('error', () => {}); // a dropped database ends the connection; queries report it themselves
  await client.connect();
  const native = (sql) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  return {
    dialect: 'postgres',
    async query(sql, params = []) {
      return (await client.query(native(sql), params)).rows;
    },
    /**
     * Already-native SQL (knex's statements carry $n) is left as is. With `analyze`, the statement runs
     * (at most `timeoutMs`; past that, the plan alone is returned, saying so).
     */
    async explain(sql, params = [], { analyze = true, timeoutMs = 30_000 } = {}) {
      const text = /\$\d/.test(sql) ? sql : native(sql);
      const plan = async (opts) =>
        (await client.query(`EXPLAIN ${opts} ${text}`, params)).rows.map((r) => r['QUERY PLAN']);
      if (!analyze) return plan('');
      await client.query(`SET statement_timeout = ${Math.round(timeoutMs)}`);
      try {
        return await plan('(ANALYZE, BUFFERS)');
      } catch (err) {
        if (err.code !== '57014') throw err; // query_canceled: the statement took longer than timeoutMs
        return [`(EXPLAIN ANALYZE stopped after ${timeoutMs / 1000} s; plan only)`, ...(await plan(''))];
      } finally {
        await client.query('RESET statement_timeout');
      }
    },
    async close() {
      await client.end();
    },
  };
}

/** The naive design: no text index, a substring test on the stored JSON, newest first. */
export function naiveSearchSql(dialect) {
  const like = dialect === 'postgres' ? 'ILIKE' : 'LIKE'; // SQLite's LIKE ignores ASCII case already
  return `SELECT doc, occurred_at, seq FROM events WHERE tenant = ? AND (doc ${like} ?) ORDER BY occurred_at DESC LIMIT 100`;
}
