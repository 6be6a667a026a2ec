// The `yarn bench:webhooks` section of docs/BENCHMARKS.md: rendered from one run, formatted on its own
// with prettier, and written between its markers only (appended at the end of the file the first
// time). Everything outside the markers — including the other benchmarks' generated sections — is left
// byte for byte as it was read right before writing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BEGIN = '<!-- bench-webhooks:begin -->';
export const END = '<!-- bench-webhooks:end -->';

const int = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const ms = (n, digits = 1) => (n === null || n === undefined ? '–' : n.toFixed(digits));
const us = (n) => (n === null || n === undefined ? '–' : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));
const pct = (n) => (n === null || n === undefined ? '–' : `${Math.round(n * 100)} %`);
const dialectName = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const sourceName = { alertmanager: 'Alertmanager', github: 'GitHub' };

function requestLabel(c) {
  const control = ', env `default` hook (control: no hook query)';
  if (c.source === 'alertmanager') {
    if (c.path === 'plain') return 'plain `POST /v1/events`: batch of the same 10 events';
    return `webhook: Alertmanager v4 group of 10 alerts (bearer)${c.path === 'env' ? control : ''}`;
  }
  if (c.path === 'plain') return 'plain `POST /v1/events`: the same single deploy event';
  return `webhook: GitHub \`deployment_status\` (HMAC-SHA256)${c.path === 'env' ? control : ''}`;
}

function storedCell(c) {
  if (c.stored === null || c.stored === undefined) return '–';
  const cell = `${int(c.acknowledged)} / ${int(c.stored)} / ${int(c.sent)}`;
  if (c.stored < c.acknowledged) return `${cell} ⚠ fewer stored than acknowledged`;
  if (c.stored > c.sent) return `${cell} ⚠ more stored than sent`;
  return cell;
}

function throughputRow(c) {
  const store = dialectName[c.dialect];
  if (c.failed) {
    const msg = String(c.failed.body).replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 200);
    const what = c.failed.status === null ? 'did not run' : `first request not stored whole: HTTP ${c.failed.status}`;
    return `| ${store} | ${requestLabel(c)} | **${what}** (${msg}) | | | | | | | | | |`;
  }
  const r = c.result;
  const bad = r.non2xx + r.errors + r.timeouts;
  const codes = bad
    ? ` (${Object.entries(r.statusCodes)
        .filter(([k]) => !k.startsWith('2'))
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`
    : '';
  return `| ${store} | ${requestLabel(c)} | ${int(r.reqPerSec)} | ${int(r.eventsPerSec)} | ${ms(r.latencyP50)} | ${ms(r.latencyP99)} | ${bad}${codes} | ${storedCell(c)} | ${int(c.bytesPerRequest)} | ${pct(r.serverCpu)} | ${pct(r.clientCpu)} | ${pct(r.machineBusy)} |`;
}

function ratioRows(cases) {
  const rows = [];
  for (const dialect of ['sqlite', 'postgres']) {
    for (const source of ['alertmanager', 'github']) {
      const find = (path) => cases.find((c) => c.dialect === dialect && c.source === source && c.path === path);
      const hook = find('hook');
      const plain = find('plain');
      const env = find('env');
      if (!hook || !plain) continue;
      const h = hook.failed ? null : hook.result;
      const p = plain.failed ? null : plain.result;
      const e = env && !env.failed ? env.result : null;
      const ratio = h && p && p.reqPerSec > 0 ? h.reqPerSec / p.reqPerSec : null;
      const envRatio = e && p && p.reqPerSec > 0 ? e.reqPerSec / p.reqPerSec : null;
      const cpuPerReq = (r) =>
        r && r.serverCpu !== null && r.reqPerSec > 0 ? (r.serverCpu / r.reqPerSec) * 1e3 : null;
      rows.push(
        `| ${dialectName[dialect]} | ${sourceName[source]} (${hook.eventsPerRequest} event${hook.eventsPerRequest === 1 ? '' : 's'}/request) | ${int(h?.reqPerSec)} | ${int(p?.reqPerSec)} | ${ratio === null ? '–' : `**${ratio.toFixed(2)}×**`} | ${envRatio === null ? '–' : `${envRatio.toFixed(2)}× (${int(e.reqPerSec)}/s)`} | ${h && p ? `${ms(h.latencyP50)} / ${ms(p.latencyP50)}` : '–'} | ${h && p ? `${ms(h.latencyP99)} / ${ms(p.latencyP99)}` : '–'} | ${ms(cpuPerReq(h), 2)} / ${ms(cpuPerReq(p), 2)} |`,
      );
    }
  }
  return rows;
}

