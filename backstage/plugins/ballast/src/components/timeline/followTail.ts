/**
 * The live tail that survives a dropped stream: when the stream ends or the connection fails, it
 * connects again after a pause (1 s, doubling to 15 s) and resumes after the last event seen
 * (`Last-Event-ID`), so nothing is lost and nothing comes twice. A refusal (not signed in, not allowed,
 * a bad query) stops it: asking again would be refused again.
 */
import type { Event, StreamQueryInput } from '@ballast/contract';
import type { BallastApi } from '../../api/BallastApi';

export type TailState =
  | { state: 'off' }
  | { state: 'connecting' }
  | { state: 'following' }
  | { state: 'reconnecting'; why: string }
  | { state: 'stopped'; why: string };

export interface FollowOptions {
  /** Resume after this seq (the search's snapshot, so nothing stored between the two is missed). */
  after: number;
  signal: AbortSignal;
  onEvent(event: Event): void;
  onState(state: TailState): void;
  /** Pauses before reconnecting; the last repeats. */
  pausesMs?: readonly number[];
}

const PAUSES_MS = [1000, 2000, 4000, 8000, 15_000];

const isRefusal = (err: unknown) => {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
};

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export async function followTail(api: BallastApi, query: StreamQueryInput, o: FollowOptions): Promise<void> {
  const pauses = o.pausesMs ?? PAUSES_MS;
  let after = o.after;
  let failures = 0;
  let why = '';
  while (!o.signal.aborted) {
    o.onState(failures === 0 ? { state: 'connecting' } : { state: 'reconnecting', why });
    try {
      await api.tail(
        query,
        (event) => {
          if (event.seq <= after) return; // already shown before a reconnect
          after = event.seq;
          o.onEvent(event);
        },
        {
          signal: o.signal,
          after,
          onOpen: () => {
            failures = 0;
            o.onState({ state: 'following' });
          },
        },
      );
      why = 'the stream ended';
    } catch (err) {
      if (o.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      if (isRefusal(err)) {
        o.onState({ state: 'stopped', why: message });
        return;
      }
      why = message;
    }
    if (o.signal.aborted) return;
    await pause(pauses[Math.min(failures, pauses.length - 1)]!, o.signal);
    failures++;
  }
}
