import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

/** A GitHub ping signed as GitHub signs it: what proves the printed URL and secret work together. */
async function deliverPing(url: string, secret: string): Promise<Response> {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex'),
    },
    body,
  });
}

const secretAfter = (stdout: string, heading: RegExp): string => {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => heading.test(l));
  return lines[at + 1]!.trim();
};

describe('ballast hooks on SQLite', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = envFor(server.url, server.adminKey);
  });
  afterAll(() => server?.close());

  it('creates, lists, rotates and deletes a hook; the printed URL and secrets are the ones deliveries need', async () => {
    const created = await runCli(['hooks', 'create', '--source', 'github', '--name', 'acme/checkout'], admin);
    expect(created.code).toBe(0);
    const id = /^Created github webhook (hk_\S+) "acme\/checkout"\.$/m.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    const url = secretAfter(created.stdout, /^ {2}URL \(paste it into the sender/);
    expect(url).toBe(`${server.url}/v1/hooks/github/${id}`);
    const first = secretAfter(created.stdout, /^ {2}Secret \(shown once; Ballast will not show it again/);
    expect(first.length).toBeGreaterThanOrEqual(16);
    expect((await deliverPing(url, first)).status).toBe(200);
    expect((await deliverPing(url, 'not-the-secret-at-all')).status).toBe(401);

    const rotated = await runCli(['hooks', 'rotate', id!, '--keep-previous', '1'], admin);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Rotated the secret of github webhook ${id} "acme/checkout".`);
    const second = secretAfter(rotated.stdout, /^ {2}Secret \(shown once/);
    expect(second).not.toBe(first);
    expect(rotated.stdout).toMatch(new RegExp(`^1 previous secret remains valid \\(${first.slice(0, 6)}…\\)`, 'm'));
    expect((await deliverPing(url, second)).status).toBe(200);
    expect((await deliverPing(url, first)).status).toBe(200);

    const list = await runCli(['hooks', 'list'], admin, { now: new Date(Date.now() + 90_000) });
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['ID', 'SOURCE', 'NAME', 'URL', 'SECRETS']);
    const row = rows.find((l) => l.startsWith(id!))!.split(/\s{2,}/);
    expect(row.slice(0, 4)).toEqual([id, 'github', 'acme/checkout', url]);
    // Newest first, each by prefix and age (the clock above is 90 s ahead of both).
    expect(row[4]).toMatch(new RegExp(`^${second.slice(0, 6)}… 1m 3\\ds, ${first.slice(0, 6)}… 1m 3\\ds$`));
    const json = JSON.parse((await runCli(['hooks', 'list', '--json'], admin)).stdout);
    expect(json.hooks).toContainEqual(
      expect.objectContaining({ id, url, secrets: [expect.objectContaining({}), expect.objectContaining({})] }),
    );

    const dropped = await runCli(['hooks', 'rotate', id!, '--keep-previous', '0', '--json'], admin);
    expect(dropped.code).toBe(0);
    const third = JSON.parse(dropped.stdout) as { secret: string; url: string; hook: { secrets: unknown[] } };
    expect(third.url).toBe(url);
    expect(third.hook.secrets).toHaveLength(1);
    expect((await deliverPing(url, second)).status).toBe(401);
    expect((await deliverPing(url, third.secret)).status).toBe(200);

    const deleted = await runCli(['hooks', 'delete', id!], admin);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(
      `Deleted github webhook ${id} "acme/checkout"; deliveries to /v1/hooks/github/${id} are refused from now on.\n`,
    );
    expect((await deliverPing(url, third.secret)).status).toBe(404);
    expect((await runCli(['hooks', 'list'], admin)).stdout).not.toContain(id);
    const again = await runCli(['hooks', 'delete', id!], admin);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: not_found: no webhook hk_\S+ in this tenant/);
  });

  it('sends options, an unsigned flag and a chosen secret, and prints them back as JSON', async () => {
    const secret = 'a-secret-chosen-by-the-sender-123';
    const r = await runCli(
      [
        'hooks',
        'create',
        '--source',
        'grafana',
        '--name',
        'grafana alerts',
        '--allow-unsigned',
        '--option',
        'header=X-Grafana-Signature',
        '--option',
        'strict=true',
        '--option',
        'limit=5',
        '--secret',
        secret,
        '--json',
      ],
      admin,
    );
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout);
    expect(created).toMatchObject({
      secret,
      url: `${server.url}${created.hook.path}`,
      hook: {
        source: 'grafana',
        name: 'grafana alerts',
        allowUnsigned: true,
        options: { header: 'X-Grafana-Signature', strict: true, limit: 5 },
        secrets: [{ prefix: secret.slice(0, 6) }],
      },
    });
  });

  it('exits 1 with the server message for a non-admin key or a bad value, 2 for a bad command line', async () => {
    const ci = await server.admin.call('createKey', { body: { name: 'ci', role: 'ci' } });
    const refused = await runCli(['hooks', 'list'], envFor(server.url, ci.secret));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: forbidden: .*lacks the permission admin/);

    const badSource = await runCli(['hooks', 'create', '--source', 'jenkins', '--name', 'x'], admin);
    expect(badSource.code).toBe(1);
    expect(badSource.stderr).toMatch(/^error: validation_failed: /);
    expect(badSource.stderr).toMatch(/\n {2}source: /);

    const badKeep = await runCli(['hooks', 'rotate', 'hk_whatever', '--keep-previous', '9'], admin);
    expect(badKeep.code).toBe(1);
    expect(badKeep.stderr).toMatch(/\n {2}keepPrevious: /);

    const noName = await runCli(['hooks', 'create', '--source', 'github'], admin);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("error: required option '--name <name>' not specified");
    const badOption = await runCli(
      ['hooks', 'create', '--source', 'github', '--name', 'x', '--option', 'novalue'],
      admin,
    );
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('error: --option takes name=value, got "novalue"');
  });
});
