import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ballast-config-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('runs on SQLite under ./data with no configuration at all', () => {
    const c = loadConfig({}, dir());
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4680, dataDir: './data', logLevel: 'info' });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads ballast.config.yaml and lets the environment override it', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'ballast.config.yaml'),
      'port: 5000\nlogLevel: debug\ndatabaseUrl: postgres://db/ballast\n',
    );
    const c = loadConfig({ BALLAST_PORT: '6000' }, cwd);
    expect(c.port).toBe(6000);
    expect(c.logLevel).toBe('debug');
    expect(c.databaseUrl).toBe('postgres://db/ballast');
  });

  it('reads the file named by BALLAST_CONFIG and fails clearly when it is missing', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'other.yaml'), 'host: 0.0.0.0\n');
    expect(loadConfig({ BALLAST_CONFIG: 'other.yaml' }, cwd).host).toBe('0.0.0.0');
    expect(() => loadConfig({ BALLAST_CONFIG: 'missing.yaml' }, cwd)).toThrow(/file not found/);
  });

  it('stops with one line naming the setting and its variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ BALLAST_PORT: 'eighty' }, /^config port \(BALLAST_PORT\): /],
      [{ BALLAST_DATABASE_URL: 'mysql://x' }, /^config databaseUrl \(BALLAST_DATABASE_URL\): must be a postgres/],
      [
        { BALLAST_BOOTSTRAP_ADMIN_KEY: 'short' },
        /^config bootstrapAdminKey \(BALLAST_BOOTSTRAP_ADMIN_KEY\): must be at least 24/,
      ],
      [{ BALLAST_LOG_LEVEL: 'loud' }, /^config logLevel \(BALLAST_LOG_LEVEL\)/],
    ];
    for (const [env, message] of cases) {
      let err: unknown;
      try {
        loadConfig(env, dir());
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('reads actuators with their tenant and environments, and names the entry and field at fault', () => {
    const cwd = dir();
    const write = (yaml: string) => writeFileSync(join(cwd, 'ballast.config.yaml'), yaml);
    write(
      [
        'actuators:',
        '  - { type: unleash, url: "http://unleash:4242", apiToken: "*:production.abc", environment: production }',
        '  - { type: webhook, url: "https://hooks.example.com/b", secret: a-secret-of-16-chars, tenant: acme, environments: [staging] }',
      ].join('\n'),
    );
    const c = loadConfig({}, cwd);
    expect(c.actuators.map((a) => [a.name, a.tenant, a.environments])).toEqual([
      ['unleash:production', 'default', undefined],
      ['webhook:hooks.example.com', 'acme', ['staging']],
    ]);
    expect(c.actuators[0]!.config).toMatchObject({ type: 'unleash', project: 'default' });
    write(
      'actuators:\n  - { type: webhook, url: "https://a/x", secret: a-secret-of-16-chars }\n  - { type: unleash, url: nope, apiToken: t, environment: p }\n',
    );
    expect(() => loadConfig({}, cwd)).toThrow(
      /^config actuators \(actuators in ballast.config.yaml\) at actuators\.1\.url: must be an http/,
    );
    write(
      'actuators:\n  - { type: webhook, url: "https://a/x", secret: a-secret-of-16-chars }\n  - { type: webhook, url: "https://a/y", secret: a-secret-of-16-chars }\n',
    );
    expect(() => loadConfig({}, cwd)).toThrow(
      /at actuators\.1\.name: two actuators of tenant default are named webhook:a/,
    );
    write('actuators:\n  - { type: flagsmith, url: "https://a/x" }\n');
    expect(() => loadConfig({}, cwd)).toThrow(/at actuators\.0\.type/);
  });

  it('refuses unknown keys and bad YAML in the file', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'ballast.config.yaml'), 'prot: 5000\n');
    expect(() => loadConfig({}, cwd)).toThrow(/config/);
    writeFileSync(join(cwd, 'ballast.config.yaml'), 'port: [\n');
    expect(() => loadConfig({}, cwd)).toThrow(/not valid YAML/);
  });
});
