#!/usr/bin/env node
/**
 * Starts a real Unleash (`unleash-server` from npm) on the local PostgreSQL, for the Unleash actuator's
 * tests. Installed apart from the yarn workspace: `npm ci --prefix tools/unleash`.
 *
 * Environment (all optional):
 *   UNLEASH_DATABASE      database Unleash owns (default `ballast_unleash_test`); dropped and created
 *                         again at every start, so each run begins with a fresh Unleash
 *   PGHOST, PGPORT, PGUSER, PGPASSWORD   where PostgreSQL is (default 127.0.0.1:5432, user postgres)
 *   UNLEASH_ADMIN_TOKEN   the admin API token Unleash is started with (`*:*.<secret>`)
 *   UNLEASH_PORT          port to listen on (default 0: a free one)
 *   UNLEASH_DROP_DATABASE_ON_EXIT=1   drop the database again when stopping (tests give each run its own)
 *
 * When Unleash listens, one line goes to stdout:
 *   BALLAST_UNLEASH_READY {"url":"http://127.0.0.1:<port>","adminToken":"…","database":"…"}
 * It stops on SIGTERM or SIGINT, and when its stdin closes (the process that started it went away).
 */
import pg from 'pg';
import { start } from 'unleash-server';

const database = process.env.UNLEASH_DATABASE || 'ballast_unleash_test';
const adminToken = process.env.UNLEASH_ADMIN_TOKEN || '*:*.ballast-test-admin-token-0123456789';
const db = {
  host: process.env.PGHOST || '127.0.0.1',
  port: Number(process.env.PGPORT || 5432),
  user: process.env.PGUSER || 'postgres',
  password: process.env.PGPASSWORD || '',
};

if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
  console.error(`UNLEASH_DATABASE must be a plain lower-case identifier, got ${JSON.stringify(database)}`);
  process.exit(2);
}

async function asAdmin(...statements) {
  const admin = new pg.Client({ ...db, database: 'postgres' });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function main() {
  await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, `CREATE DATABASE ${database}`);
  const unleash = await start({
    db: { ...db, database, ssl: false },
    server: { host: '127.0.0.1', port: Number(process.env.UNLEASH_PORT || 0), gracefulShutdownEnable: false },
    authentication: {
      initApiTokens: [{ environment: '*', projects: ['*'], secret: adminToken, type: 'admin', tokenName: 'ballast' }],
    },
    versionCheck: { enable: false },
    telemetry: false,
    logLevel: 'error',
  });
  const address = unleash.server.address();
  const url = `http://127.0.0.1:${address.port}`;
  console.log(`BALLAST_UNLEASH_READY ${JSON.stringify({ url, adminToken, database })}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    let code = 0;
    try {
      await unleash.stop();
      if (process.env.UNLEASH_DROP_DATABASE_ON_EXIT === '1') {
        await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      }
    } catch (err) {
      console.error('Stopping Unleash:', err);
      code = 1;
    }
    process.exit(code);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

main().catch((err) => {
  console.error('Unleash did not start:', err);
  process.exit(1);
});
