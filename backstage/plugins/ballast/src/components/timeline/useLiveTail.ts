import { useEffect, useState } from 'react';
import type { Event, StreamQueryInput } from '@ballast/contract';
import type { BallastApi } from '../../api/BallastApi';
import { followTail, type TailState } from './followTail';

export type { TailState } from './followTail';

/**
 * Follows new events matching `query` while `on`, from `after` (the search's snapshot, so nothing
 * stored between the search and the tail is missed), reconnecting when the stream drops. Events
 * arrive newest first.
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
    void followTail(api, JSON.parse(key) as StreamQueryInput, {
      after,
      signal: closed.signal,
      onEvent: (e) => setEvents((list) => [e, ...list]),
      onState: (s) => !closed.signal.aborted && setTail(s),
    });
    return () => closed.abort();
  }, [api, key, after, on]);
  return { events, tail };
}
