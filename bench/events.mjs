// Realistic event bodies for the ingest benchmarks, and request bodies that stay unique per request:
// autocannon repeats one body, so each template carries a fixed-width request-number slot that is
// rewritten in place before every request, giving every event a dedupeKey never seen before.

/** Width of the request-number slot written into every dedupeKey. */
const SLOT_WIDTH = 12;
const SLOT = '#'.repeat(SLOT_WIDTH);

const services = [
  'checkout',
  'payments-api',
  'search',
  'auth',
  'catalog',
  'web-frontend',
  'orders',
  'inventory',
  'notifications',
  'billing',
  'recommendations',
  'gateway',
];
const teams = ['commerce', 'platform', 'identity', 'growth', 'data'];
const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const people = [
  { id: 'u-1042', name: 'Alex Moreau', email: 'alex.moreau@example.com' },
  { id: 'u-2210', name: 'Priya Raman', email: 'priya.raman@example.com' },
  { id: 'u-3107', name: 'Jonas Berg', email: 'jonas.berg@example.com' },
  { id: 'u-4471', name: 'Mei Tanaka', email: 'mei.tanaka@example.com' },
];
const alerts = ['HighErrorRate', 'LatencyP99High', 'PodCrashLooping', 'SaturationCPU', 'ErrorBudgetBurn'];
const errors = [
  "TypeError: Cannot read properties of undefined (reading 'id')",
  'TimeoutError: upstream inventory did not answer within 2000 ms',
  'PaymentDeclinedError: card_declined for order',
  'ConnectionResetError: socket hang up while calling auth',
];
const flags = ['new-checkout-flow', 'search-v2-ranking', 'async-invoices', 'edge-cache'];

/** Small deterministic PRNG (mulberry32): the same seed gives the same bodies run after run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (rnd, n) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');

/** One event as a CI pipeline, Alertmanager, Sentry or a flag service would post it (about 1 KB of JSON). */
export function makeEvent(rnd, dedupeKey) {
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const service = pick(services);
  const environment = rnd() < 0.8 ? 'production' : 'staging';
  const team = pick(teams);
  const region = pick(regions);
  const occurred = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 30 * 24 * 3600 * 1000);
  const occurredAt = new Date(occurred).toISOString();
  const person = pick(people);
  const roll = rnd();
  const base = { occurredAt, service, environment, dedupeKey };
  const tags = { team, region, cluster: `${region}-k8s-${1 + Math.floor(rnd() * 3)}` };
  if (roll < 0.4) {
    const version = `v${1 + Math.floor(rnd() * 3)}.${Math.floor(rnd() * 60)}.${Math.floor(rnd() * 10)}`;
    const sha = hex(rnd, 40);
    const failed = rnd() < 0.1;
    return {
      ...base,
      endedAt: new Date(occurred + 60_000 + Math.floor(rnd() * 600_000)).toISOString(),
      source: 'github',
      kind: 'deploy',
      status: failed ? 'failed' : 'succeeded',
      severity: failed ? 'high' : 'info',
      sourceRefs: {
        repo: `acme/${service}`,
        workflow: 'deploy.yml',
        runId: String(9_000_000_000 + Math.floor(rnd() * 1e8)),
      },
      title: `Deploy ${service} ${version} to ${environment}`,
      description: `Rolled out **${service} ${version}** to ${environment} (${region}).\n\nChanges: ${Math.floor(rnd() * 30) + 1} commits, migration ${rnd() < 0.3 ? 'included' : 'none'}.`,
      links: [
        {
          rel: 'pull_request',
          url: `https://github.com/acme/${service}/pull/${Math.floor(rnd() * 5000)}`,
          text: 'Release PR',
        },
        { rel: 'ci_run', url: `https://github.com/acme/${service}/actions/runs/${Math.floor(rnd() * 1e9)}` },
      ],
      actor: { type: 'user', ...person },
      tags: { ...tags, version },
      attributes: {
        commitCount: Math.floor(rnd() * 30) + 1,
        durationMs: Math.floor(rnd() * 600_000),
        replicas: 2 + Math.floor(rnd() * 8),
        requestedBy: person.email,
      },
      personalAttributes: ['requestedBy'],
      correlation: { commitSha: sha, release: `${service}@${version}`, deploymentId: `dep-${hex(rnd, 12)}` },
    };
  }
  if (roll < 0.65) {
    const alert = pick(alerts);
    const resolved = rnd() < 0.5;
    return {
      ...base,
      source: 'alertmanager',
      kind: 'alert',
      status: resolved ? 'resolved' : 'triggered',
      severity: pick(['critical', 'high', 'warning']),
      sourceRefs: { alertname: alert, fingerprint: hex(rnd, 16) },
      title: `${alert} ${resolved ? 'resolved' : 'firing'} on ${service} (${environment})`,
      description: `The ${alert} rule for ${service} crossed its threshold: ${(rnd() * 10).toFixed(2)}% over 5m in ${region}. See the runbook before acting.`,
      links: [
        {
          rel: 'dashboard',
          url: `https://grafana.example.com/d/${hex(rnd, 9)}/${service}?orgId=1`,
          text: 'Service dashboard',
        },
      ],
      actor: { type: 'service', id: 'alertmanager', name: 'Alertmanager' },
      tags: { ...tags, alertname: alert },
      attributes: {
        value: Number((rnd() * 10).toFixed(3)),
        threshold: 5,
        window: '5m',
        labels: { job: service, namespace: team },
      },
      correlation: { alertFingerprint: hex(rnd, 16) },
    };
  }
  if (roll < 0.85) {
    return {
      ...base,
      source: 'sentry',
      kind: 'error',
      status: 'triggered',
      severity: pick(['high', 'warning']),
      sourceRefs: { project: service, issueId: String(Math.floor(rnd() * 1e7)) },
      title: pick(errors),
      description: `First seen in ${environment}; ${Math.floor(rnd() * 500) + 1} events from ${Math.floor(rnd() * 80) + 1} users in the last hour.`,
      links: [
        {
          rel: 'issue',
          url: `https://sentry.example.com/organizations/acme/issues/${Math.floor(rnd() * 1e7)}/`,
          text: 'Sentry issue',
        },
      ],
      actor: { type: 'service', id: 'sentry' },
      tags: { ...tags, level: 'error', runtime: 'node20' },
      attributes: {
        culprit: `src/handlers/${service}.ts`,
        count: Math.floor(rnd() * 500) + 1,
        users: Math.floor(rnd() * 80) + 1,
      },
      correlation: { traceId: hex(rnd, 32), release: `${service}@v2.${Math.floor(rnd() * 60)}.0` },
    };
  }
  const flag = pick(flags);
  const on = rnd() < 0.5;
  return {
    ...base,
    source: 'launchdarkly',
    kind: 'flag_change',
    status: on ? 'enabled' : 'disabled',
    severity: 'info',
    sourceRefs: { project: 'default', flag },
    title: `Flag ${flag} ${on ? 'enabled' : 'disabled'} for ${service} in ${environment}`,
    description: `Targeting changed: ${on ? 'rolled out to' : 'rolled back from'} ${Math.floor(rnd() * 100)}% of traffic.`,
    links: [{ rel: 'flag', url: `https://app.launchdarkly.com/default/${environment}/features/${flag}`, text: flag }],
    actor: { type: 'user', ...person },
    tags: { ...tags, flag },
    attributes: { rollout: Math.floor(rnd() * 100), previous: on ? 'off' : 'on', requestedBy: person.email },
    personalAttributes: ['requestedBy'],
    correlation: { flagKey: flag },
  };
}

