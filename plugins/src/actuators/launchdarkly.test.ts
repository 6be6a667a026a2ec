/**
 * The LaunchDarkly actuator against a STAND-IN: LaunchDarkly is a hosted service and cannot run here,
 * so this file starts a small node:http server that speaks the request and response shapes LaunchDarkly
 * documents for its REST API v2 (Get feature flag, Update feature flag with a semantic patch) and
 * refuses anything else: a missing or wrong access token (401), a PATCH without
 * `Content-Type: application/json; domain-model=launchdarkly.semanticpatch` (400, as LaunchDarkly then
 * reads the body as a JSON patch), an instruction kind other than turnFlagOn / turnFlagOff, or one
 * without `environmentKey` (400), an unknown project, flag or environment (404). What it proves: the
 * actuator sends what LaunchDarkly's documentation asks for and reads what it documents answering. What
 * it cannot prove: LaunchDarkly's own behaviour beyond those documents.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActuatorError, type ActuatorPolicy } from './actuator.js';
import { createActuator } from './config.js';
import { FlagSnapshot } from './flagActuator.js';
import { launchDarklyActuator } from './launchdarkly.js';

const TOKEN = 'api-0123456789abcdef-test-token';
const PROJECT = 'web';
const ENVS = ['production', 'test'];

interface StandInFlag {
  key: string;
  archived: boolean;
  version: number;
  on: Record<string, boolean>;
}

/** The stand-in's state and what it was sent. */
const flags = new Map<string, StandInFlag>();
const patches: { flag: string; contentType: string; body: Record<string, unknown> }[] = [];
/** Answers every request with this status instead, when set (an outage). */
let outage: number | undefined;
/** Never answers, when set. */
let hang = false;
/** A PATCH of this flag answers 409 (a concurrent change), when set. */
let conflictOn: string | undefined;
/** A PATCH of this flag is applied, but the answer is a 502 (lost on the way back), when set. */
let loseAnswerOf: string | undefined;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { code, message, id: `stand-in-${patches.length}` });

function representation(flag: StandInFlag, env: string | null) {
  const envs = env ? [env].filter((e) => ENVS.includes(e)) : ENVS;
  return {
    key: flag.key,
    name: flag.key,
    kind: 'boolean',
    _version: flag.version,
    archived: flag.archived,
    deprecated: false,
    temporary: true,
    variations: [
      { _id: 'v-true', value: true },
      { _id: 'v-false', value: false },
    ],
    environments: Object.fromEntries(
      envs.map((e) => [
        e,
        {
          _environmentName: e,
          on: flag.on[e] ?? false,
          archived: flag.archived,
          version: flag.version,
          offVariation: 1,
        },
      ]),
    ),
    _links: { self: { href: `/api/v2/flags/${PROJECT}/${flag.key}`, type: 'application/json' } },
  };
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
  if (hang) return;
  if (outage) return refuse(res, outage, 'internal_error', 'stand-in outage');
  if (req.headers.authorization !== TOKEN) return refuse(res, 401, 'unauthorized', 'Invalid access token');
  const u = new URL(req.url ?? '/', 'http://stand-in');
  const m = /^\/api\/v2\/flags\/([^/]+)\/([^/]+)$/.exec(u.pathname);
  if (!m) return refuse(res, 404, 'not_found', 'Invalid resource identifier');
  const [project, key] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const flag = project === PROJECT ? flags.get(key) : undefined;
  if (!flag) return refuse(res, 404, 'not_found', 'Unknown feature flag');
  if (req.method === 'GET') return send(res, 200, representation(flag, u.searchParams.get('env')));
  if (req.method !== 'PATCH') return refuse(res, 405, 'method_not_allowed', 'Method not allowed');
  if (conflictOn === key) return refuse(res, 409, 'conflict', 'concurrent update');

  const [mediaType, ...params] = String(req.headers['content-type'] ?? '')
    .split(';')
    .map((s) => s.trim().toLowerCase());
  if (mediaType !== 'application/json' || !params.includes('domain-model=launchdarkly.semanticpatch')) {
    return refuse(res, 400, 'invalid_request', 'Invalid JSON patch: the body is not an array of operations');
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return refuse(res, 400, 'invalid_request', 'Request body is not valid JSON');
  }
  const { instructions, environmentKey, comment } = body;
  if (!Array.isArray(instructions) || instructions.length === 0) {
    return refuse(res, 400, 'invalid_request', 'instructions is required');
  }
  if (comment !== undefined && typeof comment !== 'string') return refuse(res, 400, 'invalid_request', 'bad comment');
  const next = { ...flag.on };
  for (const ins of instructions as { kind?: unknown }[]) {
    if (ins.kind !== 'turnFlagOn' && ins.kind !== 'turnFlagOff') {
      return refuse(res, 400, 'invalid_request', `unknown instruction kind ${JSON.stringify(ins.kind)}`);
    }
    if (typeof environmentKey !== 'string') {
      return refuse(res, 400, 'invalid_request', `${ins.kind} requires environmentKey`);
    }
    if (!ENVS.includes(environmentKey)) return refuse(res, 404, 'not_found', 'Unknown environment');
    next[environmentKey] = ins.kind === 'turnFlagOn';
  }
  patches.push({ flag: key, contentType: String(req.headers['content-type']), body });
  flag.on = next;
  flag.version += 1;
  if (loseAnswerOf === key) return refuse(res, 502, 'bad_gateway', 'upstream connection reset');
  return send(res, 200, representation(flag, null));
}

