/** `ballast audit verify` against a real server, before and after a stored row is edited behind its back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import type { VerifyResult } from '@ballast/contract';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { envFor, runCli } from './runCli.js';

describe('ballast audit verify on SQLite', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let db: Knex;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    env = envFor(server.url, server.adminKey);
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: `${server.store.dataDir}/ballast.sqlite` },
      useNullAsDefault: true,
    });
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.close();
  });

  let edited: number;

  it('says the chain holds on a fresh server, and how much it checked', async () => {
    // The first admin key is itself on the chain: a fresh server already holds events.
    const { headSeq } = await server.admin.call('auditVerify', {});
    const fresh = await runCli(['audit', 'verify'], env);
    expect(fresh).toEqual({
      code: 0,
      stdout: `chain ok: ${headSeq} event${headSeq === 1 ? '' : 's'} checked from seq 1 to ${headSeq}; 0 annotation range rows match them\n`,
      stderr: '',
    });

    const stored = await server.admin.call('ingestEvents', {
      body: {
        events: [1, 2, 3].map((n) => ({
          occurredAt: '2026-03-03T10:00:00Z',
          kind: 'annotation' as const,
          title: `Audited ${n}`,
        })),
      },
    });
    edited = stored.results[1]!.seq;
    const r = await runCli(['audit', 'verify'], env);
    expect(r).toEqual({
      code: 0,
      stdout: `chain ok: ${headSeq + 3} events checked from seq 1 to ${headSeq + 3}; 0 annotation range rows match them\n`,
      stderr: '',
    });
  });

  it('exits 1 naming the first bad seq once a row was edited with SQL', async () => {
    const row = await db('events').where({ tenant: 'default', seq: edited }).first('doc');
    const doc = JSON.parse(row.doc) as { title: string };
    expect(doc.title).toBe('Audited 2');
    await db('events')
      .where({ tenant: 'default', seq: edited })
      .update({ doc: JSON.stringify({ ...doc, title: 'Audited 2 (quietly edited)' }) });

    const r = await runCli(['audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `chain BROKEN at seq ${edited}: the hash does not match the event (edited) (${edited - 1} events checked before it)\n`,
    );
    expect(r.stderr).toBe('');

    const json = await runCli(['audit', 'verify', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout) as VerifyResult).toMatchObject({
      ok: false,
      tenant: 'default',
      firstBadSeq: edited,
      checked: edited - 1,
      reason: 'the hash does not match the event (edited)',
    });
  });
});
