import type { RootConfigService, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';

export interface ModuleConfig {
  baseUrl: string;
  apiKey: string;
  timelineUrl: string;
  runbookUrl: string;
  indexRefresh: HumanDuration;
  push: { enabled: boolean; frequency: HumanDuration };
}

const duration = (config: RootConfigService, key: string, fallback: HumanDuration): HumanDuration =>
  config.has(key) ? readDurationFromConfig(config, { key }) : fallback;

/** Reads `ballast.*` once at start; a wrong value stops the backend with one clear line. */
export function readModuleConfig(config: RootConfigService): ModuleConfig {
  const baseUrl = config.getString('ballast.baseUrl').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new Error(`ballast.baseUrl must be an http(s) URL, got "${baseUrl}"`);
  const app = (config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000').replace(/\/+$/, '');
  const timelineUrl = config.getOptionalString('ballast.timelineUrl') ?? `${app}/ballast/timeline?service={service}`;
  const runbookUrl = config.getOptionalString('ballast.runbookUrl') ?? `${app}/ballast/runbooks/{id}`;
  if (!timelineUrl.includes('{service}')) throw new Error('ballast.timelineUrl must contain {service}');
  if (!runbookUrl.includes('{id}')) throw new Error('ballast.runbookUrl must contain {id}');
  return {
    baseUrl,
    apiKey: config.getOptionalString('ballast.catalog.apiKey') ?? config.getString('ballast.apiKey'),
    timelineUrl,
    runbookUrl,
    indexRefresh: duration(config, 'ballast.catalog.indexRefresh', { minutes: 5 }),
    push: {
      enabled: config.getOptionalBoolean('ballast.catalog.push.enabled') ?? true,
      frequency: duration(config, 'ballast.catalog.push.frequency', { minutes: 10 }),
    },
  };
}

export const schedule = (
  frequency: HumanDuration,
  initialDelay?: HumanDuration,
): SchedulerServiceTaskScheduleDefinition => ({
  frequency,
  timeout: { minutes: 5 },
  ...(initialDelay && { initialDelay }),
});
