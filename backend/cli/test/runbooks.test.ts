import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

const STARTER = resolve(import.meta.dirname, '../../../runbooks');

const good = (id: string) => `---
id: ${id}
title: ${id}
---
## Meaning
a
## Impact
b
## Diagnosis
c
## Mitigation
d
`;

describe('ballast runbooks lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-runbooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the starter set: at least ten runbooks, each with the four sections', async () => {
    const res = await runCli(['runbooks', 'lint', STARTER], {});
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const n = Number(/^(\d+) runbooks ok$/m.exec(res.stdout)?.[1]);
    expect(n).toBeGreaterThanOrEqual(10);
    const json = await runCli(['runbooks', 'lint', STARTER, '--json'], {});
    const ids = (JSON.parse(json.stdout) as { runbooks: { id: string }[] }).runbooks.map((r) => r.id);
    for (const id of [
      'error-rate-spike',
      'latency-regression',
      'database-saturation',
      'queue-backlog',
      'slo-fast-burn',
      'budget-exhausted-freeze',
      'stabilize-enter-exit',
      'webhook-source-failing',
      'ballast-store-down',
      'restore-from-backup',
    ])
      expect(ids).toContain(id);
  });

  it('exits 1 with one line per problem naming file and field; the good files still count', async () => {
    writeFileSync(join(dir, 'ok.md'), good('ok'));
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', 'dup.md'), good('ok'));
    writeFileSync(join(dir, 'bad.md'), good('bad').replace('title: bad', 'title: bad\nseverity: loud'));
    writeFileSync(join(dir, 'nosections.md'), '---\nid: nosections\ntitle: x\n---\n## Meaning\nonly\n');
    writeFileSync(join(dir, 'README.md'), '# not a runbook\n');
    const res = await runCli(['runbooks', 'lint', dir], {});
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bad\.md: severity: /),
        expect.stringMatching(/nosections\.md: sections\.Impact: missing section: add a "## Impact" heading$/),
        expect.stringMatching(/nosections\.md: sections\.Diagnosis: /),
        expect.stringMatching(/nosections\.md: sections\.Mitigation: /),
        expect.stringMatching(/team\/dup\.md: id: id "ok" is already used by .*ok\.md; this file is skipped$/),
      ]),
    );
    expect(res.stdout).toBe('1 runbook ok, 3 files with problems\n');
  });

  it('refuses a path that is not a folder as a usage error', async () => {
    const res = await runCli(['runbooks', 'lint', join(dir, 'nope')], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('not a folder');
  });

  it('find needs something to look for', async () => {
    const res = await runCli(['runbooks', 'find'], envFor('http://127.0.0.1:1'));
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('give --service, --alert, --runbook-url, --slo or --text');
  });
});

describe('ballast runbooks find', () => {
  it('prints the runbooks for an alert with why each matched, and for text', async () => {
    const server = await startTestServer('sqlite', { runbooksDirs: [STARTER], runbooksPollMs: 0 });
    try {
      const env = envFor(server.url, server.adminKey);
      const res = await runCli(
        ['runbooks', 'find', '--alert', 'alertname=BallastSLOBurnRate', '--alert', 'burnrate_tier=page_fast'],
        env,
      );
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const lines = res.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^slo-fast-burn\s+alert alertname=BallastSLOBurnRate,burnrate_tier=page_fast\s+SLO fast burn/,
      );
      expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['slo-fast-burn']);
      const json = await runCli(['runbooks', 'find', '--alert', 'alertname=NothingMatches', '--json'], env);
      expect(JSON.parse(json.stdout)).toEqual({ runbooks: [], problems: [] });
      const text = await runCli(['runbooks', 'find', '--text', 'pg_restore'], env);
      expect(text.stdout).toMatch(/^restore-from-backup\s+text\s+Restore Ballast from a backup$/m);
    } finally {
      await server.close();
    }
  });
});
