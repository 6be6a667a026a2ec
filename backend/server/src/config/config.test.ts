import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'ballast-config-'));

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

  it('refuses unknown keys and bad YAML in the file', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'ballast.config.yaml'), 'prot: 5000\n');
    expect(() => loadConfig({}, cwd)).toThrow(/config/);
    writeFileSync(join(cwd, 'ballast.config.yaml'), 'port: [\n');
    expect(() => loadConfig({}, cwd)).toThrow(/not valid YAML/);
  });
});
