/**
 * Who is on call for a service now: the live provider (PagerDuty) first, answers cached up to 60 s per
 * target; the static rotation when no provider is configured or the provider fails, saying why.
 */
import type { OnCallConfig, OnCallNow } from '@ballast/contract';
import { staticOnCall, type OnCallPersonNow, type OnCallProvider } from '@ballast/plugins';

export const ONCALL_CACHE_MS = 60_000;

export function onCallResolver(provider: OnCallProvider | undefined, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; people: OnCallPersonNow[] }>();

  function fromStatic(config: OnCallConfig | undefined, at: number): OnCallPersonNow[] | undefined {
    return config?.static ? staticOnCall(config.static, new Date(at)) : undefined;
  }

  return async function onCallNow(config: OnCallConfig | undefined): Promise<OnCallNow> {
    const at = now();
    const pd = config?.pagerduty;
    if (pd && provider) {
      const key = JSON.stringify([pd.escalationPolicyIds, pd.scheduleIds]);
      const hit = cache.get(key);
      if (hit && at - hit.at < ONCALL_CACHE_MS) {
        return { source: 'pagerduty', people: hit.people, asOf: new Date(hit.at).toISOString() };
      }
      try {
        const people = await provider.whoIsOnCall(pd, new Date(at));
        if (cache.size > 10_000) cache.clear();
        cache.set(key, { at, people });
        return { source: 'pagerduty', people, asOf: new Date(at).toISOString() };
      } catch (err) {
        const reason = `${provider.id}: ${(err as Error).message}`;
        const people = fromStatic(config, at);
        return {
          source: people ? 'static' : 'none',
          people: people ?? [],
          asOf: new Date(at).toISOString(),
          fallbackReason: people ? reason : `${reason}; no static rotation to fall back on`,
        };
      }
    }
    const people = fromStatic(config, at);
    return {
      source: people ? 'static' : 'none',
      people: people ?? [],
      asOf: new Date(at).toISOString(),
      ...(pd && !provider && { fallbackReason: 'PagerDuty is named but the server has no PagerDuty token' }),
    };
  };
}
export type OnCallResolver = ReturnType<typeof onCallResolver>;
