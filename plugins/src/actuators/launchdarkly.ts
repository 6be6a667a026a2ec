/**
 * The LaunchDarkly actuator: turns the policy's flags' targeting off in one environment through
 * LaunchDarkly's REST API v2, and back on at the end where they are still off (see `flagActuator.ts`).
 *
 * As documented by LaunchDarkly (access token in `Authorization`, no scheme):
 * - `GET /api/v2/flags/{projectKey}/{flagKey}?env={environmentKey}`: the flag, with `archived` and
 *   `environments.{environmentKey}.on`; 404 when there is no such flag;
 * - `PATCH /api/v2/flags/{projectKey}/{flagKey}` with
 *   `Content-Type: application/json; domain-model=launchdarkly.semanticpatch` and
 *   `{ environmentKey, comment, instructions: [{ kind: "turnFlagOff" | "turnFlagOn" }] }`.
 *   The comment names the stabilize, and shows in LaunchDarkly's audit log.
 */
import { flagActuator, type FlagService, type FlagState } from './flagActuator.js';
import { HttpStatusError, request } from './http.js';
import type { Actuator } from './actuator.js';

export const LAUNCHDARKLY_SEMANTIC_PATCH = 'application/json; domain-model=launchdarkly.semanticpatch';

export interface LaunchDarklyActuatorOptions {
  /** Default `https://app.launchdarkly.com` (the EU and federal instances have their own). */
  baseUrl?: string;
  /** A LaunchDarkly access token allowed to update the project's flags in the environment. */
  apiToken: string;
  projectKey: string;
  environmentKey: string;
  /** Default `launchdarkly:<environmentKey>`. */
  name?: string;
  /** Each request's limit; default 10 s. */
  timeoutMs?: number;
}

interface LaunchDarklyFlag {
  archived?: unknown;
  environments?: Record<string, { on?: unknown } | undefined>;
}

export function launchDarklyActuator(options: LaunchDarklyActuatorOptions): Actuator {
  const base = (options.baseUrl ?? 'https://app.launchdarkly.com').replace(/\/+$/, '');
  const { projectKey, environmentKey, apiToken, timeoutMs } = options;
  const name = options.name ?? `launchdarkly:${environmentKey}`;
  const flagUrl = (key: string) => `${base}/api/v2/flags/${encodeURIComponent(projectKey)}/${encodeURIComponent(key)}`;
  const who = 'LaunchDarkly';

  const service: FlagService = {
    async read(key, signal): Promise<FlagState> {
      try {
        const url = `${flagUrl(key)}?env=${encodeURIComponent(environmentKey)}`;
        const { json } = await request({
          method: 'GET',
          url,
          headers: { authorization: apiToken, accept: 'application/json' },
          timeoutMs,
          signal,
          who,
        });
        const flag = json as LaunchDarklyFlag | null;
        if (flag?.archived === true) return { state: 'gone', reason: `archived in project "${projectKey}"` };
        const env = flag?.environments?.[environmentKey];
        if (!env) return { state: 'gone', reason: `has no environment "${environmentKey}" in project "${projectKey}"` };
        if (typeof env.on !== 'boolean')
          throw new Error(`LaunchDarkly answered a flag without "on" for "${environmentKey}"`);
        return { state: env.on ? 'on' : 'off' };
      } catch (err) {
        if (err instanceof HttpStatusError && err.status === 404) {
          return { state: 'gone', reason: `no longer in project "${projectKey}" (deleted; LaunchDarkly answered 404)` };
        }
        throw err;
      }
    },
    async set(key, on, why, signal) {
      const body = JSON.stringify({
        environmentKey,
        comment: why,
        instructions: [{ kind: on ? 'turnFlagOn' : 'turnFlagOff' }],
      });
      await request({
        method: 'PATCH',
        url: flagUrl(key),
        headers: { authorization: apiToken, 'content-type': LAUNCHDARKLY_SEMANTIC_PATCH, accept: 'application/json' },
        body,
        timeoutMs,
        signal,
        who,
      });
    },
  };
  return flagActuator(name, service);
}
