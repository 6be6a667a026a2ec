// Live-stream fan-out: SSE subscribers on `GET /v1/events/stream` (split across the server processes
// given), one writer posting batches for a fixed time, and per delivery the delay from the writer
// having its acknowledgement to the subscriber having the event. All clocks are this process's.
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuSeconds } from '../processes.mjs';
import { postJson } from './seed.mjs';
import { summarize } from './timing.mjs';

/**
 * A small SSE line parser on bytes: only `id:` and `event:` fields are read (the data line is skipped
 * without decoding), and a blank line ends a message.
 */
export function sseParser(onMessage) {
  let rest = null;
  let id = null;
  let event = null;
  return (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end === start) {
        if (id !== null || event !== null) onMessage(event ?? 'message', id);
        id = null;
        event = null;
      } else if (buf[start] === 0x69 && buf.toString('latin1', start, Math.min(end, start + 3)) === 'id:') {
        id = buf.toString('latin1', start + 3, end).trim();
      } else if (buf[start] === 0x65 && buf.toString('latin1', start, Math.min(end, start + 6)) === 'event:') {
        event = buf.toString('latin1', start + 6, end).trim();
      }
      start = nl + 1;
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  };
}

/** Opens one stream; `seqs`/`times` record every delivered event; resolves `ready` on the first message. */
function subscribe(url, headers, index, server) {
  const sub = { index, server, seqs: [], times: [], ready: null, error: null, req: null };
  sub.ready = new Promise((resolve, reject) => {
    const req = request(
      new URL('/v1/events/stream', url),
      { method: 'GET', agent: false, headers: { ...headers, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream ${index}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        let now = 0;
        const parse = sseParser((event, id) => {
          if (event === 'ready') resolve();
          else if (event === 'event') {
            sub.seqs.push(Number(id));
            sub.times.push(now);
          }
        });
        res.on('data', (chunk) => {
          now = performance.now();
          parse(chunk);
        });
        res.on('error', (err) => (sub.error = err.message));
      },
    );
    req.on('error', (err) => {
      sub.error = err.message;
      reject(err);
    });
    req.end();
    sub.req = req;
  });
  return sub;
}

function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const { times: t } of cpus()) {
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/**
 * `servers`: [{ url, pid }], subscribers are spread round-robin; the writer posts to the first.
 * Every subscriber must receive every written event once and in order; the result says how far
 * that held.
 */
export async function fanOut({ servers, headers, subscribers, dataset, batchSize, seconds, log, label }) {
  const subs = Array.from({ length: subscribers }, (_, i) => {
    const s = servers[i % servers.length];
    return subscribe(s.url, headers, i, s.url);
  });
  try {
    await Promise.race([
      Promise.all(subs.map((s) => s.ready)),
      new Promise((_, reject) => setTimeout(() => reject(new Error('subscribers not ready after 30 s')), 30_000)),
    ]);
    log(`${label}: ${subscribers} subscribers ready on ${servers.length} process(es); writing for ${seconds} s`);

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ackAt = new Map();
    const sentAt = new Map();
    const cpu0 = servers.map((s) => cpuSeconds(s.pid));
    const client0 = process.cpuUsage();
    const m0 = machineTimes();
    const t0 = performance.now();
    let batches = 0;
    while (performance.now() - t0 < seconds * 1000) {
      const body = JSON.stringify({ events: dataset.batch(batchSize) });
      const sent = performance.now();
      const res = await postJson(agent, new URL('/v1/events', servers[0].url), headers, body);
      const ack = performance.now();
      if (res.status !== 201) throw new Error(`${label}: writer got HTTP ${res.status}: ${res.text}`);
      for (const r of res.json.results) {
        ackAt.set(r.seq, ack);
        sentAt.set(r.seq, sent);
      }
      batches++;
    }
    const writeSeconds = (performance.now() - t0) / 1000;
    agent.destroy();

    // Wait until every subscriber has every written event (or give up after 30 s and report the gap).
    const written = ackAt.size;
    const has = (s) => s.seqs.filter((q) => ackAt.has(q)).length;
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && subs.some((s) => has(s) < written)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const cpu1 = servers.map((s) => cpuSeconds(s.pid));
    const client = process.cpuUsage(client0);
    const m1 = machineTimes();

    const delays = [];
    const delaysFromSend = [];
    const byServer = new Map();
    let deliveries = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let incomplete = 0;
    let last = t0;
    for (const s of subs) {
      const seen = new Set();
      let prev = 0;
      for (let i = 0; i < s.seqs.length; i++) {
        const seq = s.seqs[i];
        if (!ackAt.has(seq)) continue;
        if (seen.has(seq)) duplicates++;
        if (seq < prev) outOfOrder++;
        prev = seq;
        seen.add(seq);
        deliveries++;
        const t = s.times[i];
        last = Math.max(last, t);
        delays.push(t - ackAt.get(seq));
        delaysFromSend.push(t - sentAt.get(seq));
        if (!byServer.has(s.server)) byServer.set(s.server, []);
        byServer.get(s.server).push(t - ackAt.get(seq));
      }
      if (seen.size < written) incomplete++;
    }
    const spanSeconds = (last - t0) / 1000;
    return {
      processes: servers.length,
      subscribers,
      batchSize,
      batches,
      written,
      writeSeconds,
      writtenPerSecond: written / writeSeconds,
      deliveries,
      expectedDeliveries: written * subscribers,
      deliveredPerSecond: deliveries / spanSeconds,
      spanSeconds,
      duplicates,
      outOfOrder,
      incompleteSubscribers: incomplete,
      subscriberErrors: subs.filter((s) => s.error).map((s) => `${s.index}: ${s.error}`),
      delayMs: summarize(delays),
      delayFromSendMs: summarize(delaysFromSend),
      deliveredBeforeAck: delays.filter((d) => d < 0).length,
      delayByProcess: [...byServer.values()].map((d) => summarize(d)),
      serverCpu: cpu0.map((c, i) => (c !== null && cpu1[i] !== null ? (cpu1[i] - c) / spanSeconds : null)),
      clientCpu: (client.user + client.system) / 1e6 / spanSeconds,
      machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
    };
  } finally {
    for (const s of subs) s.req?.destroy();
  }
}
