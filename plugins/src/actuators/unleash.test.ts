/**
 * The Unleash actuator against a real Unleash: `unleash-server` from the npm registry, started by
 * `tools/unleash/start.mjs` in a child process on the local PostgreSQL, in a database of its own that is
 * created for this run and dropped after it. Flags are created and changed "by hand" through Unleash's
 * admin API, as a person in Unleash's UI would.
 *
 * Needs `npm ci --prefix tools/unleash` once (kept out of the yarn workspace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActuatorError, type ActuatorPolicy } from './actuator.js';
import { FlagSnapshot } from './flagActuator.js';
import { createActuator } from './config.js';
import { unleashActuator } from './unleash.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const TOOL = join(ROOT, 'tools/unleash');
const ADMIN_TOKEN = '*:*.ballast-actuator-test-0123456789abcdef';
const ENV = 'production';

const policyFor = (stabilizeId: string, flags: string[]): ActuatorPolicy => ({
  stabilizeId,
  service: 'checkout',
  environment: 'production',
  mode: 'enforce',
  queues: [],
  flags,
  deployFreeze: true,
  expiresAt: '2026-11-22T23:00:00.000Z',
});

let unleash: ChildProcess | undefined;
let url = '';

/** Starts the Unleash of tools/unleash and waits for its ready line. */
function startUnleash(): Promise<string> {
  if (!existsSync(join(TOOL, 'node_modules/unleash-server'))) {
    throw new Error(
      'tools/unleash/node_modules is missing: run `npm ci --prefix tools/unleash` once, then run the tests again',
    );
  }
  const child = spawn(process.execPath, [join(TOOL, 'start.mjs')], {
    cwd: TOOL,
    env: {
      ...process.env,
      UNLEASH_DATABASE: `ballast_unleash_test_${process.pid}`,
      UNLEASH_DROP_DATABASE_ON_EXIT: '1',
      UNLEASH_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  unleash = child;
  let out = '';
  let err = '';
  return new Promise((resolveUrl, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^BALLAST_UNLEASH_READY (.+)$/m.exec(out);
      if (line) resolveUrl((JSON.parse(line[1]!) as { url: string }).url);
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('exit', (code) => reject(new Error(`Unleash exited (${code}) before it was ready:\n${err}${out}`)));
    child.on('error', reject);
  });
}

/** What a person does in Unleash's UI, through the same admin API. */
async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/api/admin${path}`, {
    method,
    headers: { authorization: ADMIN_TOKEN, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}
const createFlag = async (name: string, on: boolean) => {
  await admin('POST', '/projects/default/features', { name, type: 'release' });
  if (on) await admin('POST', `/projects/default/features/${name}/environments/${ENV}/on`);
};
const setByHand = (name: string, on: boolean) =>
  admin('POST', `/projects/default/features/${name}/environments/${ENV}/${on ? 'on' : 'off'}`);
const archive = (name: string) => admin('DELETE', `/projects/default/features/${name}`);
async function isOn(name: string): Promise<boolean> {
  const flag = (await admin('GET', `/projects/default/features/${name}`)) as {
    environments: { name: string; enabled: boolean }[];
  };
  return flag.environments.find((e) => e.name === ENV)!.enabled;
}

describe('Unleash actuator against a real Unleash', () => {
  beforeAll(async () => {
    url = await startUnleash();
  }, 120_000);

  afterAll(async () => {
    const child = unleash;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }, 60_000);

  it('turns the flags off, keeps their prior state, and on revert restores only what is still as Ballast left it', async () => {
    await createFlag('recommendations', true);
    await createFlag('search-v2', true);
    await createFlag('legacy-banner', false);
    await createFlag('homepage-video', true);
    await createFlag('beta-nav', true);
    await createFlag('unrelated', true);
    const actuator = createActuator({ type: 'unleash', url, apiToken: ADMIN_TOKEN, environment: ENV });
    expect(actuator.name).toBe('unleash:production');
    const flags = ['recommendations', 'search-v2', 'legacy-banner', 'homepage-video', 'beta-nav'];
    const policy = policyFor('stb_aaaaaaaaaaaaaaa1', flags);

    const snapshot = await actuator.apply(policy);
    expect(FlagSnapshot.parse(snapshot)).toEqual({
      actuator: 'unleash:production',
      stabilizeId: 'stb_aaaaaaaaaaaaaaa1',
      flags: {
        recommendations: { before: 'on', turnedOff: true },
        'search-v2': { before: 'on', turnedOff: true },
        'legacy-banner': { before: 'off', turnedOff: false },
        'homepage-video': { before: 'on', turnedOff: true },
        'beta-nav': { before: 'on', turnedOff: true },
      },
    });
    for (const f of flags) expect(await isOn(f)).toBe(false);
    expect(await isOn('unrelated')).toBe(true);

    // Applying again for the same stabilize (a retry) keeps the first notion of "before".
    expect(await actuator.apply(policy, undefined, snapshot)).toEqual(snapshot);

    // During the incident a person turns one flag back on and archives another.
    await setByHand('homepage-video', true);
    await archive('beta-nav');

    const report = await actuator.revert(JSON.parse(JSON.stringify(snapshot)), policy);
    expect(report.reverted).toEqual(['recommendations', 'search-v2']);
    expect(report.unchanged).toEqual(['legacy-banner']);
    expect(report.leftAlone).toEqual([
      { key: 'homepage-video', reason: 'turned back on by someone during the stabilize' },
      { key: 'beta-nav', reason: expect.stringMatching(/deleted or archived.*404/) },
    ]);
    expect(await isOn('recommendations')).toBe(true);
    expect(await isOn('search-v2')).toBe(true);
    expect(await isOn('legacy-banner')).toBe(false);
    expect(await isOn('homepage-video')).toBe(true);
    expect(await isOn('unrelated')).toBe(true);
  });

  it('fails part way with the flag and the status named, and a retry with the partial snapshot keeps what was on', async () => {
    await createFlag('retry-a', true);
    await createFlag('retry-b', true);
    const actuator = unleashActuator({ url, apiToken: ADMIN_TOKEN, environment: ENV });
    const policy = policyFor('stb_aaaaaaaaaaaaaaa2', ['retry-a', 'not-created-yet', 'retry-b']);

    const failure = await actuator.apply(policy).then(
      () => expect.fail('apply should fail on a flag Unleash does not have'),
      (err: unknown) => err as ActuatorError,
    );
    expect(failure).toBeInstanceOf(ActuatorError);
    expect(failure.message).toMatch(/unleash:production could not turn off 1 flag\(s\): "not-created-yet": .*404/);
    expect(failure.failures.map((f) => f.key)).toEqual(['not-created-yet']);
    // The others were turned off anyway, and the error's snapshot says they were on.
    expect(await isOn('retry-a')).toBe(false);
    expect(await isOn('retry-b')).toBe(false);
    expect(FlagSnapshot.parse(failure.snapshot).flags).toEqual({
      'retry-a': { before: 'on', turnedOff: true },
      'retry-b': { before: 'on', turnedOff: true },
    });

    // Someone creates the missing flag (on); the retry gets the partial snapshot as `previous`.
    await createFlag('not-created-yet', true);
    const snapshot = await actuator.apply(policy, undefined, failure.snapshot);
    expect(FlagSnapshot.parse(snapshot).flags).toEqual({
      'retry-a': { before: 'on', turnedOff: true },
      'retry-b': { before: 'on', turnedOff: true },
      'not-created-yet': { before: 'on', turnedOff: true },
    });
    const report = await actuator.revert(snapshot, policy);
    expect(report.reverted).toEqual(['retry-a', 'retry-b', 'not-created-yet']);
    for (const f of ['retry-a', 'retry-b', 'not-created-yet']) expect(await isOn(f)).toBe(true);
  });

  it('refuses with a clear error when the token is wrong, changing nothing', async () => {
    await createFlag('guarded', true);
    const actuator = unleashActuator({ url, apiToken: '*:*.not-a-token', environment: ENV });
    const policy = policyFor('stb_aaaaaaaaaaaaaaa3', ['guarded']);
    await expect(actuator.apply(policy)).rejects.toThrow(
      /unleash:production could not turn off 1 flag\(s\): "guarded": Unleash answered 401/,
    );
    expect(await isOn('guarded')).toBe(true);

    // A revert that fails the same way keeps the snapshot as it was, for the retry with a good token.
    const good = unleashActuator({ url, apiToken: ADMIN_TOKEN, environment: ENV });
    const snapshot = await good.apply(policy);
    const failure = (await actuator.revert(snapshot, policy).catch((e: unknown) => e)) as ActuatorError;
    expect(failure.message).toMatch(/could not turn back on 1 flag\(s\): "guarded": Unleash answered 401/);
    expect(failure.snapshot).toEqual(snapshot);
    expect((await good.revert(failure.snapshot, policy)).reverted).toEqual(['guarded']);
    expect(await isOn('guarded')).toBe(true);
  });

  it('names a missing environment, and stops at once when the signal is already aborted', async () => {
    await createFlag('env-check', true);
    const staging = unleashActuator({ url, apiToken: ADMIN_TOKEN, environment: 'staging' });
    await expect(staging.apply(policyFor('stb_aaaaaaaaaaaaaaa4', ['env-check']))).rejects.toThrow(
      /unleash:staging could not turn off 1 flag\(s\): "env-check": has no environment "staging"/,
    );
    const actuator = unleashActuator({ url, apiToken: ADMIN_TOKEN, environment: ENV });
    const aborted = AbortSignal.abort(new Error('server shutting down'));
    await expect(actuator.apply(policyFor('stb_aaaaaaaaaaaaaaa5', ['env-check']), aborted)).rejects.toThrow(
      /"env-check": not attempted: the step was aborted/,
    );
    expect(await isOn('env-check')).toBe(true);
  });
});
