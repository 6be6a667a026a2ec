// What the benchmark starts and creates — child processes, temp dirs, PostgreSQL databases — each
// registered as it appears, so `cleanup()` can stop and remove all of it, on success or failure.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const children = new Set();
const tempDirs = new Set();
const databases = new Set();
let adminUrl;

/** A TCP port nobody listens on right now (other servers may run on this machine). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function tempDir(label) {
  const dir = await mkdtemp(join(tmpdir(), `ballast-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir) {
  tempDirs.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/** Starts `node <script>` and keeps the tail of its output for error messages. */
export function startNode(script, { env, cwd, keepStdinOpen = false }) {
  const child = spawn(process.execPath, [script], {
    env,
    cwd,
    stdio: [keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-16000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const proc = { child, pid: child.pid, exited, output: () => tail.trim(), exitInfo: null };
  exited.then((info) => {
    proc.exitInfo = info;
    children.delete(proc);
  });
  children.add(proc);
  return proc;
}

/** Waits until GET url answers 200, or fails with the child's own last words. */
export async function waitReady(proc, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitInfo)
      throw new Error(`process exited (${JSON.stringify(proc.exitInfo)}) before ready: ${proc.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${proc.output()}`);
}

/** SIGTERM (the production server finishes in-flight writes), then SIGKILL if it takes too long. */
export async function stopProcess(proc, graceMs = 15_000) {
  if (proc.exitInfo) return proc.exitInfo;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const info = await proc.exited;
  clearTimeout(timer);
  return info;
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where /proc is missing. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

// PostgreSQL: one admin connection string; every benchmark database is created fresh and dropped.
export function usePostgres(url) {
  adminUrl = url;
}

export function databaseUrl(name) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(sql, params) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A fresh database, dropped by `cleanup()` if not before; each benchmark names its own with `prefix`. */
export async function createDatabase(label, prefix = 'ballast_bench') {
  const name = `${prefix}_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  databases.add(name);
  await adminQuery(`CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(name) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  databases.delete(name);
}

/** Stops every child still running, drops every database, removes every temp dir. Never throws. */
export async function cleanup() {
  const problems = [];
  await Promise.all(
    [...children].map((p) => stopProcess(p, 5000).catch((e) => problems.push(`pid ${p.pid}: ${e.message}`))),
  );
  for (const name of [...databases])
    await dropDatabase(name).catch((e) => problems.push(`database ${name}: ${e.message}`));
  for (const dir of [...tempDirs]) await removeTempDir(dir).catch((e) => problems.push(`dir ${dir}: ${e.message}`));
  return problems;
}

/** Last resort when the runner is exiting without a chance to await: kill what is still running. */
export function killAllSync() {
  for (const p of children) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
