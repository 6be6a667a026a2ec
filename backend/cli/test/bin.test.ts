/** The built `dist/ballast.js` runs as the `ballast` bin: bundled, with its entry wired to process I/O. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(cliDir, 'dist', 'ballast.js');

/** Runs the bin with only the variables given (plus PATH), so the caller's BALLAST_* cannot leak in. */
function ballast(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: cliDir,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('the built ballast bin', () => {
  let server: TestServer;
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['../../scripts/bundle.mjs', 'src/main.ts', 'dist/ballast.js'], {
      cwd: cliDir,
    });
    server = await startTestServer('sqlite');
  });
  afterAll(() => server?.close());

  it('answers whoami with BALLAST_URL and BALLAST_API_KEY from the environment', async () => {
    const r = await ballast(['whoami'], { BALLAST_URL: server.url, BALLAST_API_KEY: server.adminKey });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tenant\s+default$/m);
    expect(r.stdout).toMatch(/^key\s+\S+ "bootstrap-admin" \(role admin, services \*\)$/m);
  });

  it('reads events from standard input with --file -', async () => {
    const event = {
      occurredAt: '2026-02-01T09:00:00Z',
      kind: 'annotation',
      service: 'checkout',
      title: 'Piped through the bin',
    };
    const r = await ballast(
      ['events', 'add', '--file', '-', '--json'],
      { BALLAST_URL: server.url, BALLAST_API_KEY: server.adminKey },
      JSON.stringify([event]),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 1, duplicates: 0 });
  });

  it('sets the exit code: 1 for a refusal, 2 for a usage error', async () => {
    const refused = await ballast(['whoami'], { BALLAST_URL: server.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: unauthorized:');
    const usage = await ballast(['events', 'add', '--no-such-flag'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: unknown option '--no-such-flag'");
  });

  it('stops `events tail` on Ctrl-C (SIGINT) with exit 0', async () => {
    const child = spawn(process.execPath, [bin, 'events', 'tail', '--service', 'bin-tail'], {
      cwd: cliDir,
      env: { PATH: process.env.PATH ?? '', BALLAST_URL: server.url, BALLAST_API_KEY: server.adminKey },
    });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('following events after seq')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`tail exited with ${code}: ${err}`)));
      });
      await server.admin.call('ingestEvents', {
        body: {
          occurredAt: '2026-02-01T09:30:00Z',
          kind: 'annotation',
          service: 'bin-tail',
          title: 'Tailed by the bin',
        },
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        const check = () => (stdout.includes('Tailed by the bin') ? resolve() : setTimeout(check, 20));
        check();
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/^2026-02-01T09:30:00\.000Z\s+info\s+api\/annotation\s+bin-tail\s+Tailed by the bin\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serves with `ballast serve` until SIGTERM, then stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ballast-serve-'));
    const adminKey = 'blst_serve_test_key_0123456789abcdef';
    const child = spawn(process.execPath, [bin, 'serve'], {
      cwd: cliDir,
      env: {
        PATH: process.env.PATH ?? '',
        BALLAST_PORT: '0',
        BALLAST_DATA_DIR: dataDir,
        BALLAST_BOOTSTRAP_ADMIN_KEY: adminKey,
      },
    });
    try {
      // The listening address is in the server's JSON log line; port 0 lets the OS choose a free port.
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Ballast listening on (http:\/\/[^"\s]+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const me = await ballast(['whoami'], { BALLAST_URL: url, BALLAST_API_KEY: adminKey });
      expect(me.code).toBe(0);
      expect(me.stdout).toMatch(/^tenant\s+default$/m);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