const policyFor = (stabilizeId: string, keys: string[]): ActuatorPolicy => ({
  stabilizeId,
  service: 'checkout',
  environment: 'production',
  mode: 'enforce',
  queues: [],
  flags: keys,
  deployFreeze: true,
  expiresAt: '2026-11-22T23:00:00.000Z',
});
const addFlag = (key: string, on: boolean) =>
  flags.set(key, { key, archived: false, version: 1, on: { production: on, test: true } });

describe('LaunchDarkly actuator (against a stand-in speaking the documented API)', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => handle(req, res, raw));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    flags.clear();
    patches.length = 0;
    outage = undefined;
    hang = false;
    conflictOn = undefined;
    loseAnswerOf = undefined;
  });

  it('turns flags off with a semantic patch naming the stabilize, and restores only those still off', async () => {
    addFlag('recommendations', true);
    addFlag('legacy-banner', false);
    addFlag('homepage-video', true);
    addFlag('beta-nav', true);
    addFlag('deleted-later', true);
    const actuator = createActuator({
      type: 'launchdarkly',
      baseUrl,
      apiToken: TOKEN,
      projectKey: PROJECT,
      environmentKey: 'production',
    });
    expect(actuator.name).toBe('launchdarkly:production');
    const keys = ['recommendations', 'legacy-banner', 'homepage-video', 'beta-nav', 'deleted-later'];
    const policy = policyFor('stb_bbbbbbbbbbbbbbb1', keys);

    const snapshot = await actuator.apply(policy);
    expect(FlagSnapshot.parse(snapshot).flags).toEqual({
      recommendations: { before: 'on', turnedOff: true },
      'legacy-banner': { before: 'off', turnedOff: false },
      'homepage-video': { before: 'on', turnedOff: true },
      'beta-nav': { before: 'on', turnedOff: true },
      'deleted-later': { before: 'on', turnedOff: true },
    });
    for (const k of keys) expect(flags.get(k)!.on.production).toBe(false);
    // Only the environment of the actuator; the flag that was already off got no patch.
    for (const k of keys) expect(flags.get(k)!.on.test).toBe(true);
    expect(patches.map((p) => p.flag)).toEqual(['recommendations', 'homepage-video', 'beta-nav', 'deleted-later']);
    expect(patches[0]).toEqual({
      flag: 'recommendations',
      contentType: 'application/json; domain-model=launchdarkly.semanticpatch',
      body: {
        environmentKey: 'production',
        comment: 'Ballast stabilize stb_bbbbbbbbbbbbbbb1 of checkout in production: turned off while stabilized',
        instructions: [{ kind: 'turnFlagOff' }],
      },
    });

    // A person turns one back on, archives one and deletes one during the incident.
    flags.get('homepage-video')!.on.production = true;
    flags.get('beta-nav')!.archived = true;
    flags.delete('deleted-later');
    patches.length = 0;

    const report = await actuator.revert(snapshot, policy);
    expect(report).toEqual({
      reverted: ['recommendations'],
      unchanged: ['legacy-banner'],
      leftAlone: [
        { key: 'homepage-video', reason: 'turned back on by someone during the stabilize' },
        { key: 'beta-nav', reason: 'archived in project "web"' },
        { key: 'deleted-later', reason: expect.stringMatching(/deleted; LaunchDarkly answered 404/) },
      ],
    });
    expect(flags.get('recommendations')!.on.production).toBe(true);
    expect(flags.get('legacy-banner')!.on.production).toBe(false);
    expect(patches).toEqual([
      {
        flag: 'recommendations',
        contentType: 'application/json; domain-model=launchdarkly.semanticpatch',
        body: {
          environmentKey: 'production',
          comment: 'Ballast stabilize stb_bbbbbbbbbbbbbbb1 of checkout in production ended: turned back on',
          instructions: [{ kind: 'turnFlagOn' }],
        },
      },
    ]);
  });

  it('a retried apply keeps the first prior state, and a retried revert counts what it already restored', async () => {
    addFlag('a', true);
    addFlag('b', true);
    const actuator = launchDarklyActuator({
      baseUrl,
      apiToken: TOKEN,
      projectKey: PROJECT,
      environmentKey: 'production',
    });
    const policy = policyFor('stb_bbbbbbbbbbbbbbb2', ['a', 'b']);

    outage = 503;
    const first = (await actuator.apply(policy).catch((e: unknown) => e)) as ActuatorError;
    expect(first).toBeInstanceOf(ActuatorError);
    expect(first.message).toMatch(/"a": LaunchDarkly answered 503 \(stand-in outage\); "b": LaunchDarkly answered 503/);
    expect(FlagSnapshot.parse(first.snapshot).flags).toEqual({});
    outage = undefined;

    const snapshot = await actuator.apply(policy, undefined, first.snapshot);
    // Again, as after a lost acknowledgement: both are off now, yet they stay recorded as on before.
    const again = await actuator.apply(policy, undefined, snapshot);
    expect(again).toEqual(snapshot);
    expect(FlagSnapshot.parse(again).flags).toEqual({
      a: { before: 'on', turnedOff: true },
      b: { before: 'on', turnedOff: true },
    });

    // The revert of `b` fails once; the retry with the error's snapshot does not take `a` for a person's change.
    conflictOn = 'b';
    const onPatch = patches.length;
    const failed = (await actuator.revert(again, policy).catch((e: unknown) => e)) as ActuatorError;
    expect(failed.message).toMatch(
      /could not turn back on 1 flag\(s\): "b": LaunchDarkly answered 409 \(concurrent update\)/,
    );
    expect(flags.get('a')!.on.production).toBe(true);
    conflictOn = undefined;
    const report = await actuator.revert(failed.snapshot, policy);
    expect(report.reverted).toEqual(['a', 'b']);
    expect(report.leftAlone).toEqual([]);
    expect(flags.get('b')!.on.production).toBe(true);
    expect(patches.slice(onPatch).map((p) => [p.flag, (p.body.instructions as { kind: string }[])[0]!.kind])).toEqual([
      ['a', 'turnFlagOn'],
      ['b', 'turnFlagOn'],
    ]);
  });

  it('records a turn-off whose outcome is unknown, and reverts it by what the flag is at the end', async () => {
    addFlag('refused', true);
    addFlag('lost-answer', true);
    const actuator = launchDarklyActuator({
      baseUrl,
      apiToken: TOKEN,
      projectKey: PROJECT,
      environmentKey: 'production',
    });
    const policy = policyFor('stb_bbbbbbbbbbbbbbb5', ['refused', 'lost-answer']);
    conflictOn = 'refused';
    loseAnswerOf = 'lost-answer';
    const failure = (await actuator.apply(policy).catch((e: unknown) => e)) as ActuatorError;
    expect(failure.failures.map((f) => [f.key, f.message])).toEqual([
      ['refused', 'LaunchDarkly answered 409 (concurrent update)'],
      ['lost-answer', 'LaunchDarkly answered 502 (upstream connection reset)'],
    ]);
    expect(FlagSnapshot.parse(failure.snapshot).flags).toEqual({
      refused: { before: 'on', turnedOff: false },
      'lost-answer': { before: 'on', turnedOff: false },
    });
    expect(flags.get('refused')!.on.production).toBe(true);
    expect(flags.get('lost-answer')!.on.production).toBe(false);
    conflictOn = undefined;
    loseAnswerOf = undefined;

    // The stabilize ends before any retry: the flag whose turn-off took is turned back on; the other
    // was never changed, so it is not reported as a person's change.
    const report = await actuator.revert(failure.snapshot, policy);
    expect(report).toEqual({ reverted: ['lost-answer'], leftAlone: [], unchanged: ['refused'] });
    expect(flags.get('refused')!.on.production).toBe(true);
    expect(flags.get('lost-answer')!.on.production).toBe(true);
  });

  it('refuses clearly: wrong token, unknown flag, and a LaunchDarkly that does not answer in time', async () => {
    addFlag('guarded', true);
    const policy = policyFor('stb_bbbbbbbbbbbbbbb3', ['guarded']);
    const wrong = launchDarklyActuator({
      baseUrl,
      apiToken: 'api-wrong',
      projectKey: PROJECT,
      environmentKey: 'production',
    });
    await expect(wrong.apply(policy)).rejects.toThrow(
      /launchdarkly:production could not turn off 1 flag\(s\): "guarded": LaunchDarkly answered 401 \(Invalid access token\)/,
    );
    const good = launchDarklyActuator({ baseUrl, apiToken: TOKEN, projectKey: PROJECT, environmentKey: 'production' });
    await expect(good.apply(policyFor('stb_bbbbbbbbbbbbbbb4', ['no-such-flag']))).rejects.toThrow(
      /"no-such-flag": no longer in project "web" \(deleted; LaunchDarkly answered 404\)/,
    );
    const otherEnv = launchDarklyActuator({ baseUrl, apiToken: TOKEN, projectKey: PROJECT, environmentKey: 'staging' });
    await expect(otherEnv.apply(policy)).rejects.toThrow(/"guarded": has no environment "staging" in project "web"/);
    expect(flags.get('guarded')!.on.production).toBe(true);

    hang = true;
    const slow = launchDarklyActuator({
      baseUrl,
      apiToken: TOKEN,
      projectKey: PROJECT,
      environmentKey: 'production',
      timeoutMs: 200,
    });
    await expect(slow.apply(policy)).rejects.toThrow(/"guarded": LaunchDarkly did not answer within 200 ms/);
  });

  it('the stand-in refuses what LaunchDarkly would: a plain JSON content type and an unknown instruction', async () => {
    addFlag('x', true);
    const patch = (contentType: string, body: unknown) =>
      fetch(`${baseUrl}/api/v2/flags/${PROJECT}/x`, {
        method: 'PATCH',
        headers: { authorization: TOKEN, 'content-type': contentType },
        body: JSON.stringify(body),
      });
    const plain = await patch('application/json', {
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOff' }],
    });
    expect(plain.status).toBe(400);
    const unknown = await patch('application/json; domain-model=launchdarkly.semanticpatch', {
      environmentKey: 'production',
      instructions: [{ kind: 'toggleEverything' }],
    });
    expect(unknown.status).toBe(400);
    const noEnv = await patch('application/json; domain-model=launchdarkly.semanticpatch', {
      instructions: [{ kind: 'turnFlagOff' }],
    });
    expect(noEnv.status).toBe(400);
    expect(flags.get('x')!.on.production).toBe(true);
  });
});
