// Loads the data set through the public API, `POST /v1/events` in batches, with a few requests in
// flight; prints progress, retries a failed batch (dedupeKeys make a retry harmless) and checks that
// every event was created exactly once.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** POSTs one JSON body; resolves with status and parsed answer. */
export function postJson(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            // kept as text below
          }
          resolve({ status: res.statusCode, json, text: text.slice(0, 400) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends `total` events from `dataset` in batches of `batchSize`, `connections` requests in flight.
 * Returns the time it took and the server's created / duplicate counts.
 */
export async function seed({ url, headers, dataset, total, batchSize, connections, log, label }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL('/v1/events', url);
  let taken = 0;
  let created = 0;
  let duplicates = 0;
  let retries = 0;
  const t0 = performance.now();

  function progress() {
    const now = performance.now();
    const rate = created / ((now - t0) / 1000);
    const eta = rate > 0 ? Math.round((total - created) / rate) : null;
    log(
      `${label}: seeded ${created.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events (${Math.round(rate).toLocaleString('en-US')}/s${eta === null ? '' : `, about ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s left`})`,
    );
  }

  async function worker() {
    while (taken < total) {
      const size = Math.min(batchSize, total - taken);
      taken += size;
      const body = JSON.stringify({ events: dataset.batch(size) });
      for (let attempt = 1; ; attempt++) {
        let res;
        try {
          res = await postJson(agent, target, headers, body);
        } catch (err) {
          res = { status: null, text: err.message };
        }
        if (res.status === 201 || res.status === 200) {
          created += res.json.created;
          duplicates += res.json.duplicates;
          break;
        }
        if (attempt >= 3) throw new Error(`${label}: a batch failed 3 times; last answer ${res.status}: ${res.text}`);
        retries++;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  const ticker = setInterval(() => progress(), 5000);
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    clearInterval(ticker);
    agent.destroy();
  }
  progress();
  const seconds = (performance.now() - t0) / 1000;
  if (created !== total) throw new Error(`${label}: sent ${total} new events, the server created ${created}`);
  return { seconds, created, duplicates, retries, eventsPerSecond: created / seconds };
}
