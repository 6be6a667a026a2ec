// Times one HTTP read in a process of its own, as Grafana or any other client would send it: the
// runner has loaded a million events and holds their bookkeeping, and its garbage collector's pauses
// would otherwise land inside the very requests it times. Takes BENCH_TL_TIMING as JSON
// ({ baseUrl, headers, path, timing, timeoutMs }), prints one JSON line: the figures and the first
// answer's text, or { error, status, timedOut }.
import { httpGetter, timeGet } from './timing.mjs';

const { baseUrl, headers, path, timing, timeoutMs } = JSON.parse(process.env.BENCH_TL_TIMING);
const getter = httpGetter(baseUrl, headers, timeoutMs);
let out;
try {
  const r = await timeGet(getter, path, timing);
  out = { n: r.n, p50: r.p50, p99: r.p99, max: r.max, bytes: r.first.bytes, text: r.first.text };
} catch (err) {
  out = { error: err.message, status: err.status ?? null, timedOut: err.timedOut === true };
} finally {
  getter.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
