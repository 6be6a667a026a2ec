// Request sources for `yarn bench:webhooks`: an Alertmanager group of 10 alerts and a GitHub
// `deployment_status` delivery, each signed per body, and the equivalent plain `POST /v1/events` bodies.
//
// Every body is a template: the JSON is serialized once with placeholder tokens (fixed-width, unique),
// and before each request the tokens are rewritten in place with that request's values (fingerprints,
// startsAt / created_at, deployment id, delivery id), so each request is new to the server at the cost of
// a few buffer writes (and, for GitHub, one HMAC) in the client. The plain bodies are the source's own
// `normalize` output for the tokenized delivery, serialized, so the same rewrite gives them exactly the
// events the webhook path stores for the same request number (checked by `selfCheck`).
import { createHmac } from 'node:crypto';

const SLOT = '#'.repeat(12);
const pad12 = (n) => String(n).padStart(12, '0');
/** A placeholder timestamp per index: valid ISO (so normalize accepts it), 24 characters like toISOString. */
const timeToken = (i) => `2001-01-01T00:${String(i).padStart(2, '0')}:00.000Z`;
/** The deployment id placeholder: a JSON number in the payload, a string in the normalized event. */
const DEPLOYMENT_TOKEN = '9999999999999';

export const ALERTS_PER_GROUP = 10;

/**
 * A Buffer with every occurrence of each field's token recorded; `fill(n)` writes each field's value for
 * request n over its token (same width) and returns the buffer, rewritten in place: callers copy it
 * before the next fill (autocannon concatenates it into its request buffer).
 */
function template(text, fields) {
  const buf = Buffer.from(text, 'utf8');
  const spots = fields.map((f) => {
    const at = [];
    for (let p = buf.indexOf(f.token); p >= 0; p = buf.indexOf(f.token, p + f.token.length)) at.push(p);
    if (at.length === 0) throw new Error(`template: token ${f.token} not found`);
    return { ...f, at };
  });
  return {
    bytes: buf.length,
    fill(n) {
      for (const s of spots) {
        const v = s.value(n);
        if (v.length !== s.token.length) throw new Error(`template: ${s.token} → ${v} changes the width`);
        for (const p of s.at) buf.write(v, p, 'latin1');
      }
      return buf;
    },
  };
}

/**
 * The per-request fields of an Alertmanager group: each alert's fingerprint ends in the request number,
 * and its startsAt is fresh (the base time plus a second per request, one ms apart per alert).
 */
function alertFields(baseMs) {
  return [
    { token: SLOT, value: pad12 },
    ...Array.from({ length: ALERTS_PER_GROUP }, (_, i) => ({
      token: timeToken(i),
      value: (n) => new Date(baseMs + n * 1000 + i).toISOString(),
    })),
  ];
}

/** A v4 notification of one group with `ALERTS_PER_GROUP` firing alerts, shaped after the plugin's sample. */
function alertGroup(sample, runHex) {
  const one = sample.alerts[0];
  const alerts = Array.from({ length: ALERTS_PER_GROUP }, (_, i) => ({
    ...one,
    labels: { ...one.labels, instance: `checkout-7d9f8-${i}:8080`, pod: `checkout-api-7d9f8c-${runHex}${i}` },
    startsAt: timeToken(i),
    endsAt: '0001-01-01T00:00:00Z',
    // 16 hex-like characters as Alertmanager sends: run and alert index, then the request number.
    fingerprint: `${runHex.slice(0, 3)}${i.toString(16)}${SLOT}`,
  }));
  return { ...sample, groupKey: `${sample.groupKey}:${runHex}`, alerts };
}

function githubFields(baseMs, uuidHead) {
  return {
    body: [
      { token: timeToken(0), value: (n) => new Date(baseMs + n * 1000).toISOString() },
      { token: DEPLOYMENT_TOKEN, value: (n) => `1${pad12(n)}` },
    ],
    delivery: (n) => `${uuidHead}-${pad12(n)}`,
    deliveryToken: `${uuidHead}-${SLOT}`,
  };
}

/**
 * The request sources of one run, by webhook source: `hook(secret)` the signed deliveries, `plain(adminKey)`
 * the equivalent `POST /v1/events` bodies. Each is `{ path?, headers, eventsPerRequest, bytesPerRequest,
 * next() → { body, headers? } }`; a hook's path comes from the admin API, so the runner supplies it.
 * Request numbers never repeat within one source object; call `hook` / `plain` again for a new one.
 */
