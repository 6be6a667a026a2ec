// Follows GET /v1/events/stream (Server-Sent Events) through a proxy. Grafana's proxy cuts long
// requests (about 30 s), so a cut stream is resumed with Last-Event-ID = the last seq seen: nothing
// committed in between is lost, and nothing is shown twice.
import type { Event, EventFilters } from '@ballast/contract';
import { createParser } from 'eventsource-parser';
import { readRefusal, withQuery, type FetchLike } from './ballast';

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveTailOptions {
  base: string;
  filters: Partial<Record<keyof EventFilters, string | string[]>>;
  onEvent: (event: Event) => void;
  onState?: (state: TailState, error?: Error) => void;
  /** Resume after this seq (e.g. the snapshot of the page already shown). */
  after?: number;
  fetchImpl?: FetchLike;
  /** Waits before reconnecting: 0.5 s, doubling to 10 s, back to 0.5 s once a stream opened. */
  retryMs?: (attempt: number) => number;
}

export interface LiveTail {
  stop(): void;
  lastSeq(): number | undefined;
}

export function startLiveTail(opts: LiveTailOptions): LiveTail {
  const fetchImpl = opts.fetchImpl ?? ((i, init) => fetch(i, init));
  const retry = opts.retryMs ?? ((n) => Math.min(10_000, 500 * 2 ** n));
  let last = opts.after;
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;

  const seen = (event: Event) => {
    if (last !== undefined && event.seq <= last) return;
    last = event.seq;
    opts.onEvent(event);
  };

  async function connect(): Promise<void> {
    controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (last !== undefined) headers['last-event-id'] = String(last);
    const res = await fetchImpl(withQuery(opts.base + '/events/stream', opts.filters), {
      headers,
      signal: controller.signal,
      credentials: 'same-origin',
    });
    if (!res.ok || !res.body) throw await readRefusal(res);
    attempt = 0;
    opts.onState?.('live');
    const parser = createParser({
      onEvent(msg) {
        if (msg.event !== 'event') return;
        seen(JSON.parse(msg.data) as Event);
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  }

  function loop(): void {
    if (stopped) return;
    connect().then(
      () => schedule(),
      (err: Error) => {
        if (stopped) return;
        // A refusal (401/403/400) will not heal by retrying.
        if ('status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
          stopped = true;
          opts.onState?.('stopped', err);
          return;
        }
        schedule(err);
      },
    );
  }

  function schedule(err?: Error): void {
    if (stopped) return;
    opts.onState?.('reconnecting', err);
    timer = setTimeout(loop, retry(attempt++));
  }

  opts.onState?.('connecting');
  loop();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
      opts.onState?.('stopped');
    },
    lastSeq: () => last,
  };
}
