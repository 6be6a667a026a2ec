// What the small GET benchmarks (bench:policy, bench:sdk) share: a clean environment for the processes
// they start, one timed autocannon load, the median of rounds, and their own section of BENCHMARKS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { machineTimes } from './load.mjs';
import { cpuSeconds } from './processes.mjs';

/** The bench's environment without BALLAST_* / BENCH_* settings, plus `extra`. */
export const cleanEnv = (extra) => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BALLAST_') && !k.startsWith('BENCH_')),
  ),
  ...extra,
});

/**
 * autocannon GETs against `url` after a warm-up; 200 and 304 count as answered. `cpu` is the CPU the
 * process `pid` used meanwhile (1 = one core).
 */
export async function measureGet({ url, headers = {}, pid, connections, warmupSeconds, seconds }) {
  await autocannon({ url, connections, duration: warmupSeconds, headers });
  const cpu0 = cpuSeconds(pid);
  const m0 = machineTimes();
  const r = await autocannon({ url, connections, duration: seconds, headers });
  const m1 = machineTimes();
  const cpu1 = cpuSeconds(pid);
  const codes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([c, s]) => [c, s.count]));
  const answered = (codes['200'] ?? 0) + (codes['304'] ?? 0);
  return {
    reqPerSec: answered / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    codes,
    unanswered: r.requests.total - answered,
    errors: r.errors + r.timeouts,
    cpu: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / r.duration : null,
    machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
  };
}

/** The round with the median throughput. */
export const medianRun = (runs) => [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs.length / 2)];

export const f0 = (n) => Math.round(n).toLocaleString('en-US');
export const pct = (n) => (n === null ? '–' : `${Math.round(n * 100)} %`);

/** Replaces the text between `<!-- bench-<name>:begin -->` and its end marker, or appends the block. */
export function writeMarkedSection(file, name, text) {
  const begin = `<!-- bench-${name}:begin -->`;
  const end = `<!-- bench-${name}:end -->`;
  const doc = readFileSync(file, 'utf8');
  const block = `${begin}\n${text}\n${end}`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  writeFileSync(
    file,
    a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${block}\n`,
  );
}
