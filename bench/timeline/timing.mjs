// Latency of one request or query repeated sequentially (one in flight, warm caches): the time from
// sending it to having the whole answer, in milliseconds, with how many samples the figures rest on.
import { Agent, request } from 'node:http';
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
 * Calls `once()` `warmup` times unmeasured (fewer when they take over `warmupBudgetMs`), then up to
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
  for (let i = 0; i < warmup && (i === 0 || performance.now() - w0 < warmupBudgetMs); i++) first ??= await once();
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
  return { ...summarize(times), first };
}

/**
 * GET with a kept-alive connection; resolves with status, byte count, `receivedMs` (from sending the
 * request to the answer's last byte), and `text` and `json`, the body as text and parsed when first read; fails (`timedOut`)
 * after `timeoutMs`.
 */
export function httpGetter(baseUrl, headers, timeoutMs = 30_000) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const sent = performance.now();
      const req = request(new URL(path, baseUrl), { method: 'GET', headers, agent }, (res) => {
        const chunks = [];
        let bytes = 0;
        res.on('data', (c) => {
          chunks.push(c);
          bytes += c.length;
        });
        res.on('end', () => {
          const receivedMs = performance.now() - sent;
          // Joined and parsed only when asked for (the first answer, a refusal): doing so for every
          // answer would leave the client's garbage collector work that lands inside a later request's time.
          let json;
          resolve({
            status: res.statusCode,
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
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => {
        const err = new Error(`no answer within ${timeoutMs / 1000} s`);
        err.timedOut = true;
        req.destroy(err);
      });
      req.on('error', reject);
      req.end();
    });
  return { get, timeoutMs, close: () => agent.destroy() };
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
