import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

const promtool = promisify(execFile);

describe('ballast slo on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'ballast-cli-slo-'));
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  const ratio = (name: string) => ({
    service: 'checkout',
    name,
    objective: 0.999,
    period: { kind: 'rolling', window: '28d' },
    sli: { kind: 'ratio', bad: 'http_requests_total{code=~"5.."}', total: 'http_requests_total' },
    runbookUrl: 'https://runbooks.example.com/checkout',
  });

  it('applies specs from a file, lists them, and applies again without changes', async () => {
    const file = join(dir, 'slos.json');
    writeFileSync(
      file,
      JSON.stringify({ slos: [ratio('availability'), { ...ratio('errors'), id: 'checkout-errors' }] }),
    );
    const applied = await runCli(['slo', 'apply', '--file', file], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('created checkout-availability\ncreated checkout-errors\n');
    const again = await runCli(['slo', 'apply', '--file', file], env);
    expect(again.stdout).toBe('unchanged checkout-availability\nunchanged checkout-errors\n');
    writeFileSync(file, JSON.stringify([{ ...ratio('errors'), id: 'checkout-errors', objective: 0.995 }]));
    expect((await runCli(['slo', 'apply', '--file', file], env)).stdout).toBe('updated checkout-errors\n');
    const list = await runCli(['slo', 'list'], env);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['ID', 'SERVICE', 'OBJECTIVE', 'PERIOD', 'SLI', 'MANAGED BY']);
    expect(rows.map((r) => r.split(/\s{2,}/))).toContainEqual([
      'checkout-availability',
      'checkout',
      '99.900%',
      '28d',
      'ratio',
      'api',
    ]);
  });

  it('writes rule files promtool accepts, for one SLO (YAML) and for all (JSON)', async () => {
    const one = join(dir, 'one.rules.yml');
    expect((await runCli(['slo', 'rules', 'checkout-availability', '--output', one], env)).code).toBe(0);
    expect(readFileSync(one, 'utf8')).toContain('burnrate_tier: page_fast');
    const all = join(dir, 'all.rules.yml');
    expect((await runCli(['slo', 'rules', '--output', all], env)).code).toBe(0);
    expect(JSON.parse(readFileSync(all, 'utf8')).groups.map((g: { name: string }) => g.name)).toEqual([
      'ballast-slo-checkout-availability',
      'ballast-slo-checkout-errors',
    ]);
    const { stdout } = await promtool('promtool', ['check', 'rules', one, all]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('shows the status with its working, and refuses a bad file before sending anything', async () => {
    await runCli(['slo', 'apply', '--file', '-'], env, {
      stdin: JSON.stringify({ ...ratio('pushed'), sli: { kind: 'pushed' }, id: 'checkout-pushed' }),
    });
    const at = Date.parse('2026-11-20T12:00:00Z');
    const points = Array.from({ length: 60 }, (_, i) => ({
      timestamp: new Date(at - (60 - i) * 60_000).toISOString(),
      good: 900,
      total: 1000,
    }));
    await server.admin.call('pushSli', { params: { id: 'checkout-pushed' }, body: { points } });
    const status = await runCli(['slo', 'status', 'checkout-pushed', '--at', new Date(at).toISOString()], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('checkout-pushed: 99.900% pushed of checkout, rolling 28d');
    expect(status.stdout).toMatch(/^ {2}1h\s+54000\s+60000\s+0\.1\s+100$/m);
    expect(status.stdout).toMatch(/^ {2}page_fast\s+1h\/5m\s+13\.44x\s+critical\s+FIRING\s+error ratio 0\.1 over 1h/m);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'service: checkout');
    const refused = await runCli(['slo', 'apply', '--file', bad], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not JSON');
  });
  it('imports a Sloth file and shows the refusal of an OpenSLO one field by field', async () => {
    const file = join(dir, 'sloth.yml');
    writeFileSync(
      file,
      [
        'version: prometheus/v1',
        'service: cart',
        'slos:',
        '  - name: availability',
        '    objective: 99.9',
        '    sli:',
        '      events:',
        '        error_query: sum(rate(errors_total[{{.window}}]))',
        '        total_query: sum(rate(requests_total[{{.window}}]))',
      ].join('\n'),
    );
    const ok = await runCli(['slo', 'import', '--format', 'sloth', '--file', file], env);
    expect(ok.stdout).toBe('imported cart-availability\n');
    const bad = join(dir, 'openslo.yml');
    writeFileSync(
      bad,
      'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\nspec:\n  service: cart\n  owner: me\n',
    );
    const refused = await runCli(['slo', 'import', '--format', 'openslo', '--file', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('documents.0.spec.owner');
  });
});
