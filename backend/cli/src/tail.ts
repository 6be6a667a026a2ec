/**
 * `ballast events tail`: follows the live stream. Every reconnect resumes after the last seq received,
 * so a server restart or a cut connection loses no event and repeats none.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BallastApiError, type BallastClient, type Event } from '@ballast/contract';
import { Command } from 'commander';
import { networkReason } from './context.js';
import { addFilterOptions, filterQuery, type FilterOptions, type FilterQuery } from './eventFilters.js';
import { eventLines } from './format.js';
import { eprintln, println, UsageError } from './io.js';
import { integer, type CommandContext } from './options.js';

interface TailOptions extends FilterOptions {
  since?: number;
  count?: number;
  json?: boolean;
}

export const RECONNECT_FIRST_MS = 100;
export const RECONNECT_MAX_MS = 5000;

/** Wait before the next attempt after `failures` in a row: 100 ms, doubling, at most 5 s. */
export const reconnectDelay = (failures: number): number =>
  Math.min(RECONNECT_FIRST_MS * 2 ** Math.min(failures, 16), RECONNECT_MAX_MS);

/**
 * Why another try may work (the connection failed or dropped, the server was briefly unable), or
 * undefined when it will not: a refusal such as a revoked key or a bad filter ends the tail.
 */
function retryReason(err: unknown): string | undefined {
  if (err instanceof BallastApiError) {
    return err.status >= 500 || err.status === 429 ? `the server answered ${err.status} ${err.code}` : undefined;
  }
  if (err instanceof TypeError) return `the connection failed (${networkReason(err) ?? err.message})`;
  return undefined;
}

export interface FollowHandlers {
  onEvent(event: Event): void;
  /** Connection news for a person: opened, lost, reconnecting. */
  onNote(line: string): void;
}

/**
 * Streams the events after seq `after` until `signal` aborts, reconnecting whenever the stream ends
 * or drops. A failure before the first connection opens is thrown (a wrong URL should not be retried
 * forever), and so is any refusal. Returns the last seq received.
 */
export async function follow(
  client: BallastClient,
  query: FilterQuery,
  after: number,
  signal: AbortSignal,
  handlers: FollowHandlers,
): Promise<number> {
  let opened = false;
  let failures = 0;
  while (!signal.aborted) {
    let why: string;
    try {
      await client.stream(
        query,
        (event) => {
          after = event.seq;
          handlers.onEvent(event);
        },
        {
          after,
          signal,
          onOpen() {
            handlers.onNote(
              opened
                ? `reconnected; following after seq ${after}`
                : `following events after seq ${after} (Ctrl-C to stop)`,
            );
            opened = true;
            failures = 0;
          },
        },
      );
      why = 'the server ended the stream';
    } catch (err) {
      if (signal.aborted) break;
      const reason = retryReason(err);
      if (reason === undefined || !opened) throw err;
      why = reason;
    }
    if (signal.aborted) break;
    const delay = reconnectDelay(failures++);
    handlers.onNote(`${why}; reconnecting in ${delay} ms after seq ${after}`);
    await sleep(delay, undefined, { signal }).catch(() => {});
  }
  return after;
}

export function tailCommand(ctx: CommandContext): Command {
  return addFilterOptions(
    new Command('tail').description(
      'follow new events as they are stored, with the filters of search; reconnects without losing any',
    ),
  )
    .option('--since <seq>', 'start after this seq: print the events stored since, then follow', integer)
    .option('--count <n>', 'stop after n events', integer)
    .option('--json', 'print each event as one line of JSON (NDJSON)')
    .action(async (text: string | undefined, opts: TailOptions, cmd: Command) => {
      if (opts.since !== undefined && opts.since < 0) throw new UsageError('--since takes a seq: 0 or more');
      if (opts.count !== undefined && opts.count < 1) throw new UsageError('--count must be 1 or more');
      const { client } = ctx.connect(cmd);
      const counted = new AbortController();
      const signal = AbortSignal.any([ctx.io.interrupted(), counted.signal]);
      // Starting from the head's seq rather than "whenever the stream opens" makes the start exact:
      // whatever is stored after this answer is printed.
      const after = opts.since ?? (await client.call('searchEvents', { query: { limit: 1 } })).snapshotSeq;
      let printed = 0;
      await follow(client, filterQuery(text, opts), after, signal, {
        onEvent(event) {
          if (signal.aborted) return; // the rest of a chunk that arrived with the last counted event
          println(ctx.io, opts.json ? JSON.stringify(event) : eventLines([event])[0]!);
          if (++printed === opts.count) counted.abort();
        },
        onNote: (line) => eprintln(ctx.io, line),
      });
    });
}
