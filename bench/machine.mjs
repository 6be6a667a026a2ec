// What a run records about where it ran: commit and tree state, machine, PostgreSQL settings.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { adminQuery } from './processes.mjs';

export function gatherMachine({ root, connections, warmupSeconds, durationSeconds }) {
  const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8' }).trim();
  // Not trimmed: a porcelain line may start with a space (" M path"), and the path starts at column 3.
  const changed = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const dirty = changed.length;
  const dirtyPaths = changed.length <= 6 ? changed.map((l) => l.slice(3)) : null;
  let os = `${type()} ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux
  }
  let tmpFs = tmpdir();
  try {
    tmpFs = `${tmpdir()} (${execFileSync('stat', ['-f', '-c', '%T', tmpdir()], { encoding: 'utf8' }).trim()})`;
  } catch {
    // no stat(1)
  }
  return {
    command: 'yarn bench',
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    dirty,
    dirtyPaths,
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os,
    node: process.version,
    loadBefore: loadavg(),
    tmpFs,
    autocannon: JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')).version,
    connections,
    warmupSeconds,
    durationSeconds,
  };
}

export async function describePostgres() {
  const q = async (sql) => (await adminQuery(sql)).rows[0];
  const version = (await q('select version() as v')).v.split(' on ')[0];
  const settings = [];
  for (const name of ['synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers']) {
    settings.push(`${name}=${Object.values(await q(`show ${name}`))[0]}`);
  }
  return `${version}, ${settings.join(', ')}`;
}
