// Latency of one request or query repeated sequentially (one in flight, warm caches): the time from
// sending it to having the whole answer, in milliseconds, with how many samples the figures rest on.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? null,
  };
}

/**
 * Calls `once()` `warmup` times unmeasured (fewer when they take over `warmupBudgetMs`; `warmup` holds
 * the figures of the first WARM_FIRST of them), then up to
 * `samples` times measured, stopping early (with at least `minSamples`) once `budgetMs` of measuring
 * has passed, and in any case (with at least one) after `hardBudgetMs`, so a slow case cannot eat the run.
 * `between()`, when given, runs after each measured call, outside the time measured; `started()` just
 * before the first.
 */
export async function timeSequential(
  once,
  {
    warmup = 10,
    warmupBudgetMs = 3000,
    samples = 300,
    minSamples = 20,
    budgetMs = 15_000,
    hardBudgetMs = 60_000,
    between,
    started,
  },
) {
  let first;
  const w0 = performance.now();
  // The warm-up's own times say how a process new to this request answers it (the first of them).
  const warmTimes = [];
  for (let i = 0; i < warmup && (i === 0 || performance.now() - w0 < warmupBudgetMs); i++) {
    const s = performance.now();
    const out = await once();
    warmTimes.push(out?.receivedMs ?? performance.now() - s);
    first ??= out;
    if (between) await between(i + 1);
  }
  const times = [];
  started?.();
  let t0 = performance.now();
  for (;;) {
    const spent = performance.now() - t0;
    if (times.length >= samples) break;
    if (times.length >= minSamples && spent >= budgetMs) break;
    if (times.length >= 1 && spent >= hardBudgetMs) break;
    const s = performance.now();
    const out = await once();
    // An HTTP answer says when its last byte arrived; what the client then does with it is not counted.
    times.push(out?.receivedMs ?? performance.now() - s);
    first ??= out;
    if (between) {
      const b = performance.now();
      await between(times.length);
      t0 += performance.now() - b; // the budgets count measuring only
    }
  }
  return { ...summarize(times), first, warmup: summarize(warmTimes.slice(0, WARM_FIRST)) };
}

/** How many of the warm-up's first requests its figures describe. */
export const WARM_FIRST = 300;

/**
 * GET over one kept-alive connection, as lean as a client can be: the request's bytes written once,
 * the answer's length read from its `content-length` and its body counted, not parsed. Node's `http`
 * client costs about 0.3 ms of CPU per answer on top (its streams and agent; undici's client as much),
 * and on a machine whose 2 cores the server and its database share, a client's CPU comes back
 * as the server's queueing: alternated against one server on a million events (2026-11-24), the
 * median service's annotations read had p50 / p99 of 4.70 / 14.7 ms through `http` and 3.92 / 12.8
 * through this (2,400 reads each, pooled). Grafana's own client, in Go, is of this second kind.
 * Resolves with status, byte count, `receivedMs` (from writing the request to the answer's last
 * byte), and `text` and `json`, the body as text and parsed, made only when read; fails (`timedOut`)
 * after `timeoutMs`, and on an answer without a `content-length` (chunked), which it cannot time.
 */
export function httpGetter(baseUrl, headers, timeoutMs = 30_000) {
  const base = new URL(baseUrl);
  let socket;
  let current = null; // { resolve, reject, sent, head, need, chunks, bytes, status, timer }
  const fail = (err) => {
    const c = current;
    current = null;
    socket?.destroy();
    socket = undefined;
    if (c) {
      clearTimeout(c.timer);
      c.reject(err);
    }
  };
  const onData = (data) => {
    const c = current;
    if (!c) return fail(new Error('bytes arrived with no request in flight'));
    if (c.need < 0) {
      c.head = c.head ? Buffer.concat([c.head, data]) : data;
      const end = c.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = c.head.subarray(0, end).toString('latin1');
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!length) return fail(new Error(`an answer without content-length: ${head.split('\r\n')[0]}`));
      c.status = Number(head.slice(9, 12));
      c.need = Number(length[1]);
      data = c.head.subarray(end + 4);
      c.head = null;
    }
    c.chunks.push(data);
    c.bytes += data.length;
    if (c.bytes < c.need) return;
    const receivedMs = performance.now() - c.sent;
    current = null;
    clearTimeout(c.timer);
    const { chunks, bytes, status } = c;
    let json;
    c.resolve({
      status,
      bytes,
      receivedMs,
      get text() {
        return Buffer.concat(chunks).toString('utf8');
      },
      get json() {
        if (json === undefined) {
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = null; // reported through status and bytes
          }
        }
        return json;
      },
    });
  };
  const connected = () => {
    if (socket) return Promise.resolve(socket);
    return new Promise((resolve, reject) => {
      const s = connect(Number(base.port || 80), base.hostname);
      s.setNoDelay(true);
      s.once('connect', () => {
        s.off('error', reject);
        s.on('error', (err) => fail(err));
        s.on('close', () => {
          if (socket === s) socket = undefined;
          if (current) fail(new Error('the server closed the connection'));
        });
        s.on('data', onData);
        socket = s;
        resolve(s);
      });
      s.once('error', reject);
    });
  };
  const lines = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const get = async (path) => {
    const s = await connected();
    const bytes = Buffer.from(`GET ${path} HTTP/1.1\r\nhost: ${base.host}\r\n${lines}\r\n`, 'latin1');
    return new Promise((resolve, reject) => {
      current = { resolve, reject, sent: performance.now(), head: null, need: -1, chunks: [], bytes: 0, status: 0 };
      current.timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs / 1000} s`);
        err.timedOut = true;
        fail(err);
      }, timeoutMs);
      s.write(bytes);
    });
  };
  return { get, timeoutMs, close: () => socket?.destroy() };
}

/** Times `GET path`; every answer must be 200, else the case fails with the server's answer. */
export async function timeGet(getter, path, options) {
  return timeSequential(async () => {
    const res = await getter.get(path);
    if (res.status !== 200) {
      const err = new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.json)?.slice(0, 300)}`);
      err.status = res.status;
      throw err;
    }
    return res;
  }, options);
}
