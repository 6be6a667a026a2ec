import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyCreated } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

describe('ballast keys, tenants and whoami on SQLite', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = envFor(server.url, server.adminKey);
  });
  afterAll(() => server?.close());

  it('whoami shows the tenant, key and permissions', async () => {
    const r = await runCli(['whoami'], admin);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^server\s+http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stdout).toMatch(/^tenant\s+default$/m);
    expect(r.stdout).toMatch(/^key\s+\S+ "bootstrap-admin" \(role admin, services \*\)$/m);
    expect(r.stdout).toMatch(/^permissions\s+events:read, events:write, .*admin$/m);
    const json = JSON.parse((await runCli(['whoami', '--json'], admin)).stdout);
    expect(json).toMatchObject({ tenant: 'default', key: { name: 'bootstrap-admin', role: 'admin' } });
  });

  it('creates a key whose secret works, lists it, and revokes it so it gets 401', async () => {
    const created = await runCli(
      [
        'keys',
        'create',
        '--name',
        'ci-deploy',
        '--role',
        'ci',
        '--service',
        'checkout',
        '--service',
        'payments-*',
        '--expires-in-days',
        '30',
      ],
      admin,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^Created key (\S+) "ci-deploy" \(role ci, services checkout, payments-\*\), expires \d{4}-\d\d-\d\dT/,
    );
    expect(created.stdout).toContain('Secret (shown once; only its hash is stored, so save it now):');
    const id = /^Created key (\S+)/.exec(created.stdout)![1]!;
    const secret = /^ {4}(\S+)$/m.exec(created.stdout)![1]!;

    const me = await runCli(['whoami', '--json'], envFor(server.url, secret));
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({
      tenant: 'default',
      key: { id, role: 'ci', services: ['checkout', 'payments-*'] },
    });

    const write = await runCli(
      ['events', 'add', '--kind', 'deploy', '--title', 'Deploy from CI', '--service', 'payments-eu'],
      envFor(server.url, secret),
    );
    expect(write.code).toBe(0);
    const outside = await runCli(
      ['events', 'add', '--kind', 'deploy', '--title', 'Deploy from CI', '--service', 'search'],
      envFor(server.url, secret),
    );
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('error: forbidden: key "ci-deploy" may not write events for service search');
    const notAdmin = await runCli(['keys', 'list'], envFor(server.url, secret));
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain('lacks the permission admin');

    const list = await runCli(['keys', 'list'], admin);
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith(id));
    expect(row?.split(/\s{2,}/).slice(1, 5)).toEqual(['ci-deploy', 'ci', 'standard', 'checkout,payments-*']);
    expect(row).toMatch(/expires \S+$/);

    const revoked = await runCli(['keys', 'revoke', id], admin);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked key ${id} "ci-deploy" .* at \\d{4}-`));
    const after = await runCli(['whoami'], envFor(server.url, secret));
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^error: unauthorized: this API key was revoked at /);
    expect((await runCli(['keys', 'list'], admin)).stdout.split('\n').find((l) => l.startsWith(id))).toMatch(
      /revoked \S+$/,
    );
  });

  it('prints the secret in --json output for scripts', async () => {
    const r = await runCli(
      ['keys', 'create', '--name', 'grafana', '--role', 'viewer', '--kind', 'grafana-proxy', '--json'],
      admin,
    );
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout) as KeyCreated;
    expect(created.key).toMatchObject({
      name: 'grafana',
      role: 'viewer',
      kind: 'grafana-proxy',
      services: ['*'],
      expiresAt: null,
    });
    expect((await runCli(['whoami'], envFor(server.url, created.secret))).code).toBe(0);
  });

  it('reports refused key fields with their paths', async () => {
    const r = await runCli(['keys', 'create', '--name', 'x', '--role', 'superuser', '--expires-in-days', '0'], admin);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: validation_failed: /);
    expect(r.stderr).toMatch(/\n {2}role: /);
    expect(r.stderr).toMatch(/\n {2}expiresInDays: /);
    const missing = await runCli(['keys', 'revoke', 'no-such-key'], admin);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: not_found: /);
  });

  it('creates a tenant and prints its first admin key, which works in that tenant only', async () => {
    const r = await runCli(['tenants', 'create', 'acme', '--name', 'Acme Corp'], admin);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created tenant acme "Acme Corp"\.$/m);
    expect(r.stdout).toMatch(/^Its first admin key: \S+ "first-admin" \(role admin, services \*\)\.$/m);
    const secret = /^ {4}(\S+)$/m.exec(r.stdout)![1]!;
    const me = await runCli(['whoami'], envFor(server.url, secret));
    expect(me.stdout).toMatch(/^tenant\s+acme$/m);

    const again = await runCli(['tenants', 'create', 'acme', '--name', 'Acme Corp'], admin);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: conflict: tenant acme already exists\n  id: already exists');
    const fromAcme = await runCli(
      ['tenants', 'create', 'other', '--name', 'Other', '--json'],
      envFor(server.url, secret),
    );
    expect(fromAcme.code).toBe(1);
    expect(fromAcme.stderr).toContain('error: forbidden: only admin keys of the "default" tenant may create tenants');
  });
});
