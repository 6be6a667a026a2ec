/**
 * The Unleash actuator: turns the policy's flags off in one environment of one Unleash project through
 * the admin API, and back on at the end where they are still off (see `flagActuator.ts`).
 *
 * Unleash's admin API, as used here (an admin API token or a personal access token in `Authorization`):
 * - `GET  /api/admin/projects/{project}/features/{feature}`: the flag with `environments[].enabled`;
 *   404 when there is no such flag in the project, or it is archived;
 * - `POST /api/admin/projects/{project}/features/{feature}/environments/{environment}/off` and `/on`.
 */
import { flagActuator, type FlagService, type FlagState } from './flagActuator.js';
import { HttpStatusError, request } from './http.js';
import type { Actuator } from './actuator.js';

export interface UnleashActuatorOptions {
  /** Unleash's base URL, with its base path if it has one (`https://unleash.example.com`). */
  url: string;
  /** An admin API token (or a personal access token) allowed to update the project's flags. */
  apiToken: string;
  /** Default `default`. */
  project?: string;
  environment: string;
  /** Default `unleash:<environment>`. */
  name?: string;
  /** Each request's limit; default 10 s. */
  timeoutMs?: number;
}

export function unleashActuator(options: UnleashActuatorOptions): Actuator {
  const base = options.url.replace(/\/+$/, '');
  const project = options.project ?? 'default';
  const { environment, apiToken, timeoutMs } = options;
  const name = options.name ?? `unleash:${environment}`;
  const featureUrl = (key: string) =>
    `${base}/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(key)}`;
  const headers = { authorization: apiToken, accept: 'application/json' };

  const service: FlagService = {
    async read(key, signal): Promise<FlagState> {
      try {
        const { json } = await request({
          method: 'GET',
          url: featureUrl(key),
          headers,
          timeoutMs,
          signal,
          who: 'Unleash',
        });
        const envs = (json as { environments?: { name?: unknown; enabled?: unknown }[] } | null)?.environments;
        const env = Array.isArray(envs) ? envs.find((e) => e.name === environment) : undefined;
        if (!env) return { state: 'gone', reason: `has no environment "${environment}" in project "${project}"` };
        if (typeof env.enabled !== 'boolean')
          throw new Error(`Unleash answered a flag without "enabled" for "${environment}"`);
        return { state: env.enabled ? 'on' : 'off' };
      } catch (err) {
        if (err instanceof HttpStatusError && err.status === 404) {
          return {
            state: 'gone',
            reason: `no longer in project "${project}" (deleted or archived; Unleash answered 404)`,
          };
        }
        throw err;
      }
    },
    async set(key, on, _why, signal) {
      // Unleash's toggle endpoints take no comment; its event log names the token that did it.
      const url = `${featureUrl(key)}/environments/${encodeURIComponent(environment)}/${on ? 'on' : 'off'}`;
      await request({ method: 'POST', url, headers, timeoutMs, signal, who: 'Unleash' });
    },
  };
  return flagActuator(name, service);
}
