/**
 * The policy client: follows a scope's effective policy from Ballast, over Server-Sent Events, with
 * ETag long-polling when the stream cannot be had, reconnecting with backoff across Ballast restarts.
 * It never keeps a service clamped on its own: the policy it holds ends at its `expiresAt` even when
 * Ballast cannot be reached, and a shadow period turns into enforcement at `enforceFrom` locally too.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { createParser } from 'eventsource-parser';
import type { Breakers, EffectivePolicy, QueueRule } from '@ballast/contract';

export interface PolicyClientOptions {
  /** Ballast's URL, e.g. https://ballast.example.com */
  baseUrl: string;
  /** A key with `gate:read` (the viewer role is enough). */
  apiKey: string;
  service: string;
  environment: string;
  /** What this instance calls itself in Ballast's view (default `hostname:pid`). */
  instanceId?: string;
  /** First wait before reconnecting (default 1 s), doubled up to `maxRetryMs` (default 30 s). */
  retryMs?: number;
  maxRetryMs?: number;
  /** Long-poll wait when streaming is not possible (seconds, at most 25). */
  pollWaitSeconds?: number;
  /** How often this instance tells Ballast it follows the scope (default 15 s; 0 never). */
  heartbeatMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export type PolicyMode = EffectivePolicy['mode'];

export interface PolicyClientEvents {
  change: [policy: EffectivePolicy, previous: EffectivePolicy];
  error: [err: Error];
}

const normalOf = (service: string, environment: string): EffectivePolicy => ({
  service,
  environment,
  mode: 'normal',
  queues: [],
  flags: [],
  deployFreeze: false,
});

/** The policy as it stands at `now`: over at `expiresAt`, enforced from `enforceFrom`, whatever Ballast last said. */
export function effectiveAt(raw: EffectivePolicy, now: number): EffectivePolicy {
  if (raw.mode === 'normal') return raw;
  if (raw.expiresAt && Date.parse(raw.expiresAt) <= now) return normalOf(raw.service, raw.environment);
  if (raw.mode === 'shadow' && raw.enforceFrom && Date.parse(raw.enforceFrom) <= now) {
    const { enforceFrom: _done, ...rest } = raw;
    return { ...rest, mode: 'enforce' };
  }
  return raw;
}

export class PolicyClient extends EventEmitter<PolicyClientEvents> {
  private raw: EffectivePolicy;
  private current: EffectivePolicy;
  private etag: string | undefined;
  private stopped = false;
  private abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private beat: NodeJS.Timeout | undefined;
  private instanceCount = 1;
  private firstAnswer!: () => void;
  private readonly answered = new Promise<void>((r) => (this.firstAnswer = r));
  private readonly opts: Required<Omit<PolicyClientOptions, 'fetch' | 'now'>> & {
    fetch: typeof fetch;
    now: () => number;
  };

  constructor(options: PolicyClientOptions) {
    super();
    this.opts = {
      instanceId: `${hostname()}:${process.pid}`,
      retryMs: 1000,
      maxRetryMs: 30_000,
      pollWaitSeconds: 25,
      heartbeatMs: 15_000,
      fetch: globalThis.fetch.bind(globalThis),
      now: Date.now,
      ...options,
      baseUrl: options.baseUrl.replace(/\/$/, ''),
    };
    this.raw = normalOf(options.service, options.environment);
    this.current = this.raw;
  }

  /** Starts following; resolves once Ballast answered or could not be reached (it never throws). */
  start(): Promise<void> {
    if (!this.loop) {
      this.loop = this.run();
      if (this.opts.heartbeatMs > 0) {
        void this.heartbeat();
        this.beat = setInterval(() => void this.heartbeat(), this.opts.heartbeatMs);
        this.beat.unref?.();
      }
    }
    return this.answered;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    clearTimeout(this.timer);
    clearInterval(this.beat);
    await this.loop;
  }

  /** How many instances follow this scope, as Ballast last said (1 until it has). */
  instances(): number {
    return this.instanceCount;
  }

