// The timeline's data: the first page for the filters and window, older pages on demand, and new
// events from the live tail prepended as they commit.
import type { Event, SearchQueryInput } from '@ballast/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BallastApi } from '../api/ballast';
import { startLiveTail, type TailState } from '../api/liveTail';

export interface TimelineFilters {
  q?: string;
  service?: string[];
  environment?: string[];
  source?: string[];
  kind?: string[];
  severity?: string[];
}

export interface TimelineState {
  status: 'loading' | 'ready' | 'error';
  error?: Error;
  events: Event[];
  /** seq of events that arrived through the live tail, to mark them. */
  fresh: Set<number>;
  hasMore: boolean;
  loadingMore: boolean;
  tail: TailState;
  tailError?: Error;
}

const PAGE = 100;

export function useTimeline(
  api: BallastApi,
  filters: TimelineFilters,
  window: { from: string; to: string },
  live: boolean,
): TimelineState & { loadMore: () => void } {
  const [state, setState] = useState<TimelineState>({
    status: 'loading',
    events: [],
    fresh: new Set(),
    hasMore: false,
    loadingMore: false,
    tail: 'stopped',
  });
  const cursor = useRef<string | null>(null);
  const snapshot = useRef<number | undefined>(undefined);
  const generation = useRef(0);
  const key = JSON.stringify({ filters, window });
  const query = useCallback(
    (): SearchQueryInput => ({ ...filters, q: filters.q || undefined, from: window.from, to: window.to, limit: PAGE }),
    // `key` holds every input the query is built from.
    [key],
  );

  useEffect(() => {
    const gen = ++generation.current;
    const ac = new AbortController();
    setState((s) => ({ ...s, status: 'loading', error: undefined, events: [], fresh: new Set(), hasMore: false }));
    api.search(query(), ac.signal).then(
      (page) => {
        if (gen !== generation.current) return;
        cursor.current = page.nextCursor;
        snapshot.current = page.snapshotSeq;
        setState((s) => ({ ...s, status: 'ready', events: page.events, hasMore: page.nextCursor !== null }));
      },
      (error: Error) => {
        if (gen !== generation.current || ac.signal.aborted) return;
        setState((s) => ({ ...s, status: 'error', error }));
      },
    );
    return () => ac.abort();
  }, [api, query]);

  const loadMore = useCallback(() => {
    const next = cursor.current;
    if (!next) return;
    const gen = generation.current;
    cursor.current = null;
    setState((s) => ({ ...s, loadingMore: true }));
    api.search({ ...query(), cursor: next }).then(
      (page) => {
        if (gen !== generation.current) return;
        cursor.current = page.nextCursor;
        setState((s) => ({
          ...s,
          loadingMore: false,
          events: [...s.events, ...page.events],
          hasMore: page.nextCursor !== null,
        }));
      },
      (error: Error) => {
        if (gen !== generation.current) return;
        cursor.current = next;
        setState((s) => ({ ...s, loadingMore: false, status: 'error', error }));
      },
    );
  }, [api, query]);

  const ready = state.status === 'ready';
  useEffect(() => {
    if (!live || !ready) return;
    const { from: _from, to: _to, limit: _limit, ...streamFilters } = query();
    const tail = startLiveTail({
      base: api.base,
      filters: streamFilters as Record<string, string | string[]>,
      after: snapshot.current,
      onEvent: (event) =>
        setState((s) => ({ ...s, events: [event, ...s.events], fresh: new Set(s.fresh).add(event.seq) })),
      onState: (tailState, tailError) => setState((s) => ({ ...s, tail: tailState, tailError })),
    });
    return () => tail.stop();
  }, [api, query, live, ready]);

  return { ...state, loadMore };
}
