/** Stabilize profiles as code: a folder reconciled into the store, edits followed, the API kept off them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('stabilize profile files on %s', (dialect) => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballast-profiles-'));
    writeFileSync(
      join(dir, 'checkout-production.yaml'),
      `service: checkout
environment: production
rateClamp:
  requestsPerSecond: 300
flags: [recommendations]
`,
    );
    writeFileSync(
      join(dir, 'search.json'),
      JSON.stringify({ service: 'search', queues: [{ name: 'reindex', action: 'pause' }] }),
    );
    writeFileSync(join(dir, 'broken.yaml'), 'service: cart\nrateClamp:\n  requestsPerSecond: -5\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a profile');
    server = await startTestServer(dialect, { stabilizeProfilesDir: dir, runbooksPollMs: 100 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) => server.fetch(path).then(async (r) => ({ status: r.status, json: await r.json() }));
  const until = async (pred: () => Promise<boolean>, what: string) => {
    const start = Date.now();
    while (!(await pred())) {
      if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('loads the good files at start, marked as from files, and skips the bad one', async () => {
    const checkout = await get('/v1/stabilize/profiles/checkout?environment=production');
    expect(checkout.json).toMatchObject({
      version: 1,
      managedBy: 'file',
      file: 'checkout-production.yaml',
      rateClamp: { requestsPerSecond: 300 },
      flags: ['recommendations'],
    });
    expect((await get('/v1/stabilize/profiles/search')).json).toMatchObject({
      managedBy: 'file',
      queues: [{ name: 'reindex' }],
    });
    expect((await get('/v1/stabilize/profiles/cart')).status).toBe(404);
  });

  it('refuses API edits of a file profile, naming the file', async () => {
    const res = await server.fetch('/v1/stabilize/profiles/search', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ flags: ['x'] }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain('search.json');
  });

  it('stores an edited file as a new version, and frees the scope when its file goes', async () => {
    const file = join(dir, 'checkout-production.yaml');
    writeFileSync(file, 'service: checkout\nenvironment: production\nrateClamp:\n  requestsPerSecond: 150\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await until(
      async () => (await get('/v1/stabilize/profiles/checkout?environment=production')).json.version === 2,
      'version 2',
    );
    expect((await get('/v1/stabilize/profiles/checkout?environment=production')).json.rateClamp.requestsPerSecond).toBe(
      150,
    );
    const events = (await get('/v1/events?source=policy&q=checkout')).json.events as { title: string }[];
    expect(events.map((e) => e.title)).toContain(
      'Stabilize profile for checkout in production is now version 2 (from checkout-production.yaml)',
    );

    unlinkSync(join(dir, 'search.json'));
    await until(async () => (await get('/v1/stabilize/profiles/search')).json.managedBy === 'api', 'search released');
    const put = await server.fetch('/v1/stabilize/profiles/search', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ flags: ['x'] }),
    });
    expect(put.status).toBe(200);
  });
});