/**
 * A request body (one event, or `{ events: [...] }` of `size`) as a Buffer whose dedupeKeys all hold
 * the request-number slot; `fill(n)` writes request number n into every slot and returns the buffer.
 * The buffer is rewritten in place: callers copy it (autocannon does) before the next fill.
 */
export function bodyTemplate({ size, seed, runId, single = false, maxTags = Infinity }) {
  const rnd = prng(seed);
  const events = Array.from({ length: size }, (_, i) => {
    const e = makeEvent(rnd, `bench-${runId}-${SLOT}-${i}`);
    e.tags = Object.fromEntries(Object.entries(e.tags).slice(0, maxTags));
    return e;
  });
  const buf = Buffer.from(JSON.stringify(single ? events[0] : { events }), 'utf8');
  const slots = [];
  for (let at = buf.indexOf(SLOT); at >= 0; at = buf.indexOf(SLOT, at + SLOT_WIDTH)) slots.push(at);
  if (slots.length !== size) throw new Error(`template: expected ${size} slots, found ${slots.length}`);
  return {
    tagCounts: events.map((e) => Object.keys(e.tags).length),
    bytes: buf.length,
    events: size,
    fill(n) {
      const digits = String(n).padStart(SLOT_WIDTH, '0');
      for (const at of slots) buf.write(digits, at, 'latin1');
      return buf;
    },
  };
}

/** Several templates cycled by request number, so consecutive requests carry different events too. */
export function bodySource({ size, single = false, runId, variants = 8, seed = 1, maxTags = Infinity }) {
  const templates = Array.from({ length: variants }, (_, v) =>
    bodyTemplate({ size, single, runId, maxTags, seed: seed * 1000 + v }),
  );
  let next = 0;
  const tags = templates.flatMap((t) => t.tagCounts);
  return {
    tagsPerEvent: tags.reduce((a, b) => a + b, 0) / tags.length,
    bytesPerRequest: Math.round(templates.reduce((s, t) => s + t.bytes, 0) / templates.length),
    eventsPerRequest: size,
    /** The next unique body: request numbers never repeat within a source. */
    next() {
      const n = next++;
      return templates[n % templates.length].fill(n);
    },
  };
}
