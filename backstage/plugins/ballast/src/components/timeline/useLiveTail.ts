import { useEffect, useState } from 'react';
import type { Event, StreamQueryInput } from '@ballast/contract';
import type { BallastApi } from '../../api/BallastApi';

export type TailState =
  { state: 'off' } | { state: 'connecting' } | { state: 'following' } | { state: 'stopped'; why: string };

/**
 * Follows new events matching `query` while `on`, from `after` (the search's snapshot, so nothing
 * stored between the search and the tail is missed). Events arrive newest first.
 */
export function useLiveTail(
  api: BallastApi,
  query: StreamQueryInput,
  after: number | undefined,
  on: boolean,
): { events: Event[]; tail: TailState } {
  const [events, setEvents] = useState<Event[]>([]);
  const [tail, setTail] = useState<TailState>({ state: 'off' });
  const key = JSON.stringify(query);
  useEffect(() => {
    setEvents([]);
    if (!on || after === undefined) {
      setTail({ state: 'off' });
      return undefined;
    }
    const closed = new AbortController();
    setTail({ state: 'connecting' });
    api
      .tail(JSON.parse(key) as StreamQueryInput, (e) => setEvents((list) => [e, ...list]), {
        signal: closed.signal,
        after,
        onOpen: () => setTail({ state: 'following' }),
      })
      .then(
        () => !closed.signal.aborted && setTail({ state: 'stopped', why: 'the stream ended' }),
        (err: unknown) =>
          !closed.signal.aborted &&
          setTail({ state: 'stopped', why: err instanceof Error ? err.message : String(err) }),
      );
    return () => closed.abort();
  }, [api, key, after, on]);
  return { events, tail };
}
