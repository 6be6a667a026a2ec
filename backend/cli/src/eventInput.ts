/** Builds what `events add` sends: one event from flags, or many from a JSON file, sent in batches. */
import {
  BallastApiError,
  EVENT_LIMITS,
  type BallastClient,
  type EventInput,
  type IngestResult,
} from '@ballast/contract';
import { UsageError } from './io.js';
import { resolveTime } from './time.js';

export interface EventFlags {
  kind?: string;
  title?: string;
  service?: string;
  environment?: string;
  source?: string;
  status?: string;
  severity?: string;
  occurredAt?: string;
  endedAt?: string;
  description?: string;
  tag?: string[];
  link?: string[];
  dedupeKey?: string;
  commitSha?: string;
  release?: string;
  deploymentId?: string;
  incidentId?: string;
}

/** The flags that describe an event, as named on the command line (for "not with --file"). */
export const EVENT_FLAG_NAMES: Record<keyof EventFlags, string> = {
  kind: '--kind',
  title: '--title',
  service: '--service',
  environment: '--environment',
  source: '--source',
  status: '--status',
  severity: '--severity',
  occurredAt: '--occurred-at',
  endedAt: '--ended-at',
  description: '--description',
  tag: '--tag',
  link: '--link',
  dedupeKey: '--dedupe-key',
  commitSha: '--commit-sha',
  release: '--release',
  deploymentId: '--deployment-id',
  incidentId: '--incident-id',
};

/** `k=v` at the first `=`; values may hold `=` (URLs with query strings do). */
export function splitPair(value: string, flag: string, shape: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes ${shape}, got "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/**
 * Enum fields (kind, source, severity) are passed as typed and checked by the server, so a wrong value
 * is reported with the contract's own message and field path; hence the cast at the end.
 */
export function eventFromFlags(flags: EventFlags, now: Date): EventInput {
  if (flags.kind === undefined || flags.title === undefined) {
    throw new UsageError('events add needs --kind and --title (or --file with events as JSON)');
  }
  const tags = Object.fromEntries((flags.tag ?? []).map((t) => splitPair(t, '--tag', 'key=value')));
  const links = (flags.link ?? []).map((l) => {
    const [rel, url] = splitPair(l, '--link', 'rel=url');
    return { rel, url };
  });
  const correlation = Object.fromEntries(
    Object.entries({
      commitSha: flags.commitSha,
      release: flags.release,
      deploymentId: flags.deploymentId,
      incidentId: flags.incidentId,
    }).filter(([, v]) => v !== undefined),
  );
  const event: Record<string, unknown> = {
    occurredAt: resolveTime(flags.occurredAt ?? 'now', now),
    ...(flags.endedAt !== undefined && { endedAt: resolveTime(flags.endedAt, now) }),
    source: flags.source ?? 'api',
    kind: flags.kind,
    ...(flags.status !== undefined && { status: flags.status }),
    ...(flags.severity !== undefined && { severity: flags.severity }),
    ...(flags.service !== undefined && { service: flags.service }),
    ...(flags.environment !== undefined && { environment: flags.environment }),
    title: flags.title,
    ...(flags.description !== undefined && { description: flags.description }),
    ...(links.length > 0 && { links }),
    ...(Object.keys(tags).length > 0 && { tags }),
    ...(Object.keys(correlation).length > 0 && { correlation }),
    ...(flags.dedupeKey !== undefined && { dedupeKey: flags.dedupeKey }),
  };
  return event as unknown as EventInput;
}

/** A file holds one event, `{ "events": [...] }`, or a JSON array of events. */
export function eventsFromJson(text: string, name: string): EventInput[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (typeof value === 'object' && value !== null && 'events' in value && Array.isArray(value.events))
    list = value.events;
  else if (typeof value === 'object' && value !== null) list = [value];
  else throw new UsageError(`${name} must hold an event object, { "events": [...] } or an array of events`);
  if (list.length === 0) throw new UsageError(`${name} holds no events`);
  // Each item's shape is the server's to judge, with paths such as events.3.title.
  return list as EventInput[];
}

/** Moves `events.N…` paths of one batch to the event's place in the whole list. */
const shiftPath = (path: string, offset: number): string =>
  offset === 0 ? path : path.replace(/^events\.(\d+)/, (_, n: string) => `events.${Number(n) + offset}`);

/**
 * Sends events in batches the server takes whole. Each batch is atomic, the whole list is not: when
 * a later batch is refused the earlier ones are stored, which the error says; dedupe keys make a rerun safe.
 */
export async function ingestInBatches(
  client: BallastClient,
  events: EventInput[],
  batchSize: number = EVENT_LIMITS.batch,
): Promise<IngestResult> {
  const total: IngestResult = { created: 0, duplicates: 0, results: [] };
  const batches = Math.ceil(events.length / batchSize);
  for (let start = 0, b = 1; start < events.length; start += batchSize, b++) {
    let result: IngestResult;
    try {
      result = await client.call('ingestEvents', { body: { events: events.slice(start, start + batchSize) } });
    } catch (err) {
      if (!(err instanceof BallastApiError) || batches === 1) throw err;
      const stored = start === 0 ? 'none was stored' : `events 0-${start - 1} were stored`;
      throw new BallastApiError(
        err.status,
        err.code,
        `${err.message} (batch ${b} of ${batches} refused; ${stored})`,
        err.details.map((d) => ({ ...d, path: shiftPath(d.path, start) })),
      );
    }
    total.created += result.created;
    total.duplicates += result.duplicates;
    for (const r of result.results) total.results.push({ ...r, index: r.index + start });
  }
  return total;
}
