import { REF_TAG_PREFIX } from './filters.js';
import type { Actor, Event, IngestResult, ParsedEventInput } from '@ballast/contract';
import { contentHash, linkHash, type EventContent } from './chain.js';
import { searchText } from './fullText.js';
import { rangeOf } from './ranges.js';
import { storedRunbookInputs } from '../runbooks/eventRunbook.js';
import { storedAnnotation } from './annotations.js';
import type { StoreClock } from './store.js';

/**
 * An ingest batch in two steps. `prepareBatch` does everything that does not depend on the chain's
 * head (event content, ids, salts, content hashes, search text, the stored JSON around its chain
 * fields) before the store takes the tenant's chain-head lock; `chainBatch` then only numbers the
 * new events, links their hashes and finishes their JSON, which is cheap.
 */

/** One event with everything settled except its place in the chain. */
export interface PreparedEvent {
  index: number;
  dedupeKey: string | undefined;
  id: string;
  salt: string;
  contentHash: string;
  searchText: string;
  occurredAt: number;
  endedAt: number | null;
  source: string;
  kind: string;
  status: string | null;
  severity: string;
  service: string | null;
  environment: string | null;
  rangeKey: string | null;
  rangeRole: string | null;
  tags: [string, string][];
  /** What its annotation will say, written once (annotations.ts). */
  annotation: string;
  /** What choosing its runbook reads of it, for kinds that get one (runbooks/eventRunbook.ts). */
  runbookInputs: string | null;
  /** The stored JSON up to the value of `seq`, and from after it up to the value of `prevHash`. */
  docHead: string;
  docTail: string;
}

export interface PreparedBatch {
  tenant: string;
  /** When the server accepted the batch (before any wait for the chain-head lock). */
  receivedAt: number;
  events: PreparedEvent[];
}

/** A prepared event placed in the chain, ready to be written. */
export interface ChainedEvent extends PreparedEvent {
  seq: number;
  prevHash: string;
  hash: string;
  /** The contract object as JSON, keys in the contract's order. */
  doc: string;
}

/** A batch placed in the chain: the new events, every input's result, and the chain's new head. */
export interface ChainedBatch {
  events: ChainedEvent[];
  results: IngestResult['results'];
  head: { seq: number; hash: string };
}

/** The stored event without its place in the chain: server-owned fields, the claimed actor marked unverified. */
function toContent(input: ParsedEventInput, tenant: string, id: string, receivedAt: string, keyActor: Actor) {
  const actor: Actor = input.actor ? { ...input.actor, verified: false } : keyActor;
  const content: EventContent = {
    id,
    tenant,
    occurredAt: input.occurredAt,
    ...(input.endedAt !== undefined && { endedAt: input.endedAt }),
    receivedAt,
    source: input.source,
    kind: input.kind,
    ...(input.status !== undefined && { status: input.status }),
    severity: input.severity,
    ...(input.service !== undefined && { service: input.service }),
    ...(input.environment !== undefined && { environment: input.environment }),
    sourceRefs: input.sourceRefs,
    title: input.title,
    ...(input.description !== undefined && { description: input.description }),
    links: input.links,
    actor,
    tags: input.tags,
    attributes: input.attributes as Event['attributes'],
    personalAttributes: input.personalAttributes,
    correlation: input.correlation,
    ...(input.dedupeKey !== undefined && { dedupeKey: input.dedupeKey }),
  };
  return content;
}

/**
 * Events prepared between two returns to the event loop. Preparing 500 events takes some 20 ms of
 * CPU; in one piece it would hold up the answers PostgreSQL sends to other requests, among them the
 * one holding the tenant's chain-head lock, which then waits "idle in transaction" for this process.
 */
const SLICE = 25;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function prepareBatch(
  tenant: string,
  inputs: ParsedEventInput[],
  keyActor: Actor,
  clock: StoreClock,
): Promise<PreparedBatch> {
  const receivedAt = clock.now();
  const receivedIso = new Date(receivedAt).toISOString();
  const events: PreparedEvent[] = [];
  for (const [index, input] of inputs.entries()) {
    if (index > 0 && index % SLICE === 0) await nextTurn();
    const id = clock.newId(receivedAt);
    const salt = clock.newSalt();
    const content = toContent(input, tenant, id, receivedIso, keyActor);
    // The stored JSON is the contract object: id, tenant, seq, …content…, prevHash, hash. Its text is
    // built here around the two places the chain fills in later.
    const lead = `{"id":${JSON.stringify(id)},"tenant":${JSON.stringify(tenant)}`;
    const json = JSON.stringify(content);
    const range = rangeOf(content);
    events.push({
      index,
      dedupeKey: input.dedupeKey,
      id,
      salt,
      contentHash: contentHash(content, salt),
      searchText: searchText(content),
      occurredAt: Date.parse(content.occurredAt),
      endedAt: content.endedAt !== undefined ? Date.parse(content.endedAt) : null,
      source: content.source,
      kind: content.kind,
      status: content.status ?? null,
      severity: content.severity,
      service: content.service ?? null,
      environment: content.environment ?? null,
      rangeKey: range?.key ?? null,
      rangeRole: range?.role ?? null,
      // Sender ids ride in the tags table under keys tags cannot have, for mappings to find later.
      tags: [
        ...Object.entries(content.tags),
        ...Object.entries(content.sourceRefs).map(([k, v]): [string, string] => [
          `${REF_TAG_PREFIX}${content.source}.${k}`,
          v,
        ]),
      ],
      annotation: storedAnnotation(content),
      runbookInputs: storedRunbookInputs(content),
      docHead: `${lead},"seq":`,
      docTail: `${json.slice(lead.length, -1)},"prevHash":"`,
    });
  }
  return { tenant, receivedAt, events };
}

/**
 * Places a prepared batch after the chain's head: events whose dedupeKey is `known` (stored before)
 * or repeated within the batch are duplicates; the others get the next seqs and linked hashes.
 */
export function chainBatch(
  batch: PreparedBatch,
  head: { seq: number; hash: string },
  known: Map<string, { id: string; seq: number }>,
): ChainedBatch {
  let seq = head.seq;
  let prevHash = head.hash;
  const events: ChainedEvent[] = [];
  const results: IngestResult['results'] = [];
  for (const p of batch.events) {
    const dup = p.dedupeKey !== undefined ? known.get(p.dedupeKey) : undefined;
    if (dup) {
      results.push({ index: p.index, id: dup.id, seq: dup.seq, status: 'duplicate' });
      continue;
    }
    seq += 1;
    const hash = linkHash(prevHash, seq, p.contentHash);
    const doc = `${p.docHead}${seq}${p.docTail}${prevHash}","hash":"${hash}"}`;
    events.push({ ...p, seq, prevHash, hash, doc });
    if (p.dedupeKey !== undefined) known.set(p.dedupeKey, { id: p.id, seq });
    results.push({ index: p.index, id: p.id, seq, status: 'created' });
    prevHash = hash;
  }
  return { events, results, head: { seq, hash: prevHash } };
}