function splitTable(splits) {
  if (!splits?.length) return ['The in-process split did not run.'];
  const head = `| step (µs per request, in process) | ${splits.map((s) => `${sourceName[s.source]} webhook | ${sourceName[s.source]} plain`).join(' | ')} |`;
  const sep = `| --- | ${splits.map(() => '---: | ---:').join(' | ')} |`;
  const line = (label, pickHook, pickPlain) =>
    `| ${label} | ${splits.map((s) => `${pickHook(s) === null ? '–' : us(pickHook(s))} | ${pickPlain(s) === null ? '–' : us(pickPlain(s))}`).join(' | ')} |`;
  return [
    head,
    sep,
    line(
      'signature check (`plugin.verify`: bearer compare / HMAC-SHA256 of the raw body)',
      (s) => s.webhook.verify,
      () => null,
    ),
    line(
      '`JSON.parse` of the body',
      (s) => s.webhook.parse,
      (s) => s.plain.parse,
    ),
    line(
      'source normalize (`plugin.normalize`)',
      (s) => s.webhook.normalize,
      () => null,
    ),
    line(
      'zod validation (`EventInput.safeParse` per event / `parseIngestBody`)',
      (s) => s.webhook.validate,
      (s) => s.plain.validate,
    ),
    line(
      '**total of these steps**',
      (s) => s.webhookTotal,
      (s) => s.plainTotal,
    ),
    `| body bytes | ${splits.map((s) => `${int(s.hookBytes)} | ${int(s.plainBytes)}`).join(' | ')} |`,
  ];
}

function lookupLines(lookups) {
  const done = lookups.filter((l) => l.result);
  if (!done.length) return ['The hook lookup was not timed in this run.'];
  return [
    '| store | hook | median ms | p99 ms | samples |',
    '| --- | --- | ---: | ---: | ---: |',
    ...done.map(
      (l) =>
        `| ${dialectName[l.dialect]} | ${sourceName[l.source]} | ${ms(l.result.medianMs, 3)} | ${ms(l.result.p99Ms, 3)} | ${l.result.samples} |`,
    ),
  ];
}

