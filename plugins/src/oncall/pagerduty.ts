/**
 * PagerDuty's REST API v2 `GET /oncalls`: who is on call now for escalation policies and schedules.
 * Authenticated with a REST API key (`Authorization: Token token=…`).
 */
import { OnCallUnavailable, type OnCallPersonNow, type OnCallProvider, type OnCallTarget } from './provider.js';

export interface PagerDutyOptions {
  token: string;
  /** `https://api.pagerduty.com`, or `https://api.eu.pagerduty.com` for the EU service region. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface OnCallEntry {
  escalation_level?: unknown;
  end?: unknown;
  user?: { summary?: unknown; name?: unknown; email?: unknown; html_url?: unknown } | null;
}

const PAGE = 100;
const MAX_PAGES = 5;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The people in an on-calls answer, first escalation level first, each person once (at their lowest level). */
export function peopleFromOnCalls(body: unknown): OnCallPersonNow[] {
  const list = (body as { oncalls?: unknown } | null)?.oncalls;
  if (!Array.isArray(list)) throw new OnCallUnavailable('PagerDuty answered without an oncalls list');
  const byKey = new Map<string, OnCallPersonNow>();
  for (const raw of list as OnCallEntry[]) {
    const user = raw?.user;
    const name = str(user?.name) ?? str(user?.summary);
    if (!name) continue;
    const level = typeof raw.escalation_level === 'number' ? raw.escalation_level : 1;
    const email = str(user?.email);
    const key = email ?? name;
    const seen = byKey.get(key);
    if (seen && seen.level <= level) continue;
    const until = str(raw.end);
    const url = str(user?.html_url);
    byKey.set(key, {
      name,
      ...(email !== undefined && { email }),
      level,
      ...(until !== undefined && { until }),
      ...(url !== undefined && { url }),
    });
  }
  return [...byKey.values()].sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
}

export function pagerDutyOnCall(options: PagerDutyOptions): OnCallProvider {
  const base = (options.baseUrl ?? 'https://api.pagerduty.com').replace(/\/$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  async function getJson(url: URL, signal: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: {
          accept: 'application/vnd.pagerduty+json;version=2',
          authorization: `Token token=${options.token}`,
        },
        signal,
      });
    } catch (err) {
      throw new OnCallUnavailable(`PagerDuty did not answer: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new OnCallUnavailable(`PagerDuty answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
    try {
      return await res.json();
    } catch {
      throw new OnCallUnavailable('PagerDuty answered with something that is not JSON');
    }
  }

  return {
    id: 'pagerduty',
    async whoIsOnCall(target: OnCallTarget, at: Date, signal?: AbortSignal) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
      const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const all: unknown[] = [];
      // Classic pagination: follow `more` with `offset`, a few pages at most (100 entries each).
      for (let offset = 0, page = 0; page < MAX_PAGES; page++) {
        const url = new URL(base + '/oncalls');
        for (const id of target.escalationPolicyIds) url.searchParams.append('escalation_policy_ids[]', id);
        for (const id of target.scheduleIds) url.searchParams.append('schedule_ids[]', id);
        url.searchParams.set('since', at.toISOString());
        url.searchParams.set('until', new Date(at.getTime() + 1000).toISOString());
        url.searchParams.append('include[]', 'users');
        url.searchParams.set('limit', String(PAGE));
        url.searchParams.set('offset', String(offset));
        const body = await getJson(url, abort);
        const list = (body as { oncalls?: unknown } | null)?.oncalls;
        if (!Array.isArray(list)) throw new OnCallUnavailable('PagerDuty answered without an oncalls list');
        all.push(...(list as unknown[]));
        if ((body as { more?: unknown }).more !== true || list.length === 0) break;
        offset += list.length;
      }
      return peopleFromOnCalls({ oncalls: all });
    },
  };
}