export function makeSources(parts, { runHex, baseMs }) {
  const { sourcePlugins, alertmanagerFiring, githubDeploymentStatus } = parts;
  const uuidHead = `${runHex.padEnd(8, '0').slice(0, 8)}-b3c4-4d5e-8f60`;

  // Alertmanager: the group, and the 10 events normalize makes of it.
  const group = alertGroup(alertmanagerFiring, runHex);
  const aFields = alertFields(baseMs);
  const amNorm = sourcePlugins.alertmanager.normalize(group, {}, {});
  if (!amNorm.ok || amNorm.events.length !== ALERTS_PER_GROUP)
    throw new Error(`alertmanager normalize: ${JSON.stringify(amNorm).slice(0, 300)}`);
  const amHook = template(JSON.stringify(group), aFields);
  const amPlain = template(JSON.stringify({ events: amNorm.events }), aFields);

  // GitHub: one deployment_status delivery, and the one event normalize makes of it.
  const g = githubFields(baseMs, uuidHead);
  const status = githubDeploymentStatus('success', timeToken(0));
  const delivery = { ...status, deployment: { ...status.deployment, id: Number(DEPLOYMENT_TOKEN) } };
  const ghNorm = sourcePlugins.github.normalize(
    delivery,
    { 'x-github-event': 'deployment_status', 'x-github-delivery': g.deliveryToken },
    {},
  );
  if (!ghNorm.ok || ghNorm.events.length !== 1) throw new Error(`github normalize: ${JSON.stringify(ghNorm)}`);
  const ghHook = template(JSON.stringify(delivery), g.body);
  const ghPlain = template(JSON.stringify(ghNorm.events[0]), [
    ...g.body,
    { token: g.deliveryToken, value: g.delivery },
  ]);

  const counter = (fn) => {
    let n = 0;
    return () => fn(n++);
  };
  return {
    alertmanager: {
      id: 'alertmanager',
      hook: (secret) => ({
        eventsPerRequest: ALERTS_PER_GROUP,
        bytesPerRequest: amHook.bytes,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Alertmanager/0.27.0',
          authorization: `Bearer ${secret}`,
        },
        next: counter((n) => ({ body: amHook.fill(n) })),
      }),
      plain: (adminKey) => ({
        path: '/v1/events',
        eventsPerRequest: ALERTS_PER_GROUP,
        bytesPerRequest: amPlain.bytes,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        next: counter((n) => ({ body: amPlain.fill(n) })),
      }),
    },
    github: {
      id: 'github',
      hook: (secret) => ({
        eventsPerRequest: 1,
        bytesPerRequest: ghHook.bytes,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/a1b2c3d',
          'x-github-event': 'deployment_status',
          'x-github-hook-id': '12',
        },
        next: counter((n) => {
          const body = ghHook.fill(n);
          return {
            body,
            headers: {
              'x-github-delivery': g.delivery(n),
              'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
            },
          };
        }),
      }),
      plain: (adminKey) => ({
        path: '/v1/events',
        eventsPerRequest: 1,
        bytesPerRequest: ghPlain.bytes,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        next: counter((n) => ({ body: ghPlain.fill(n) })),
      }),
    },
  };
}

/**
 * For a few request numbers: the delivery, parsed and normalized by the source's own code, gives the
 * plain body's events for the same number, and the dedupeKeys differ from one number to the next.
 */
export function selfCheck(parts, opts) {
  const { sourcePlugins, parseIngestBody, EventInput } = parts;
  for (const name of ['alertmanager', 'github']) {
    const src = makeSources(parts, opts)[name];
    const hook = src.hook('x'.repeat(32));
    const plain = src.plain('k'.repeat(32));
    const keys = new Set();
    for (let n = 0; n < 3; n++) {
      const d = hook.next();
      const p = plain.next();
      const headers = Object.fromEntries(
        Object.entries({ ...hook.headers, ...d.headers }).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const norm = sourcePlugins[name].normalize(JSON.parse(d.body.toString('utf8')), headers, {});
      if (!norm.ok) throw new Error(`self-check ${name}: normalize refused request ${n}`);
      const fromHook = norm.events.map((e) => EventInput.parse(e));
      const fromPlain = parseIngestBody(JSON.parse(p.body.toString('utf8')));
      if (!fromPlain.ok) throw new Error(`self-check ${name}: plain body ${n} refused`);
      if (JSON.stringify(fromHook) !== JSON.stringify(fromPlain.events))
        throw new Error(`self-check ${name}: request ${n} differs between webhook and plain`);
      for (const e of fromHook) keys.add(e.dedupeKey);
    }
    const per = name === 'alertmanager' ? ALERTS_PER_GROUP : 1;
    if (keys.size !== 3 * per) throw new Error(`self-check ${name}: dedupeKeys repeat`);
  }
}
