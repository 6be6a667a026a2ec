// The timeline benchmark's data: 30 days of events from about 20 services, as the sources would post
// them — errors and flag or config changes as points; alerts, deploys and incidents as a start and an
// end sharing a correlation id (some ends beyond the data, so those ranges are still open). Three
// made-up words are planted in titles and descriptions at fixed rates, so a term-only search matches
// a known share of the rows. Deterministic: the same seed gives the same events, run after run.

export const DAY_MS = 86_400_000;
/** The data covers [DATA_START, DATA_END): 30 days that end well before the run, so nothing is "future". */
export const DATA_START = Date.UTC(2026, 2, 1);
export const DATA_END = DATA_START + 30 * DAY_MS;

/** Words nothing else in the data starts with (search matches prefixes), planted at these rates. */
export const PLANTED = [
  { label: '0.1 %', term: 'quokkaflux', rate: 0.001 },
  { label: '5 %', term: 'zephyrmint', rate: 0.05 },
  { label: '30 %', term: 'kestrelwave', rate: 0.3 },
];

/** Services with a long-tailed share of the traffic, as in a real estate of microservices. */
const SERVICES = [
  'checkout',
  'payments-api',
  'search',
  'web-frontend',
  'gateway',
  'orders',
  'auth',
  'catalog',
  'inventory',
  'notifications',
  'billing',
  'recommendations',
  'shipping',
  'accounts',
  'pricing',
  'reviews',
  'media',
  'reporting',
  'scheduler',
  'audit-log',
];
const SERVICE_WEIGHTS = SERVICES.map((_, i) => 1 / (i + 2));
const ENVIRONMENTS = [
  ['production', 0.7],
  ['staging', 0.2],
  ['dev', 0.1],
];
const TEAMS = ['commerce', 'platform', 'identity', 'growth', 'data', 'fulfilment'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const PEOPLE = [
  { id: 'u-1042', name: 'Alex Moreau', email: 'alex.moreau@example.com' },
  { id: 'u-2210', name: 'Priya Raman', email: 'priya.raman@example.com' },
  { id: 'u-3107', name: 'Jonas Berg', email: 'jonas.berg@example.com' },
  { id: 'u-4471', name: 'Mei Tanaka', email: 'mei.tanaka@example.com' },
  { id: 'u-5530', name: 'Sam Okafor', email: 'sam.okafor@example.com' },
];
const ALERTS = ['HighErrorRate', 'LatencyP99High', 'PodCrashLooping', 'SaturationCPU', 'ErrorBudgetBurn', 'DiskFull'];
const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'id')",
  'TimeoutError: upstream inventory did not answer within 2000 ms',
  'PaymentDeclinedError: card_declined for order',
  'ConnectionResetError: socket hang up while calling auth',
  'SequelizeDatabaseError: deadlock detected',
  'RangeError: Maximum call stack size exceeded',
];
const FLAGS = ['new-checkout-flow', 'search-v2-ranking', 'async-invoices', 'edge-cache', 'dark-mode', 'bulk-export'];
const CONFIGS = ['replicas', 'memory limit', 'connection pool size', 'rate limit', 'log level', 'timeout'];

/** What an episode is, with its share of episodes (an episode is 1 to 4 events). */
const EPISODES = [
  ['error', 0.5],
  ['alert', 0.18],
  ['deploy', 0.14],
  ['selfContainedDeploy', 0.04],
  ['flag', 0.08],
  ['config', 0.05],
  ['incident', 0.02],
  ['annotation', 0.03],
];

/** mulberry32: small, fast, deterministic. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(rnd, pairs) {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * total;
  for (const [v, w] of pairs) {
    x -= w;
    if (x < 0) return v;
  }
  return pairs[pairs.length - 1][0];
}

const serviceWeights = SERVICES.map((s, i) => [s, SERVICE_WEIGHTS[i]]);
/** Services from the busiest to the quietest, with their expected share of events. */
export const servicesByShare = (() => {
  const total = SERVICE_WEIGHTS.reduce((a, b) => a + b, 0);
  return SERVICES.map((s, i) => ({ service: s, share: SERVICE_WEIGHTS[i] / total }));
})();

const hex = (rnd, n) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
/** Log-uniform duration between lo and hi milliseconds: many short ranges, a few long ones. */
const duration = (rnd, lo, hi) => Math.round(Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo))));

/**
 * An endless, deterministic stream of events (input bodies for `POST /v1/events`), each with a
 * dedupeKey unique to `runId`. `counts` tells how many events carry each planted term and how many
 * ranges were left open, so the report can state what the data holds.
 */
