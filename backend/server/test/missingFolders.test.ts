/**
 * Folders that go missing: a replica started where the runbook, catalog and profile folders are not
 * (another working directory, a volume not mounted yet) reports each as a problem and leaves the shared
 * store's file runbooks, catalog entries and profiles as the other replica put them; a folder removed
 * under a running server keeps what it held until it is back. On both dialects, two servers, one store.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@ballast/contract';
import { runbookFolders } from '../src/runbooks/folder.js';
import { startServer } from '../src/server.js';
import { DIALECTS, startTestServer, testConfig, type TestServer, until } from './harness.js';

const RUNBOOK = `---
id: disk-full
title: Disk full
services: [ledger]
---
## Meaning
m

## Impact
i

## Diagnosis
d

## Mitigation
x
`;

describe('the default runbook folder', () => {
  it('is ./runbooks where it exists, and no folder where it does not; configured folders are kept as given', () => {
    const root = mkdtempSync(join(tmpdir(), 'ballast-default-rb-'));
    try {
      expect(runbookFolders(undefined, root)).toEqual([]);
      mkdirSync(join(root, 'runbooks'));
      expect(runbookFolders(undefined, root)).toEqual(['./runbooks']);
      expect(runbookFolders(['/nowhere/runbooks'], root)).toEqual(['/nowhere/runbooks']);
      expect(runbookFolders([], root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.each(DIALECTS)('folders that go missing, on %s', (dialect) => {
  let first: TestServer;
  let second: Awaited<ReturnType<typeof startServer>> | undefined;
  const root = mkdtempSync(join(tmpdir(), 'ballast-folders-'));
  const runbooks = join(root, 'runbooks');
  const catalog = join(root, 'catalog');
  const profiles = join(root, 'profiles');
  const nowhere = join(root, 'not-mounted');

  beforeAll(async () => {
    for (const d of [runbooks, catalog, profiles]) mkdirSync(d);
    writeFileSync(join(runbooks, 'disk-full.md'), RUNBOOK);
    writeFileSync(join(catalog, 'ledger.yaml'), 'name: ledger\ntier: 1\n');
    writeFileSync(join(profiles, 'ledger.yaml'), 'service: ledger\nflags: [exports]\n');
    first = await startTestServer(dialect, {
      runbooksDirs: [runbooks],
      catalogDir: catalog,
      stabilizeProfilesDir: profiles,
      runbooksPollMs: 100,
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const listRunbooks = (s: TestServer) => s.admin.call('listRunbooks', {});
  const profile = async (url: string): Promise<unknown> =>
    (
      await fetch(`${url}/v1/stabilize/profiles/ledger`, { headers: { authorization: `Bearer ${first.adminKey}` } })
    ).json();

  it('a second replica without the folders reports them and deletes nothing the first one loaded', async () => {
    expect((await listRunbooks(first)).runbooks.map((r) => [r.id, r.managedBy])).toEqual([['disk-full', 'file']]);
    second = await startServer(
      testConfig(first.store, {
        bootstrapAdminKey: first.adminKey,
        runbooksDirs: [join(nowhere, 'runbooks')],
        catalogDir: join(nowhere, 'catalog'),
        stabilizeProfilesDir: join(nowhere, 'profiles'),
        runbooksPollMs: 100,
      }),
      () => {},
    );
    const secondClient = createClient({ baseUrl: second.url, apiKey: first.adminKey });
    // The second replica has synced its (missing) folders before it listens.
    const list = await secondClient.call('listRunbooks', {});
    expect(list.runbooks.map((r) => r.id)).toEqual(['disk-full']);
    expect(list.problems).toEqual([
      {
        path: expect.stringMatching(/not-mounted\/runbooks$/),
        field: 'folder',
        message: expect.stringContaining('no such folder'),
      },
    ]);
    const services = await secondClient.call('listServices', {});
    expect(services.services.map((s) => [s.name, s.managedBy])).toEqual([['ledger', 'file']]);
    expect(services.problems).toEqual([
      {
        path: expect.stringMatching(/not-mounted\/catalog$/),
        field: 'folder',
        message: expect.stringContaining('no such folder'),
      },
    ]);
    // The profile stays the file's (a released scope would say managedBy: api).
    expect(await profile(second.url)).toMatchObject({ managedBy: 'file', flags: ['exports'] });
    // Still so after the second replica's folder ticks.
    await new Promise((r) => setTimeout(r, 400));
    expect((await listRunbooks(first)).runbooks.map((r) => r.id)).toEqual(['disk-full']);
    expect((await first.admin.call('listServices', {})).services.map((s) => s.name)).toEqual(['ledger']);
    expect(await profile(first.url)).toMatchObject({ managedBy: 'file' });
  });

  it('a folder removed under a running server keeps what it held; back and emptied, its runbooks go', async () => {
    const away = join(root, 'runbooks-away');
    renameSync(runbooks, away);
    const missing = await until(
      () => listRunbooks(first),
      (l) => l.problems.some((p) => p.field === 'folder'),
      'the missing folder reported',
    );
    expect(missing.runbooks.map((r) => r.id)).toEqual(['disk-full']);
    // Back, but empty: the folder now says the runbook is gone.
    mkdirSync(runbooks);
    const emptied = await until(
      () => listRunbooks(first),
      (l) => l.runbooks.length === 0,
      'the runbook of the emptied folder to go',
    );
    expect(emptied.problems).toEqual([]);
    rmSync(away, { recursive: true, force: true });
  });
});
