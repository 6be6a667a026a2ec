// One timed load against one server: autocannon with a fresh body per request, plus the CPU the server
// process and the whole machine used meanwhile (client and server share the same cores).
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { cpuSeconds } from './processes.mjs';

/** CPU time of all cores so far, busy and total (ms), to compare before and after a load. */
export function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/** Sends one request with the next body; the answer tells whether the case can run at all. */
export async function probe({ url, headers, source }) {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body: Buffer.from(source.next()) });
  const text = await res.text();
  return { status: res.status, body: text.slice(0, 400) };
}

/**
 * Runs autocannon for `duration` seconds with `connections` connections; every request carries the
 * next unique body of `source`. Returns throughput from acknowledged (2xx) requests only.
 */
export async function load({ url, headers, source, connections, duration, serverPid }) {
  const cpu0 = serverPid ? cpuSeconds(serverPid) : null;
  const m0 = machineTimes();
  const client0 = process.cpuUsage();
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 30,
    headers,
    requests: [
      {
        method: 'POST',
        path: '/v1/events',
        setupRequest: (req) => ({ ...req, body: source.next() }),
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
    reqPerSec: ok / seconds,
    rowsPerSec: (ok * source.eventsPerRequest) / seconds,
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