  /** Tells Ballast this instance follows the scope; learns how many do. Failures keep the last count. */
  private async heartbeat(): Promise<void> {
    try {
      const res = await this.opts.fetch(this.scopePath(`/instances/${encodeURIComponent(this.opts.instanceId)}`), {
        method: 'PUT',
        headers: this.headers(),
        signal: this.abort.signal,
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        return;
      }
      const { instances } = (await res.json()) as { instances: number };
      if (Number.isInteger(instances) && instances >= 1) this.instanceCount = instances;
    } catch {
      /* Ballast unreachable: keep the last count */
    }
  }

  /** The policy to obey now. */
  policy(): EffectivePolicy {
    return this.current;
  }
  mode(): PolicyMode {
    return this.current.mode;
  }
  /** Breaker thresholds while stabilized, undefined otherwise (use your own). */
  breakers(): Breakers | undefined {
    return this.current.mode === 'normal' ? undefined : this.current.breakers;
  }
  /** What to do with a queue now: its rule while stabilized, `normal` otherwise. */
  queue(name: string): QueueRule | { name: string; action: 'normal' } {
    return this.current.queues.find((q) => q.name === name) ?? { name, action: 'normal' };
  }
  /** Whether stabilize turns this feature flag off now (in enforce mode only). */
  flagOff(key: string): boolean {
    return this.current.mode === 'enforce' && this.current.flags.includes(key);
  }

  private scopePath(suffix: string) {
    const { baseUrl, service, environment } = this.opts;
    return `${baseUrl}/v1/stabilize/${encodeURIComponent(service)}/${encodeURIComponent(environment)}${suffix}`;
  }
  private path(suffix = '') {
    return this.scopePath(`/policy${suffix}`);
  }
  private headers(extra: Record<string, string> = {}) {
    return { authorization: `Bearer ${this.opts.apiKey}`, 'x-ballast-instance': this.opts.instanceId, ...extra };
  }

  /** Takes a policy from Ballast (or the local clock) and tells listeners when what to obey changed. */
  private accept(raw: EffectivePolicy | null): void {
    if (raw) this.raw = raw;
    const previous = this.current;
    const next = effectiveAt(this.raw, this.opts.now());
    this.current = next;
    clearTimeout(this.timer);
    const times = [next.enforceFrom, next.expiresAt].filter((t): t is string => t !== undefined).map(Date.parse);
    if (times.length && !this.stopped) {
      const wait = Math.max(0, Math.min(...times) - this.opts.now()) + 5;
      this.timer = setTimeout(() => this.accept(null), wait);
      this.timer.unref?.();
    }
    if (JSON.stringify(previous) !== JSON.stringify(next)) this.emit('change', next, previous);
  }

  private async run(): Promise<void> {
    let wait = this.opts.retryMs;
    while (!this.stopped) {
      let progressed = false;
      try {
        progressed = await this.stream();
      } catch (err) {
        if (this.stopped) break;
        this.reportError(err);
        // The stream could not be had: keep the policy fresh by long-polling until that fails too.
        try {
          progressed = await this.poll();
        } catch (pollErr) {
          if (!this.stopped) this.reportError(pollErr);
        }
      }
      this.firstAnswer();
      if (this.stopped) break;
      wait = progressed ? this.opts.retryMs : Math.min(wait * 2, this.opts.maxRetryMs);
      await new Promise((r) => {
        const t = setTimeout(r, wait);
        this.abort.signal.addEventListener('abort', () => (clearTimeout(t), r(undefined)), { once: true });
      });
    }
  }

  private reportError(err: unknown) {
    if (this.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new Error(String(err)));
  }

  /** Follows the SSE stream until it ends; true when at least one policy arrived. */
  private async stream(): Promise<boolean> {
    const res = await this.opts.fetch(this.path('/stream'), {
      headers: this.headers({ accept: 'text/event-stream' }),
      signal: this.abort.signal,
    });
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new Error(`policy stream answered ${res.status}`);
    }
    let got = false;
    const parser = createParser({
      onEvent: (e) => {
        if (e.event !== 'policy') return;
        got = true;
        this.etag = e.id;
        this.accept(JSON.parse(e.data) as EffectivePolicy);
        this.firstAnswer();
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (err) {
      if (!this.stopped && !got) throw err;
    }
    return got;
  }

  /** Long-polls with the ETag until a request fails; true when at least one answer came. */
  private async poll(): Promise<boolean> {
    let got = false;
    while (!this.stopped) {
      const res = await this.opts.fetch(`${this.path()}?wait=${this.opts.pollWaitSeconds}`, {
        headers: this.headers(this.etag ? { 'if-none-match': this.etag } : {}),
        signal: this.abort.signal,
      });
      if (res.status === 304) {
        await res.body?.cancel();
        got = true;
        this.firstAnswer();
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`policy answered ${res.status}`);
      }
      this.etag = res.headers.get('etag') ?? undefined;
      this.accept((await res.json()) as EffectivePolicy);
      got = true;
      this.firstAnswer();
    }
    return got;
  }
}
