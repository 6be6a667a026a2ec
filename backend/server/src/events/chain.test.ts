import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput, type Actor, type Event } from '@ballast/contract';
import { migrate, openDatabase, type Database } from '../db/knex.js';
import { createTestStore, DIALECTS, type TestStore } from '../../test/harness.js';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { contentHash, eventHash, GENESIS_HASH, hashForm, linkHash } from './chain.js';
import { createKnexEventStore } from './knexEventStore.js';
import type { StoreClock } from './store.js';

/** A fixed clock, ids and salts: the same batch must then hash identically on every dialect. */
function fixedClock(): StoreClock {
  let id = 0;
  let salt = 0;
  return {
    now: () => Date.parse('2026-11-20T10:00:00.123Z'),
    newId: () => `01FIXEDID${String(++id).padStart(17, '0')}`,
    newSalt: () => (++salt).toString(16).padStart(32, '0'),
  };
}

const actor: Actor = { type: 'key', id: 'key_fixed', name: 'fixed', verified: true };
const batch = [
  {
    occurredAt: '2026-11-20T09:59:59.5+01:00',
    kind: 'deploy',
    title: 'Déploiement «checkout» 🚀',
    service: 'checkout',
    tags: { b: '2', a: '1' },
    attributes: { z: 1.5, a: [true, null, 'x'], email: 'bob@example.com' },
    personalAttributes: ['email'],
  },
  {
    occurredAt: '2026-11-20T10:00:00Z',
    endedAt: '2026-11-20T10:30:00Z',
    kind: 'incident',
    status: 'resolved',
    title: 'Checkout errors',
    actor: { type: 'user', id: 'u1', name: 'Ann Lee', email: 'ann@example.com' },
    correlation: { incidentId: 'INC-9' },
    attributes: { n: 1e21, small: 0.000001 },
  },
].map((e) => EventInput.parse(e));

describe('hash chain', () => {
  const stores: TestStore[] = [];
  const dbs: Database[] = [];
  const stored: Record<string, Event[]> = {};

  beforeAll(async () => {
    for (const dialect of DIALECTS) {
      const store = await createTestStore(dialect);
      stores.push(store);
      const db = openDatabase({ dataDir: store.dataDir ?? '', databaseUrl: store.databaseUrl, databasePoolMax: 2 });
      dbs.push(db);
      await migrate(db);
      await db.knex('tenants').insert({ id: 't1', name: 'T1', created_at: 0 });
      const events = createKnexEventStore(db, fixedClock()).forTenant('t1');
      await events.append(batch, actor);
      stored[dialect] = (await events.search({ limit: 10 })).parse().events.sort((a, b) => a.seq - b.seq);
    }
  });
  afterAll(async () => {
    for (const db of dbs) await db.knex.destroy();
    for (const s of stores) await s.drop();
  });

  it('produces byte-identical hashes for the same events on SQLite and PostgreSQL', () => {
    const [a, b] = DIALECTS.map((d) => stored[d]!);
    expect(a).toHaveLength(2);
    expect(a!.map((e) => e.hash)).toEqual(b!.map((e) => e.hash));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('hashes as ADR 001 says: sha256(prevHash \\n seq \\n sha256(JCS(event without seq, prevHash, hash)))', () => {
    const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    for (const event of stored.sqlite!) {
      const { seq, prevHash, hash, ...content } = event;
      const salt = (event.seq === 1 ? 1 : 2).toString(16).padStart(32, '0');
      const form = hashForm(content, salt);
      expect(form).not.toHaveProperty('seq');
      expect(form).not.toHaveProperty('prevHash');
      const expectedContent = sha256(canonicalize(form)!);
      expect(contentHash(content, salt)).toBe(expectedContent);
      expect(hash).toBe(sha256(`${prevHash}\n${seq}\n${expectedContent}`));
    }
    // Pinned: a change to the format (or to what the store puts in an event) must be deliberate,
    // since every stored chain and every exported audit depends on it.
    expect(stored.sqlite!.map((e) => e.hash)).toEqual([
      '05e105a512063917c06b7f82c5953d798ba4c0e100c0fbc3f50fb75d31e329ed',
      'e8247c9448609a442e4691084b1065b0ee19a8ede7f15e8effe46773670968bf',
    ]);
  });

  it('binds the content to its place: the same content elsewhere in the chain hashes differently', () => {
    const { hash, ...first } = stored.sqlite![0]!;
    const salt = '00000000000000000000000000000001';
    expect(eventHash(first, salt)).toBe(hash);
    expect(contentHash({ ...first, seq: 7, prevHash: 'f'.repeat(64) } as typeof first, salt)).toBe(
      contentHash(first, salt),
    );
    expect(linkHash(first.prevHash, 2, contentHash(first, salt))).not.toBe(hash);
    expect(linkHash('f'.repeat(64), 1, contentHash(first, salt))).not.toBe(hash);
    // id and receivedAt are assigned before the lock, and the content hash covers them.
    expect(eventHash({ ...first, id: first.id.replace(/1$/, '2') }, salt)).not.toBe(hash);
    expect(eventHash({ ...first, receivedAt: '2026-11-20T10:00:00.124Z' }, salt)).not.toBe(hash);
  });

  it('stores the contract object as JSON, keys in the contract order, chain fields last', async () => {
    for (const db of dbs) {
      const rows = await db.knex('events').where({ tenant: 't1' }).orderBy('seq').select('doc');
      for (const { doc } of rows as { doc: string }[]) {
        const event = JSON.parse(doc) as Event;
        expect(JSON.stringify(event)).toBe(doc);
        const keys = Object.keys(event);
        expect(keys.slice(0, 4)).toEqual(['id', 'tenant', 'seq', 'occurredAt']);
        expect(keys.slice(-2)).toEqual(['prevHash', 'hash']);
      }
    }
  });

  it('links each event to the previous one from the genesis hash', () => {
    const events = stored.sqlite!;
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
  });

  it('recomputes from what was stored, and detects an edit', async () => {
    for (const [i, db] of dbs.entries()) {
      const rows = await db.knex('events').where({ tenant: 't1' }).orderBy('seq').select('doc', 'salt', 'hash');
      for (const row of rows) {
        const { hash, ...rest } = JSON.parse(row.doc) as Event;
        expect(eventHash(rest, row.salt), DIALECTS[i]).toBe(hash);
        expect(eventHash({ ...rest, title: rest.title + ' ' }, row.salt)).not.toBe(hash);
        expect(eventHash({ ...rest, seq: rest.seq + 1 }, row.salt)).not.toBe(hash);
      }
    }
  });

  it('hashes personal fields as salted digests, so the value can be redacted later', () => {
    const { hash: _h, ...first } = stored.sqlite![0]!;
    const form = hashForm(first, '00000000000000000000000000000001');
    expect((form.attributes as Record<string, unknown>).email).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((form.attributes as Record<string, unknown>).z).toBe(1.5);
    const { hash: _h2, ...second } = stored.sqlite![1]!;
    const actorForm = hashForm(second, 'x').actor as Record<string, unknown>;
    expect(actorForm.email).toMatch(/^sha256:/);
    expect(actorForm.name).toMatch(/^sha256:/);
    expect(actorForm.id).toBe('u1');
  });
});
