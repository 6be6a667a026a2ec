/** `ballast gate` and `ballast stabilize` against a real server on SQLite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

/** A port nothing listens on: taken, then released. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('ballast gate and stabilize', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  let operator: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      stabilize: { defaults: {}, environments: { production: { requireApproval: true } } },
    });
    admin = envFor(server.url, server.adminKey);
    const op = await server.admin.call('createKey', { body: { name: 'oncall', role: 'operator' } });
    operator = envFor(server.url, op.secret);
  });
  afterAll(() => server?.close());

  const gate = (env: Record<string, string>, ...more: string[]) =>
    runCli(['gate', '--service', 'checkout', '--environment', 'production', ...more], env);

  it('exits 0 when allowed, 3 with the reasons when stabilized, and 0 again after exit', async () => {
    const open = await gate(operator);
    expect(open).toMatchObject({ code: 0 });
    expect(open.stdout).toContain('allowed: checkout may be deployed to production');

    const asked = await runCli(
      [
        'stabilize',
        'request',
        '--service',
        'checkout',
        '--environment',
        'production',
        '--reason',
        'error spike',
        '--ttl',
        '45',
      ],
      operator,
    );
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(/stb_[a-z0-9]{16} {2}checkout in production: requested/);
    const id = /stb_[a-z0-9]{16}/.exec(asked.stdout)![0];

    const self = await runCli(['stabilize', 'approve', id], operator);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('forbidden'); // an operator cannot approve at all
    const approved = await runCli(['stabilize', 'approve', id, '--comment', 'agreed'], admin);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/active until .* \((44|45) min left\)/);

    const denied = await gate(operator);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('denied: checkout may not be deployed to production');
    expect(denied.stderr).toContain(`stabilized: checkout is stabilized in production`);

    const status = await runCli(['stabilize', 'status', '--service', 'checkout'], operator);
    expect(status.stdout).toContain(`${id}  checkout in production: active`);
    const json = await gate(operator, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ allowed: false, stabilizeId: id });

    const exited = await runCli(
      ['stabilize', 'exit', '--service', 'checkout', '--environment', 'production', '--reason', 'recovered'],
      operator,
    );
    expect(exited.stdout).toContain('ended at');
    expect((await gate(operator)).code).toBe(0);
    expect((await runCli(['stabilize', 'status'], operator)).stdout).toContain('nothing is stabilized');
  });

  it('exits 4 when Ballast cannot be reached, or 0 / 3 as --on-unreachable says', async () => {
    const nowhere = envFor(`http://127.0.0.1:${await deadPort()}`, 'blst_whatever');
    const down = await gate(nowhere);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('cannot be reached');
    expect((await gate(nowhere, '--on-unreachable', 'allow')).code).toBe(0);
    expect((await gate(nowhere, '--on-unreachable', 'deny')).code).toBe(3);
    expect((await gate(nowhere, '--on-unreachable', 'maybe')).code).toBe(2);
  });

  it('reports a refusal with its code and field', async () => {
    const bad = await runCli(
      ['stabilize', 'request', '--service', 'checkout', '--environment', 'staging', '--reason', 'x'],
      operator,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('validation_failed');
    expect(bad.stderr).toContain('reason');
  });
});

describe('ballast stabilize with an actuator', () => {
  let server: TestServer;
  let receiver: HttpServer;
  let failApply = true;
  let env: Record<string, string>;
  beforeAll(async () => {
    // A signed-webhook actuator's receiver that fails to apply until told otherwise.
    receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(failApply ? 503 : 200).end(failApply ? 'down for maintenance' : '{}'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/act`;
    server = await startTestServer('sqlite', {
      stabilize: { defaults: {}, environments: {} },
      actuators: [{ type: 'webhook', url, secret: 'a-secret-of-sixteen-chars', name: 'gateway', tenant: 'default' }],
      actuatorRetry: { maxAttempts: 1, firstDelayMs: 100 },
    });
    env = envFor(server.url, server.adminKey);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const status = async () => (await runCli(['stabilize', 'status', '--service', 'checkout'], env)).stdout;
  async function until(text: string) {
    const start = Date.now();
    let out = '';
    while (!(out = await status()).includes(text)) {
      if (Date.now() - start > 15_000) throw new Error(`no "${text}" in:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  }

  it('shows each actuator, the failure and how to retry; retry delivers it', async () => {
    const asked = await runCli(
      ['stabilize', 'request', '--service', 'checkout', '--environment', 'production', '--reason', 'errors'],
      env,
    );
    expect(asked.code).toBe(0);
    const id = /stb_[a-z0-9]{16}/.exec(asked.stdout)![0];
    const failed = await until('retry with:');
    expect(failed).toContain('delivery: partially_active');
    expect(failed).toMatch(/gateway: wants applied, is none, failed \(last error: .*503/);
    expect(failed).toContain(`retry with: ballast stabilize retry ${id}`);

    failApply = false;
    const retried = await runCli(['stabilize', 'retry', id, '--actuator', 'gateway'], env);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('gateway: wants applied, is none, pending');
    expect(await until('delivery: active')).toContain('gateway: wants applied, is applied, done');

    const again = await runCli(['stabilize', 'retry', id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing_to_retry');
  });
});
