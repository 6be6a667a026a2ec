/** Actuator configuration: defaults, refusals with the path of the bad field, names, and the factory. */
import { describe, expect, it } from 'vitest';
import { ActuatorConfig, ActuatorConfigList, actuatorName, createActuator, createActuators } from './config.js';

describe('ActuatorConfig', () => {
  it('fills the documented defaults', () => {
    expect(
      ActuatorConfig.parse({
        type: 'unleash',
        url: 'https://unleash.example.com',
        apiToken: 't',
        environment: 'production',
      }),
    ).toEqual({
      type: 'unleash',
      url: 'https://unleash.example.com',
      apiToken: 't',
      environment: 'production',
      project: 'default',
    });
    expect(
      ActuatorConfig.parse({ type: 'launchdarkly', apiToken: 't', projectKey: 'web', environmentKey: 'production' }),
    ).toEqual({
      type: 'launchdarkly',
      baseUrl: 'https://app.launchdarkly.com',
      apiToken: 't',
      projectKey: 'web',
      environmentKey: 'production',
    });
  });

  it.each([
    [{ type: 'unleash', url: 'https://u.example.com', apiToken: 't' }, ['environment']],
    [{ type: 'unleash', url: 'ftp://u.example.com', apiToken: 't', environment: 'p' }, ['url']],
    [{ type: 'webhook', url: 'https://hooks.example.com/x', secret: 'short' }, ['secret']],
    [{ type: 'webhook', url: 'https://hooks.example.com/x', secret: '0123456789abcdef', timeoutMs: 5 }, ['timeoutMs']],
    [{ type: 'launchdarkly', apiToken: 't', projectKey: 'web', environmentKey: 'p', extra: 1 }, []],
    [{ type: 'flagsmith', url: 'https://f.example.com' }, ['type']],
  ])('refuses %j at %j', (input, path) => {
    const r = ActuatorConfig.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
  });

  it('names actuators by kind and environment unless named, and refuses two of the same name', () => {
    const list = [
      { type: 'webhook' as const, url: 'https://hooks.example.com:8443/ballast', secret: '0123456789abcdef' },
      { type: 'unleash' as const, url: 'https://u.example.com', apiToken: 't', environment: 'production' },
      { type: 'launchdarkly' as const, apiToken: 't', projectKey: 'web', environmentKey: 'production' },
    ];
    expect(list.map(actuatorName)).toEqual([
      'webhook:hooks.example.com:8443',
      'unleash:production',
      'launchdarkly:production',
    ]);
    expect(createActuators(list).map((a) => a.name)).toEqual(list.map(actuatorName));
    expect(createActuator({ ...list[1]!, name: 'unleash:eu-production' }).name).toBe('unleash:eu-production');

    const twice = ActuatorConfigList.safeParse([list[1], { ...list[1], url: 'https://other.example.com' }]);
    expect(twice.success).toBe(false);
    expect(twice.error!.issues[0]!.path).toEqual([1, 'name']);
    expect(twice.error!.issues[0]!.message).toMatch(/"unleash:production" is also the name of entry 0/);
  });
});