export function render({ meta, cases, splits, lookups }) {
  const out = [];
  out.push('## Webhook deliveries against plain ingest', '');
  out.push(
    'How many signed webhook deliveries per second the production server takes, next to `POST /v1/events` with the same events, in the same run. Rerun with `yarn bench:webhooks` (about 2½–3 minutes; PostgreSQL at `BENCH_PG_URL` as for `yarn bench`, in fresh `ballast_benchwh_*` databases dropped afterwards). Knobs: `BENCH_WH_DURATION` / `BENCH_WH_WARMUP` (seconds, default 8 / 3), `BENCH_WH_CONNECTIONS` (default 10), `BENCH_WH_ONLY=sqlite|postgres`. Raw figures: `bench/webhooks/results/` (not committed).',
  );
  out.push('');
  out.push('### What runs', '');
  out.push(
    `- One fresh \`node backend/server/dist/server.js\` (built by \`yarn workspace @ballast/server build\`, build ${meta.serverHash}) and one fresh store per case: SQLite in a new temp dir (WAL, \`synchronous=FULL\`), or a new PostgreSQL database (pool max 10); BALLAST_LOG_LEVEL=warn, admin key from BALLAST_BOOTSTRAP_ADMIN_KEY.`,
  );
  out.push(
    '- Webhook cases create their hook through the admin API (`POST /v1/admin/hooks` `{source, name}`) and post to the path it answers. **Alertmanager**: a version-4 notification of one group with 10 firing alerts (shaped after `plugins/src/sources/alertmanager/samples.ts`), `Authorization: Bearer <hook secret>`; every delivery has new fingerprints and startsAt, so it stores 10 new events. **GitHub**: a `deployment_status` delivery (shaped after `plugins/src/sources/github/samples.ts`) with a new deployment id and `created_at`, `X-GitHub-Event: deployment_status`, a new `X-GitHub-Delivery` and `X-Hub-Signature-256: sha256=<HMAC-SHA256 of that body>` computed per request.',
  );
  out.push(
    '- Control: the same deliveries to the hook `default` configured by `BALLAST_SOURCE_<SOURCE>_SECRETS`, which the delivery path finds in its config instead of querying the `hooks` table; the rest of the path is the same, so its distance to the admin-created hook is the cost of that per-delivery query.',
  );
  out.push(
    "- Plain cases post, with the admin key, exactly the events the source's own `normalize` makes of the same deliveries (checked before the run: parsed and validated, the two are equal): a `{ events: [...] }` batch of the 10 alert events, and the deploy event as a single-event body.",
  );
  out.push(
    `- Load: autocannon ${meta.autocannon}, ${meta.connections} connections from the runner's process, ${meta.warmupSeconds} s warm-up then ${meta.durationSeconds} s measured; every request body is unique (templates rewritten in place per request, as in \`bench/events.mjs\`). Throughput counts 2xx answers only. After each case the server is stopped and its store opened: **events acknowledged / stored / sent** sets the rows with the source's dedupeKey prefix between the events of every 2xx answer and those of every request sent (probe, warm-up and measured window): autocannon stops with requests in flight, which the server still stores, so stored can exceed acknowledged by up to ${meta.connections} requests per load; stored below acknowledged, or above sent, is flagged ⚠.`,
  );
  out.push('');
  out.push('### Latest run', '');
  out.push(`- command: \`yarn bench:webhooks\``);
  out.push(
    `- commit: \`${meta.commit}\`${meta.dirty ? ` with uncommitted changes (${meta.dirtyPaths ? meta.dirtyPaths.map((p) => `\`${p}\``).join(', ') : `${meta.dirty} paths changed or untracked`})` : ' (clean tree)'}`,
  );
  out.push(`- date: ${meta.date} (took ${Math.round(meta.tookSeconds)} s)`);
  out.push(`- machine: ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGb} GB memory, ${meta.os}; Node ${meta.node}`);
  out.push(
    `- load average (1 / 5 / 15 min) before: ${meta.loadBefore.map((n) => n.toFixed(2)).join(' / ')}, after: ${meta.loadAfter.map((n) => n.toFixed(2)).join(' / ')}; client and server share the cores, and anything else running counts in "machine busy"`,
  );
  out.push(`- temp dirs (SQLite files) on: ${meta.tmpFs}`);
  out.push(`- PostgreSQL: ${meta.postgres}`);
  out.push('');
  out.push('### Throughput', '');
  out.push(
    '| store | request | req/s (deliveries/s) | events/s | p50 ms | p99 ms | non-2xx / errors | events acknowledged / stored / sent | bytes/request | server CPU (1 core = 100 %) | client CPU | machine busy (all cores = 100 %) |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const c of cases) out.push(throughputRow(c));
  out.push('');
  out.push('### Webhook over plain, same run', '');
  out.push(
    '| store | source | webhook deliveries/s | plain req/s | webhook / plain | control: env `default` hook / plain | p50 ms webhook / plain | p99 ms webhook / plain | server CPU ms per request webhook / plain |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(...ratioRows(cases));
  out.push('');
  out.push(
    'Events/s follow the same ratio (both sides store the same events per request). Compare ratios within one run, not absolute figures across runs: the load generator shares the cores with the server (and PostgreSQL), and runs vary by 15–30 %.',
  );
  out.push('');
  out.push('### What a delivery does that the plain request does not', '');
  out.push(
    "The steps of the two paths that differ, run in the runner's process on the server's own code (bundled from `plugins/src` and `backend/contract/src`), mean of the best of 3 rounds of " +
      `${meta.splitIterations} requests. The store's append that follows is the same code for both. (The plain route parses its body with Fastify's JSON parser, secure-json-parse; \`JSON.parse\` here.)`,
  );
  out.push('');
  out.push(...splitTable(splits));
  out.push('');
  out.push(
    "Each delivery also looks its hook up in the store (`hooks.resolve` → `hookStore.bySourceAndId`, a `select … where source and id` with `JSON.parse` of the secrets and options), on every request: there is no cache, where the plain path's API key lookup is cached for 1 s. Timed alone on the case's store after its server stopped, so it never waits for a connection; under load it does: on SQLite the server has one connection (pool max 1), which each append's transaction holds, so every delivery waits its turn twice, for the lookup and for the append; on PostgreSQL the lookup is one more round trip through the pool:",
  );
  out.push('');
  out.push(...lookupLines(lookups));
  return out.join('\n');
}

/** Replaces the text between the markers (re-reading the file now), or appends the markers at the end. */
export async function writeSection(file, generated) {
  let body = generated;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    body = (await prettier.format(generated, { ...options, parser: 'markdown' })).trimEnd();
  } catch {
    // prettier is a dev dependency of the root; without it the section is written as generated
  }
  const block = `${BEGIN}\n\n${body}\n\n${END}`;
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const s = existing.indexOf(BEGIN);
  const e = existing.indexOf(END);
  const text =
    s >= 0 && e > s
      ? `${existing.slice(0, s)}${block}${existing.slice(e + END.length)}`
      : `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${block}\n`;
  writeFileSync(file, text);
}
