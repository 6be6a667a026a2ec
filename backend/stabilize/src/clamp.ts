/**
 * The rate clamp both middlewares enforce: the profile's limits as token buckets in this instance.
 * A `divide_total` limit is shared: this instance takes limit / instances. In a shadow period nothing
 * is shed, but what would have been is counted, so a team sees the effect before it bites.
 */
import type { EffectivePolicy } from '@ballast/contract';
import type { PolicyClient } from './policyClient.js';
import { TokenBucket } from './tokenBucket.js';

export interface ClampOptions {
  /**
   * How many instances share a `divide_total` limit (a number, or a function asked again every few
   * seconds). Default: the count Ballast gives the client from every instance's heartbeat.
   */
  instances?: number | (() => number);
  now?: () => number;
}

export interface ClampStats {
  /** Let through while a clamp applied (enforce or shadow). */
  allowed: number;
  /** Answered 503 (enforce). */
  shed: number;
  /** Would have been shed (shadow). */
  wouldShed: number;
}

export type Verdict = { allow: true } | { allow: false; retryAfterSeconds: number };
const ALLOW: Verdict = { allow: true };

interface RouteRule {
  method: string | undefined;
  path: string;
  prefix: boolean;
  bucket: TokenBucket;
}

/** `GET /search`, `/api/export/*`: an optional method, then a path, `*` at the end matching any rest. */
function parseRoute(route: string): Omit<RouteRule, 'bucket'> {
  const [first, ...rest] = route.trim().split(/\s+/);
  const hasMethod = rest.length > 0;
  const path = hasMethod ? rest.join(' ') : first!;
  const prefix = path.endsWith('*');
  return { method: hasMethod ? first!.toUpperCase() : undefined, path: prefix ? path.slice(0, -1) : path, prefix };
}

export function createClamp(client: PolicyClient, options: ClampOptions = {}) {
  const now = options.now ?? Date.now;
  const instancesNow = () => {
    const n = typeof options.instances === 'function' ? options.instances() : (options.instances ?? client.instances());
    return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
  };
  const stats: ClampStats = { allowed: 0, shed: 0, wouldShed: 0 };
  let built: { policy: EffectivePolicy; instances: number; at: number } | undefined;
  let total: TokenBucket | undefined;
  let routes: RouteRule[] = [];

  function build(policy: EffectivePolicy) {
    const instances = instancesNow();
    built = { policy, instances, at: now() };
    const clamp = policy.mode === 'normal' ? undefined : policy.rateClamp;
    if (!clamp) {
      total = undefined;
      routes = [];
      return;
    }
    const share = (rate: number) => (clamp.split === 'divide_total' ? rate / instances : rate);
    total = new TokenBucket(share(clamp.requestsPerSecond), undefined, now());
    routes = clamp.routes.map((r) => ({
      ...parseRoute(r.route),
      bucket: new TokenBucket(share(r.requestsPerSecond), undefined, now()),
    }));
  }

  return {
    stats,
    /** Whether a request may go on; call once per request. */
    check(method: string, path: string): Verdict {
      const policy = client.policy();
      // Running normally (or no clamp in the profile): nothing to count, and no clock to read.
      if (!total && built?.policy === policy) return ALLOW;
      if (!built || built.policy !== policy || now() - built.at > 5000) {
        if (!built || built.policy !== policy || instancesNow() !== built.instances) build(policy);
        else built.at = now();
      }
      if (!total) return ALLOW;
      const t = now();
      const m = method.toUpperCase();
      let verdict: Verdict = { allow: true };
      for (const r of routes) {
        if (r.method && r.method !== m) continue;
        if (r.prefix ? !path.startsWith(r.path) : path !== r.path) continue;
        const got = r.bucket.take(t);
        if (!got.ok) verdict = { allow: false, retryAfterSeconds: got.retryAfterSeconds };
      }
      if (verdict.allow) {
        const got = total.take(t);
        if (!got.ok) verdict = { allow: false, retryAfterSeconds: got.retryAfterSeconds };
      }
      if (verdict.allow) {
        stats.allowed++;
        return verdict;
      }
      if (policy.mode === 'shadow') {
        stats.wouldShed++;
        return { allow: true };
      }
      stats.shed++;
      return verdict;
    },
  };
}

export type Clamp = ReturnType<typeof createClamp>;
