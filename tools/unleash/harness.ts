/**
 * For tests: starts the real Unleash of `start.mjs` in a child process (its own database, dropped when
 * it stops) and gives the admin API a person would use through Unleash's UI.
 * Needs `npm ci --prefix tools/unleash` once (scripts/test.sh does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOL = dirname(fileURLToPath(import.meta.url));

export interface RunningUnleash {
  url: string;
  adminToken: string;
  /** A call to Unleash's admin API (`/api/admin…`); throws on a non-2xx answer. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startUnleash(database: string, adminToken: string): Promise<RunningUnleash> {
  if (!existsSync(join(TOOL, 'node_modules/unleash-server')))
    throw new Error(
      'tools/unleash/node_modules is missing: run `npm ci --prefix tools/unleash` once, then run the tests again',
    );
  const child: ChildProcess = spawn(process.execPath, [join(TOOL, 'start.mjs')], {
    cwd: TOOL,
    env: {
      ...process.env,
      UNLEASH_DATABASE: database,
      UNLEASH_DROP_DATABASE_ON_EXIT: '1',
      UNLEASH_ADMIN_TOKEN: adminToken,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^BALLAST_UNLEASH_READY (.+)$/m.exec(out);
      if (line) resolve((JSON.parse(line[1]!) as { url: string }).url);
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('exit', (code) => reject(new Error(`Unleash exited (${code}) before it was ready:\n${err}${out}`)));
    child.on('error', reject);
  });
  return {
    url,
    adminToken,
    async admin(method, path, body) {
      const res = await fetch(`${url}/api/admin${path}`, {
        method,
        headers: { authorization: adminToken, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as unknown) : null;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
