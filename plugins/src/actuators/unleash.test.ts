/**
 * The Unleash actuator against a real Unleash: `unleash-server` from the npm registry, started by
 * `tools/unleash/start.mjs` in a child process on the local PostgreSQL, in a database of its own that is
 * created for this run and dropped after it. Flags are created and changed "by hand" through Unleash's
 * admin API, as a person in Unleash's UI would.
 *
 * Needs `npm ci --prefix tools/unleash` once (kept out of the yarn workspace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnleash, type RunningUnleash } from '../../../tools/unleash/harness.js';
import { ActuatorError, type ActuatorPolicy } from './actuator.js';
import { FlagSnapshot } from './flagActuator.js';
import { createActuator } from './config.js';
import { unleashActuator } from './unleash.js';

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

let unleash: RunningUnleash;
let url = '';
const admin = (method: string, path: string, body?: unknown) => unleash.admin(method, path, body);
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
    unleash = await startUnleash(`ballast_unleash_test_${process.pid}`, ADMIN_TOKEN);
    url = unleash.url;
  }, 120_000);

  afterAll(() => unleash?.stop(), 60_000);

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
