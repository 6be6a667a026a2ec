// Times one HTTP read in a process of its own, as Grafana or any other client would send it: the
// runner has loaded a million events and holds their bookkeeping, and its garbage collector's pauses
// would otherwise land inside the very requests it times. Takes BENCH_TL_TIMING as JSON
// ({ baseUrl, headers, path, timing, timeoutMs }), prints one JSON line: the figures and the first
// answer's text, or { error, status, timedOut }.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { httpGetter, timeGet } from './timing.mjs';

const { baseUrl, headers, path, timing, timeoutMs } = JSON.parse(process.env.BENCH_TL_TIMING);

// This process's own garbage, collected between requests rather than inside one: the answers' buffers
// are memory outside V8's heap, and V8 collects its whole heap each time some 64 MB of them have come
// and gone (every 230 or so answers of 137 KB), a pause of 4–8 ms that would land inside the request
// then being timed. Collected every COLLECT_EVERY requests, untimed, with a moment after it for the
// collector's background threads to finish before the next request goes out.
const COLLECT_EVERY = 50;
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');
const between = async (n) => {
  if (n % COLLECT_EVERY !== 0) return;
  collect();
  await sleep(20);
};

/**
 * The machine's counts of file pages read back after its kernel dropped them, and of major page faults
 * (/proc/vmstat; null where there is none): the kernel of a virtual machine may page out memory left
 * untouched for a while, and a request that needs such a page back waits for the disk.
 */
function pagingCounts() {
  try {
    const text = readFileSync('/proc/vmstat', 'utf8');
    const count = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { refaults: count('workingset_refault_file'), majorFaults: count('pgmajfault') };
  } catch {
    return null;
  }
}

const getter = httpGetter(baseUrl, headers, timeoutMs);
let out;
try {
  let before = null;
  const r = await timeGet(getter, path, { ...timing, between, started: () => (before = pagingCounts()) });
  const after = pagingCounts();
  const paging =
    before && after
      ? { refaults: after.refaults - before.refaults, majorFaults: after.majorFaults - before.majorFaults }
      : null;
  out = {
    n: r.n,
    p50: r.p50,
    p99: r.p99,
    max: r.max,
    bytes: r.first.bytes,
    text: r.first.text,
    paging,
    warmup: r.warmup,
  };
} catch (err) {
  out = { error: err.message, status: err.status ?? null, timedOut: err.timedOut === true };
} finally {
  getter.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