export function createDataset({ seed = 42, runId, start = DATA_START, end = DATA_END }) {
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const counts = { events: 0, planted: Object.fromEntries(PLANTED.map((p) => [p.term, 0])), openRanges: 0, kinds: {} };
  let n = 0;
  let queue = [];

  function plant(e) {
    for (const { term, rate } of PLANTED) {
      if (rnd() >= rate) continue;
      counts.planted[term]++;
      if (rnd() < 0.5) e.title = `${e.title} [${term}]`;
      else e.description = `${e.description ?? ''} Tracked under ${term}.`.trim();
    }
    return e;
  }

  function common(service, at) {
    const region = pick(REGIONS);
    return {
      base: { occurredAt: new Date(at).toISOString(), service, environment: weighted(rnd, ENVIRONMENTS) },
      region,
      tags: { team: pick(TEAMS), region, cluster: `${region}-k8s-${1 + Math.floor(rnd() * 3)}` },
    };
  }

  /** One episode's events, all within [start, end); an end that would fall later is left out (open range). */
  function episode() {
    const kind = weighted(rnd, EPISODES);
    const service = weighted(rnd, serviceWeights);
    const at = start + Math.floor(rnd() * (end - start));
    const { base, region, tags } = common(service, at);
    const person = pick(PEOPLE);
    const out = [];
    const later = (ms) => (at + ms < end ? new Date(at + ms).toISOString() : null);
    if (kind === 'error') {
      const message = pick(ERRORS);
      out.push({
        ...base,
        source: 'sentry',
        kind: 'error',
        status: 'triggered',
        severity: pick(['high', 'warning']),
        sourceRefs: { project: service, issueId: String(Math.floor(rnd() * 1e7)) },
        title: message,
        description: `First seen in ${base.environment}; ${1 + Math.floor(rnd() * 500)} events from ${1 + Math.floor(rnd() * 80)} users in the last hour.`,
        links: [
          { rel: 'issue', url: `https://sentry.example.com/organizations/acme/issues/${Math.floor(rnd() * 1e7)}/` },
        ],
        actor: { type: 'service', id: 'sentry' },
        tags: { ...tags, level: 'error', runtime: 'node20' },
        attributes: { culprit: `src/handlers/${service}.ts`, count: 1 + Math.floor(rnd() * 500) },
        correlation: { traceId: hex(rnd, 32) },
      });
    } else if (kind === 'alert') {
      const alert = pick(ALERTS);
      const fingerprint = hex(rnd, 16);
      const lasts = duration(rnd, 2 * 60_000, 18 * 3_600_000);
      const ev = (status, when, resent = false) => ({
        ...base,
        occurredAt: when,
        source: 'alertmanager',
        kind: 'alert',
        status,
        severity: status === 'resolved' ? 'info' : pick(['critical', 'high', 'warning']),
        sourceRefs: { alertname: alert, fingerprint },
        title: `${alert} ${status === 'resolved' ? 'resolved' : resent ? 'still firing' : 'firing'} on ${service} (${base.environment})`,
        description: `The ${alert} rule for ${service} crossed its threshold: ${(rnd() * 10).toFixed(2)}% over 5m in ${region}. See the runbook before acting.`,
        links: [{ rel: 'dashboard', url: `https://grafana.example.com/d/${hex(rnd, 9)}/${service}?orgId=1` }],
        actor: { type: 'service', id: 'alertmanager', name: 'Alertmanager' },
        tags: { ...tags, alertname: alert },
        attributes: { value: Number((rnd() * 10).toFixed(3)), threshold: 5, window: '5m' },
        correlation: { alertFingerprint: fingerprint },
      });
      out.push(ev('triggered', base.occurredAt));
      // Alertmanager re-sends a firing alert; those fold into the open range.
      const resends = rnd() < 0.3 ? 1 + Math.floor(rnd() * 2) : 0;
      for (let i = 1; i <= resends; i++) {
        const when = later((lasts * i) / (resends + 1));
        if (when) out.push(ev('triggered', when, true));
      }
      const ended = rnd() < 0.995 ? later(lasts) : null;
      if (ended) out.push(ev('resolved', ended));
      else counts.openRanges++;
    } else if (kind === 'deploy' || kind === 'selfContainedDeploy') {
      const version = `v${1 + Math.floor(rnd() * 3)}.${Math.floor(rnd() * 60)}.${Math.floor(rnd() * 10)}`;
      const deploymentId = `dep-${hex(rnd, 12)}`;
      const lasts = duration(rnd, 60_000, 40 * 60_000);
      const failed = rnd() < 0.08;
      const ev = (status, when, extra = {}) => ({
        ...base,
        occurredAt: when,
        source: kind === 'deploy' ? 'github' : 'argocd',
        kind: 'deploy',
        status,
        severity: status === 'failed' ? 'high' : 'info',
        sourceRefs: { repo: `acme/${service}`, workflow: 'deploy.yml', runId: String(9e9 + Math.floor(rnd() * 1e8)) },
        title: `Deploy ${service} ${version} to ${base.environment}${status === 'started' ? '' : ` ${status}`}`,
        description: `Rolling out **${service} ${version}** to ${base.environment} (${region}). Changes: ${1 + Math.floor(rnd() * 30)} commits, migration ${rnd() < 0.3 ? 'included' : 'none'}.`,
        links: [
          { rel: 'pull_request', url: `https://github.com/acme/${service}/pull/${Math.floor(rnd() * 5000)}` },
          { rel: 'ci_run', url: `https://github.com/acme/${service}/actions/runs/${Math.floor(rnd() * 1e9)}` },
        ],
        actor: { type: 'user', ...person },
        tags: { ...tags, version },
        attributes: { replicas: 2 + Math.floor(rnd() * 8), requestedBy: person.email },
        personalAttributes: ['requestedBy'],
        correlation: { commitSha: hex(rnd, 40), release: `${service}@${version}`, deploymentId },
        ...extra,
      });
      if (kind === 'selfContainedDeploy') {
        // Argo CD reports a finished sync once, with its own end: a range by itself.
        out.push(ev('synced', base.occurredAt, { endedAt: new Date(Math.min(at + lasts, end - 1)).toISOString() }));
      } else {
        out.push(ev('started', base.occurredAt));
        const ended = rnd() < 0.995 ? later(lasts) : null;
        if (ended) out.push(ev(failed ? 'failed' : 'succeeded', ended));
        else counts.openRanges++;
      }
    } else if (kind === 'incident') {
      const incidentId = `INC-${10000 + Math.floor(rnd() * 90000)}`;
      const lasts = duration(rnd, 20 * 60_000, 3 * DAY_MS);
      const ev = (status, when) => ({
        ...base,
        occurredAt: when,
        source: 'pagerduty',
        kind: 'incident',
        status,
        severity: status === 'resolved' ? 'info' : pick(['critical', 'high']),
        sourceRefs: { incident: incidentId },
        title:
          `${incidentId}: ${service} degraded in ${base.environment} ${status === 'resolved' ? '(resolved)' : ''}`.trim(),
        description: `Paged ${person.name}. Customer impact under investigation in ${region}.`,
        links: [{ rel: 'incident', url: `https://acme.pagerduty.com/incidents/${incidentId}` }],
        actor: { type: 'service', id: 'pagerduty' },
        tags: { ...tags, priority: pick(['P1', 'P2', 'P3']) },
        attributes: { responders: 1 + Math.floor(rnd() * 4) },
        correlation: { incidentId },
      });
      out.push(ev('triggered', base.occurredAt));
      const ended = rnd() < 0.97 ? later(lasts) : null;
      if (ended) out.push(ev('resolved', ended));
      else counts.openRanges++;
    } else if (kind === 'flag') {
      const flag = pick(FLAGS);
      const on = rnd() < 0.5;
      out.push({
        ...base,
        source: rnd() < 0.7 ? 'launchdarkly' : 'unleash',
        kind: 'flag_change',
        status: on ? 'enabled' : 'disabled',
        sourceRefs: { project: 'default', flag },
        title: `Flag ${flag} ${on ? 'enabled' : 'disabled'} for ${service} in ${base.environment}`,
        description: `Targeting changed: ${on ? 'rolled out to' : 'rolled back from'} ${Math.floor(rnd() * 100)}% of traffic.`,
        links: [{ rel: 'flag', url: `https://app.launchdarkly.com/default/${base.environment}/features/${flag}` }],
        actor: { type: 'user', ...person },
        tags: { ...tags, flag },
        attributes: { rollout: Math.floor(rnd() * 100) },
        correlation: { flagKey: flag },
      });
    } else if (kind === 'config') {
      const what = pick(CONFIGS);
      out.push({
        ...base,
        source: 'api',
        kind: 'config_change',
        status: 'applied',
        title: `Changed ${what} of ${service} in ${base.environment}`,
        description: `${person.name} changed the ${what} from ${Math.floor(rnd() * 100)} to ${Math.floor(rnd() * 100)}.`,
        actor: { type: 'user', ...person },
        tags: { ...tags, setting: what.replace(/ /g, '-') },
        attributes: { before: Math.floor(rnd() * 100), after: Math.floor(rnd() * 100) },
      });
    } else {
      out.push({
        ...base,
        source: 'grafana',
        kind: 'annotation',
        title: `Load test against ${service}`,
        description: `Planned by ${person.name}; expect elevated latency in ${region}.`,
        actor: { type: 'user', ...person },
        tags: { ...tags, planned: 'yes' },
      });
    }
    return out;
  }

  return {
    counts,
    /** The next event body. */
    next() {
      while (queue.length === 0) queue = episode();
      const e = plant(queue.shift());
      e.dedupeKey = `tl-${runId}-${n++}`;
      counts.events++;
      counts.kinds[e.kind] = (counts.kinds[e.kind] ?? 0) + 1;
      return e;
    },
    /** The next `size` events. */
    batch(size) {
      return Array.from({ length: size }, () => this.next());
    },
  };
}
