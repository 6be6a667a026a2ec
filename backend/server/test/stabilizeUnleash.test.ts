/**
 * Stabilize mode reaching a real Unleash through the server: a Ballast server on SQLite with an
 * `unleash` actuator in its configuration, and `unleash-server` from the npm registry on the local
 * PostgreSQL (tools/unleash). Entering turns the profile's flags off in Unleash; a flag a person turns
 * back on during the incident is left alone and reported when the stabilize ends; the rest come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stabilize } from '@ballast/contract';
import { startUnleash, type RunningUnleash } from '../../../tools/unleash/harness.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, testConfig, type TestStore } from './harness.js';

const ADMIN_TOKEN = '*:*.ballast-server-e2e-0123456789abcdef';

describe('stabilize delivered to a real Unleash', () => {
  let unleash: RunningUnleash;
  let store: TestStore;
  let server: RunningServer;
  let adminKey: string;

  beforeAll(async () => {
    unleash = await startUnleash(`ballast_unleash_e2e_${process.pid}`, ADMIN_TOKEN);
    store = await createTestStore('sqlite');
    const config = testConfig(store, {
      stabilizeSweepIntervalMs: 200,
      stabilize: { defaults: {}, environments: {} },
      actuators: [{ type: 'unleash', url: unleash.url, apiToken: ADMIN_TOKEN, environment: 'production' }],
      actuatorRetry: { maxAttempts: 2, firstDelayMs: 200 },
    });
    adminKey = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
    await unleash?.stop();
  }, 60_000);

  async function call(path: string, method = 'GET', body?: unknown) {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  async function until(id: string, pred: (s: Stabilize) => boolean, what: string): Promise<Stabilize> {
    const start = Date.now();
    for (;;) {
      const s = (await call(`/v1/stabilize/requests/${id}`)).json as unknown as Stabilize;
      if (pred(s)) return s;
      if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.delivery)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const isOn = async (name: string) => {
    const flag = (await unleash.admin('GET', `/projects/default/features/${name}`)) as {
      environments: { name: string; enabled: boolean }[];
    };
    return flag.environments.find((e) => e.name === 'production')!.enabled;
  };

  it('turns the flags off on entering and back on when it ends, leaving alone what a person changed', async () => {
    for (const name of ['recommendations', 'live-inventory', 'promo-banner', 'unrelated', 'already-off']) {
      await unleash.admin('POST', '/projects/default/features', { name, type: 'release' });
      if (name !== 'already-off')
        await unleash.admin('POST', `/projects/default/features/${name}/environments/production/on`);
    }
    const profile = { flags: ['recommendations', 'live-inventory', 'promo-banner', 'already-off'] };
    expect((await call('/v1/stabilize/profiles/checkout', 'PUT', profile)).status).toBe(200);

    const entered = await call('/v1/stabilize/requests', 'POST', {
      service: 'checkout',
      environment: 'production',
      reason: 'checkout errors after the 4.2 deploy',
    });
    expect(entered.status).toBe(201);
    const id = entered.json.id as string;
    const active = await until(id, (s) => s.delivery?.status === 'active', 'flags off in Unleash');
    expect(active.delivery!.actuations).toMatchObject([
      { actuator: 'unleash:production', actual: 'applied', status: 'done' },
    ]);
    for (const f of profile.flags) expect(await isOn(f)).toBe(false);
    expect(await isOn('unrelated')).toBe(true);

    // During the incident a person turns one of them back on in Unleash.
    await unleash.admin('POST', '/projects/default/features/promo-banner/environments/production/on');

    const exit = await call('/v1/stabilize/checkout/production/exit', 'POST', { reason: 'error rate back to normal' });
    expect(exit.status).toBe(200);
    const ended = await until(id, (s) => s.state === 'ended', 'ended');
    expect(ended.delivery!.actuations[0]).toMatchObject({
      actual: 'reverted',
      reverted: expect.arrayContaining(['recommendations', 'live-inventory']),
      leftAlone: [{ key: 'promo-banner', reason: expect.stringMatching(/.+/) }],
      unchanged: ['already-off'],
    });
    for (const f of ['recommendations', 'live-inventory', 'promo-banner']) expect(await isOn(f)).toBe(true);
    expect(await isOn('already-off')).toBe(false); // it was off before: the revert leaves it off

    const events = (await call(`/v1/events?source=stabilize&service=checkout`)).json.events as {
      status: string;
      title: string;
    }[];
    const last = events[0]!;
    expect(last.status).toBe('ended');
    expect(last.title).toMatch(
      /ended: actuators reverted; 1 left alone because a person changed them meanwhile: promo-banner/,
    );
    expect(events.map((e) => e.status).reverse()).toEqual(['active', 'delivered', 'exiting', 'ended']);
  });
});
