/**
 * Test harness: real stores (a fresh SQLite file, or a fresh PostgreSQL database on this machine)
 * behind a real server on a real port. Nothing here is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createClient } from '@ballast/contract';
import type { z } from 'zod';
import { Config } from '../src/config/config.js';

/** Settings as written in ballast.config.yaml (defaults may be left out). */
export type ConfigInput = Partial<z.input<typeof Config>>;
import { startServer } from '../src/server.js';

export type TestDialect = 'sqlite' | 'postgres';
export const DIALECTS: TestDialect[] = ['sqlite', 'postgres'];

/** The server PostgreSQL tests create their databases on (trust auth on this machine). */
export const PG_ADMIN_URL = process.env.BALLAST_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  dialect: TestDialect;
  dataDir?: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

export async function createTestStore(dialect: TestDialect): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ballast-test-'));
    return { dialect, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `ballast_t_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = '/' + name;
  return {
    dialect,
    databaseUrl: url.toString(),
    async drop() {
      const a = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    },
  };
}

/** A direct connection to a test store, for changing rows behind the server's back in a test. */
export function openStore(store: Pick<TestStore, 'dialect' | 'dataDir' | 'databaseUrl'>) {
  return store.dialect === 'sqlite'
    ? knexFactory({
        client: 'better-sqlite3',
        connection: { filename: `${store.dataDir}/ballast.sqlite` },
        useNullAsDefault: true,
      })
    : knexFactory({ client: 'pg', connection: store.databaseUrl });
}

export function testConfig(store: Pick<TestStore, 'dataDir' | 'databaseUrl'>, overrides: ConfigInput = {}): Config {
  return Config.parse({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    dataDir: store.dataDir ?? './data',
    databaseUrl: store.databaseUrl,
    bootstrapAdminKey: 'blst_test_' + randomBytes(24).toString('base64url'),
    ...overrides,
  });
}

export interface TestServer {
  url: string;
  adminKey: string;
  store: TestStore;
  admin: ReturnType<typeof createClient>;
  client(apiKey: string): ReturnType<typeof createClient>;
  /** Plain fetch against the server with the admin key unless another is given. */
  fetch(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(dialect: TestDialect, overrides: ConfigInput = {}): Promise<TestServer> {
  const store = await createTestStore(dialect);
  const config = testConfig(store, overrides);
  const server = await startServer(config, () => {});
  const client = (apiKey: string) => createClient({ baseUrl: server.url, apiKey });
  return {
    url: server.url,
    adminKey: config.bootstrapAdminKey!,
    store,
    admin: client(config.bootstrapAdminKey!),
    client,
    fetch(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      const k = key === undefined ? config.bootstrapAdminKey : key;
      if (k) headers.set('authorization', `Bearer ${k}`);
      return fetch(server.url + path, { ...rest, headers });
    },
    async close() {
      await server.close();
      await store.drop();
    },
  };
}

/** Reads until `ok` holds (every 50 ms), failing with the last value read after `ms`. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
