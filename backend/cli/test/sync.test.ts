/** `ballast sync` against a real store on both dialects: files in, again idempotent, removals, a broken file. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTestStore, openStore, type TestStore } from '../../server/test/harness.js';
import { runCli } from './runCli.js';

const slo = (name: string) =>
  [
    `  - service: checkout`,
    `    name: ${name}`,
    `    objective: 0.999`,
    `    period: { kind: rolling, window: 28d }`,
    `    sli: { kind: pushed }`,
  ].join('\n');

const runbook = (id: string) =>
  `---\nid: ${id}\ntitle: ${id}\n---\n## Meaning\na\n## Impact\nb\n## Diagnosis\nc\n## Mitigation\nd\n`;

describe('ballast sync --check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-sync-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and checks the folders without opening a store, and fails on a broken file', async () => {
    const data = join(dir, 'data');
    mkdirSync(join(dir, 'slos'));
    mkdirSync(join(dir, 'runbooks'));
    writeFileSync(join(dir, 'slos', 'checkout.yaml'), `slos:\n${slo('availability')}\n`);
    writeFileSync(join(dir, 'runbooks', 'a.md'), runbook('checkout-a'));
    const env = { BALLAST_DATA_DIR: data };
    const args = ['sync', '--check', '--slo-dir', join(dir, 'slos'), '--runbooks-dir', join(dir, 'runbooks')];
    const ok = await runCli(args, env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^slos\s+\S+\s+1 in files\s+0$/m);
    expect(ok.stdout).toMatch(/^runbooks\s+\S+\s+1 in files\s+0$/m);
    expect(ok.stdout).toMatch(/^catalog\s+-\s+no folder configured\s+0$/m);

    writeFileSync(join(dir, 'slos', 'broken.yaml'), 'slos:\n  - service: checkout\n    objective: 2\n');
    const bad = await runCli([...args, '--json'], env);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { parts: { kind: string; problems: { file: string }[] }[] };
    expect(report.parts.find((p) => p.kind === 'slos')!.problems.map((p) => p.file)).toEqual(['broken.yaml']);
    expect(bad.stderr).toContain('1 problem in the files');
    expect(existsSync(data) ? readdirSync(data) : []).toEqual([]); // no store was opened
  });

  it('names a configured folder that is missing, and fails', async () => {
    const missing = join(dir, 'not-mounted', 'runbooks');
    const r = await runCli(['sync', '--check', '--runbooks-dir', missing, '--json'], {
      BALLAST_DATA_DIR: join(dir, 'data'),
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { parts: { kind: string; problems: { file: string; message: string }[] }[] };
    expect(report.parts.find((p) => p.kind === 'runbooks')!.problems).toEqual([
      { file: missing, message: expect.stringMatching(/^folder: no such folder/) },
    ]);
  });
});

describe.each(DIALECTS)('ballast sync on %s', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-sync-'));
  const slos = join(dir, 'slos');
  const runbooks = join(dir, 'runbooks');
  let store: TestStore;
  let env: Record<string, string>;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    env = store.databaseUrl ? { BALLAST_DATABASE_URL: store.databaseUrl } : { BALLAST_DATA_DIR: store.dataDir! };
    mkdirSync(slos);
    mkdirSync(runbooks);
  });
  afterAll(async () => {
    await store?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sync = () => runCli(['sync', '--slo-dir', slos, '--runbooks-dir', runbooks, '--json'], env);
  type Report = {
    parts: { kind: string; created?: string[]; updated?: string[]; deleted?: string[]; changed?: number }[];
    bootstrapSecret?: string;
  };
  const part = (out: string, kind: string) => (JSON.parse(out) as Report).parts.find((p) => p.kind === kind)!;
  const stored = async () => {
    const knex = openStore(store);
    try {
      return {
        slos: (await knex('slos').orderBy('id').select('id', 'managed_by')).map((r) => `${r.id}:${r.managed_by}`),
        runbooks: (await knex('runbooks').orderBy('id').select('id')).map((r) => r.id as string),
      };
    } finally {
      await knex.destroy();
    }
  };

  it('reconciles the files into the store once, and a second run changes nothing', async () => {
    writeFileSync(join(slos, 'checkout.yaml'), `slos:\n${slo('availability')}\n${slo('latency')}\n`);
    writeFileSync(join(runbooks, 'a.md'), runbook('checkout-a'));
    const first = await sync();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).bootstrapSecret).toMatch(/\S{20,}/); // an empty store gets its first key
    expect(part(first.stdout, 'slos').created).toEqual(['checkout-availability', 'checkout-latency']);
    expect(part(first.stdout, 'runbooks').changed).toBe(1);
    expect(await stored()).toEqual({
      slos: ['checkout-availability:file', 'checkout-latency:file'],
      runbooks: ['checkout-a'],
    });

    const again = await sync();
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).bootstrapSecret).toBeUndefined();
    expect(part(again.stdout, 'slos')).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(part(again.stdout, 'runbooks').changed).toBe(0);
  });

  it('deletes what the files no longer hold, but nothing while a file is broken', async () => {
    writeFileSync(join(slos, 'checkout.yaml'), `slos:\n${slo('availability')}\n`);
    writeFileSync(join(slos, 'broken.yaml'), 'slos: [');
    const held = await sync();
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('problem');
    expect((await stored()).slos).toEqual(['checkout-availability:file', 'checkout-latency:file']);

    rmSync(join(slos, 'broken.yaml'));
    const fixed = await sync();
    expect(fixed.code).toBe(0);
    expect(part(fixed.stdout, 'slos').deleted).toEqual(['checkout-latency']);
    expect((await stored()).slos).toEqual(['checkout-availability:file']);
  });
});
