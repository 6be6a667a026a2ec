/** SLOs as code: files reconciled into the store as `managedBy: file`, which the API refuses to edit. */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError, Slo } from '@ballast/contract';
import { startTestServer, type TestServer } from './harness.js';

const native = (objective: number) =>
  [
    'slos:',
    '  - service: checkout',
    '    name: availability',
    `    objective: ${objective}`,
    '    period: { kind: rolling, window: 28d }',
    '    sli: { kind: pushed }',
    '  - id: checkout-latency',
    '    service: checkout',
    '    name: latency',
    '    objective: 0.99',
    '    period: { kind: calendar, unit: month, timeZone: Europe/Berlin }',
    '    sli: { kind: pushed }',
  ].join('\n');

const sloth = [
  'version: prometheus/v1',
  'service: cart',
  'slos:',
  '  - name: errors',
  '    objective: 99.5',
  '    sli:',
  '      events:',
  '        error_query: sum(rate(errors_total[{{.window}}]))',
  '        total_query: sum(rate(requests_total[{{.window}}]))',
].join('\n');

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SLO files on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-slo-files-'));
  let server: TestServer;
  beforeAll(async () => {
    writeFileSync(join(dir, 'checkout.yaml'), native(0.999));
    writeFileSync(join(dir, 'cart.sloth.yml'), sloth);
    writeFileSync(join(dir, 'notes.txt'), 'not an SLO file');
    server = await startTestServer('sqlite', { sloDir: dir, sloEvaluationIntervalMs: 100 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () =>
    Object.fromEntries((await server.admin.call('listSlos', {})).slos.map((s) => [s.id, s])) as Record<string, Slo>;

  it('has the files’ SLOs from the start, managed by file, and refuses to edit them', async () => {
    const slos = await list();
    expect(Object.values(slos).map((s) => [s.id, s.managedBy, s.origin])).toEqual([
      ['cart-errors', 'file', 'sloth'],
      ['checkout-availability', 'file', 'native'],
      ['checkout-latency', 'file', 'native'],
    ]);
    const put = (await server.admin
      .call('updateSlo', {
        params: { id: 'checkout-availability' },
        body: {
          service: 'checkout',
          name: 'availability',
          objective: 0.9,
          period: { kind: 'rolling', window: '7d' },
          sli: { kind: 'pushed' },
        },
      })
      .catch((e: unknown) => e)) as BallastApiError;
    expect([put.status, put.code, put.details[0]!.message]).toEqual([409, 'conflict', 'managed by file']);
    const del = (await server.admin
      .call('deleteSlo', { params: { id: 'cart-errors' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(del.status).toBe(409);
  });

  it('follows edits and removals; while a file is broken, nothing is deleted', async () => {
    writeFileSync(join(dir, 'checkout.yaml'), native(0.995));
    unlinkSync(join(dir, 'cart.sloth.yml'));
    const after = await until(
      'edit and removal',
      list,
      (s) => s['checkout-availability']?.objective === 0.995 && !s['cart-errors'],
    );
    expect(Object.keys(after)).toEqual(['checkout-availability', 'checkout-latency']);

    // A broken file, an SLO gone from a good file, and a change to another: the change lands, the
    // removal waits for the broken file to be fixed.
    writeFileSync(join(dir, 'broken.yaml'), 'service: [unclosed');
    writeFileSync(join(dir, 'checkout.yaml'), native(0.99).split('\n').slice(0, 6).join('\n'));
    writeFileSync(
      join(dir, 'more.json'),
      JSON.stringify({
        service: 'search',
        name: 'availability',
        objective: 0.9,
        period: { kind: 'rolling', window: '7d' },
        sli: { kind: 'pushed' },
      }),
    );
    const held = await until(
      'change with a broken file',
      list,
      (s) => s['checkout-availability']?.objective === 0.99 && !!s['search-availability'],
    );
    expect(held['checkout-latency']).toBeDefined();
    unlinkSync(join(dir, 'broken.yaml'));
    await until('removal once every file reads', list, (s) => !s['checkout-latency']);

    const policy = await server.admin.call('searchEvents', { query: { source: 'policy', q: 'SLO', limit: 50 } });
    expect(policy.events.map((e) => e.title)).toContain('SLO cart-errors deleted: no file holds it any more');
    expect(policy.events.map((e) => e.title)).toContain('SLO checkout-availability changed in checkout.yaml');
  });

  it('leaves an SLO made through the API alone when a file names it too', async () => {
    await server.admin.call('createSlo', {
      body: {
        id: 'api-made',
        service: 'api',
        name: 'made',
        objective: 0.9,
        period: { kind: 'rolling', window: '7d' },
        sli: { kind: 'pushed' },
      },
    });
    writeFileSync(
      join(dir, 'clash.json'),
      JSON.stringify({
        id: 'api-made',
        service: 'api',
        name: 'made',
        objective: 0.5,
        period: { kind: 'rolling', window: '7d' },
        sli: { kind: 'pushed' },
      }),
    );
    writeFileSync(
      join(dir, 'marker.json'),
      JSON.stringify({
        id: 'marker',
        service: 'm',
        name: 'm',
        objective: 0.9,
        period: { kind: 'rolling', window: '7d' },
        sli: { kind: 'pushed' },
      }),
    );
    const s = await until('the marker file read', list, (x) => !!x.marker);
    expect([s['api-made']!.objective, s['api-made']!.managedBy]).toEqual([0.9, 'api']);
  });
});
