import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(serverDir, '..', '..');

/** Builds the production entry point (dist/server.js) the way `yarn build` does. */
export function buildServer(): string {
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), 'src/bin.ts', 'dist/server.js'], {
    cwd: serverDir,
    stdio: 'inherit',
  });
  return join(serverDir, 'dist', 'server.js');
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node dist/server.js` as its own process (its own pool, its own LISTEN connection). */
export async function spawnServer(entry: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, BALLAST_PORT: String(port), BALLAST_HOST: '127.0.0.1', BALLAST_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > 20_000) throw new Error(`server did not become ready: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const randomKey = () => 'blst_test_' + randomBytes(24).toString('base64url');
