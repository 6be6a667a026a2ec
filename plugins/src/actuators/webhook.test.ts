/** The webhook actuator against a local HTTP receiver that checks the signature as an operator's would. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signature } from '../notify/webhook.js';
import { webhookActuator } from './webhook.js';
import type { ActuatorPolicy } from './actuator.js';

const SECRET = 'operator-shared-secret-0123456789';
const policy: ActuatorPolicy = {
  stabilizeId: 'stb_0123456789abcdef',
  service: 'checkout',
  environment: 'production',
  mode: 'enforce',
  queues: [{ name: 'emails', action: 'pause' }],
  flags: ['recommendations'],
  deployFreeze: true,
  expiresAt: '2026-11-22T12:00:00.000Z',
};

describe('webhook actuator', () => {
  let receiver: Server;
  let url: string;
  const got: { action: string; snapshot?: unknown; valid: boolean }[] = [];
  let fail = false;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        const ts = String(req.headers['x-ballast-timestamp']);
        const valid = req.headers['x-ballast-signature'] === signature(SECRET, ts, raw);
        const body = JSON.parse(raw) as { action: string; snapshot?: unknown };
        got.push({ action: body.action, snapshot: body.snapshot, valid });
        if (!valid || fail) return void res.writeHead(valid ? 500 : 401).end('no');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body.action === 'apply' ? JSON.stringify({ gatewayRule: 'r-42' }) : '');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ballast`;
  });
  afterAll(() => new Promise((r) => receiver.close(r)));

  it('applies with a signed body, keeps the answer as the snapshot, and hands it back to revert', async () => {
    const actuator = webhookActuator(url, SECRET);
    expect(actuator.name).toMatch(/^webhook:127\.0\.0\.1:\d+$/);
    const snapshot = await actuator.apply(policy);
    expect(snapshot).toEqual({ gatewayRule: 'r-42' });
    const report = await actuator.revert(snapshot, policy);
    expect(report.reverted).toEqual([actuator.name]);
    expect(got.map((g) => [g.action, g.valid])).toEqual([
      ['apply', true],
      ['revert', true],
    ]);
    expect(got[1]!.snapshot).toEqual({ gatewayRule: 'r-42' });
  });

  it('fails the step when the receiver refuses, and when the signature is wrong', async () => {
    fail = true;
    await expect(webhookActuator(url, SECRET).apply(policy)).rejects.toThrow(/answered 500/);
    fail = false;
    await expect(webhookActuator(url, 'another-secret-0123456789').apply(policy)).rejects.toThrow(/answered 401/);
  });
});
