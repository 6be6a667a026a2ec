// One timed load for `yarn bench:webhooks`: bench/load.mjs's measurement (autocannon, acknowledged
// requests only, server / client / machine CPU over the window), for any path and with headers that change
// per request (a webhook's signature and delivery id are per body), which bench/load.mjs's `load` does not take.
import autocannon from 'autocannon';
import { cpuSeconds } from '../processes.mjs';
import { machineTimes } from '../load.mjs';

/** Sends one request of `source` with fetch: whether the case can run at all (status, events created). */
export async function probe({ url, path, source }) {
  const { body, headers } = source.next();
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...source.headers, ...headers },
    body: Buffer.from(body),
  });
  const text = await res.text();
  let created;
  try {
    created = JSON.parse(text).created;
  } catch {
    // not JSON: the status and the text say what happened
  }
  return { status: res.status, created, body: text.slice(0, 400) };
}

/**
 * Runs autocannon for `duration` seconds with `connections` connections against POST `path`; every
 * request carries the next body of `source` and that body's headers. Throughput counts 2xx only.
 */
export async function load({ url, path, source, connections, duration, serverPid }) {
  const cpu0 = serverPid ? cpuSeconds(serverPid) : null;
  const m0 = machineTimes();
  const client0 = process.cpuUsage();
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 30,
    headers: source.headers,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const { body, headers } = source.next();
          return headers ? { ...req, body, headers: { ...req.headers, ...headers } } : { ...req, body };
        },
      },
    ],
  });
  const cpu1 = serverPid ? cpuSeconds(serverPid) : null;
  const m1 = machineTimes();
  const client = process.cpuUsage(client0);
  const seconds = result.duration;
  const ok = result['2xx'];
  return {
    seconds,
    requests: ok,
    sent: result.requests.sent,
    reqPerSec: ok / seconds,
    eventsPerSec: (ok * source.eventsPerRequest) / seconds,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    serverCpu: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / seconds : null,
    clientCpu: (client.user + client.system) / 1e6 / seconds,
    machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
  };
}
