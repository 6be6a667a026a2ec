// Where a delivery's own work goes, next to the equivalent plain body's, timed in the runner's process
// with the server's code (bench/webhooks/dist/parts.js): the CPU steps that differ between the two
// paths (the store's append after them is the same code for both), and the hook lookup each delivery
// makes (`hooks.resolve` → `hookStore.bySourceAndId`), against a stopped case's store.
import { performance } from 'node:perf_hooks';

/** Mean µs of `fn(i)` over `iterations` calls, after `warmup` calls; the best of `rounds` rounds. */
function timeMean(fn, { iterations, warmup = Math.ceil(iterations / 5), rounds = 3 }) {
  for (let i = 0; i < warmup; i++) fn(i);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    best = Math.min(best, ((performance.now() - t0) * 1000) / iterations);
  }
  return best;
}

const lower = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * For one source: µs per request of each step. Inputs are `variants` distinct requests taken from the
 * same sources the load uses, cycled.
 */
export function cpuSteps(parts, src, { secret, adminKey, variants = 64, iterations = 2000 }) {
  const { sourcePlugins, EventInput, parseIngestBody } = parts;
  const hook = src.hook(secret);
  const plain = src.plain(adminKey);
  const plugin = sourcePlugins[src.id];
  const deliveries = Array.from({ length: variants }, () => {
    const d = hook.next();
    const raw = Buffer.from(d.body);
    const headers = lower({ ...hook.headers, ...d.headers });
    const payload = JSON.parse(raw.toString('utf8'));
    const normalized = plugin.normalize(payload, headers, {});
    return { raw, headers, payload, candidates: normalized.events };
  });
  const plains = Array.from({ length: variants }, () => {
    const raw = Buffer.from(plain.next().body);
    return { raw, parsed: JSON.parse(raw.toString('utf8')) };
  });
  const at = (list, i) => list[i % list.length];
  const opts = { iterations };
  const webhook = {
    verify: timeMean((i) => {
      const d = at(deliveries, i);
      if (!plugin.verify(d.raw, d.headers, [secret], {}).ok) throw new Error('split: signature refused');
    }, opts),
    parse: timeMean((i) => JSON.parse(at(deliveries, i).raw.toString('utf8')), opts),
    normalize: timeMean((i) => {
      const d = at(deliveries, i);
      plugin.normalize(d.payload, d.headers, {});
    }, opts),
    validate: timeMean((i) => {
      for (const c of at(deliveries, i).candidates) if (!EventInput.safeParse(c).success) throw new Error('split');
    }, opts),
  };
  const direct = {
    parse: timeMean((i) => JSON.parse(at(plains, i).raw.toString('utf8')), opts),
    validate: timeMean((i) => {
      if (!parseIngestBody(at(plains, i).parsed).ok) throw new Error('split: plain body refused');
    }, opts),
  };
  return {
    source: src.id,
    eventsPerRequest: hook.eventsPerRequest,
    hookBytes: hook.bytesPerRequest,
    plainBytes: plain.bytesPerRequest,
    webhook,
    plain: direct,
    webhookTotal: webhook.verify + webhook.parse + webhook.normalize + webhook.validate,
    plainTotal: direct.parse + direct.validate,
  };
}

/**
 * The delivery path's hook lookup against a store no one else uses (the case's server has stopped):
 * what one `hookStore.bySourceAndId` costs when it never waits for a connection. Median and p99 in ms.
 */
export async function hookLookup(parts, dbConfig, { source, id, samples = 400, warmup = 50 }) {
  const db = parts.openDatabase({ databasePoolMax: 10, ...dbConfig });
  try {
    const store = parts.hookStore(db.knex);
    for (let i = 0; i < warmup; i++) await store.bySourceAndId(source, id);
    const times = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const h = await store.bySourceAndId(source, id);
      times.push(performance.now() - t0);
      if (!h) throw new Error(`hook lookup: ${source}/${id} not found`);
    }
    times.sort((a, b) => a - b);
    return {
      medianMs: times[Math.floor(times.length / 2)],
      p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))],
      samples,
    };
  } finally {
    await db.knex.destroy();
  }
}
