import { z } from 'zod';
import { ActuatorConfig, actuatorName, createActuator } from '@ballast/plugins';
import type { ConfiguredActuator } from './delivery.js';

/**
 * Actuators stabilizes are delivered to (`actuators:` in ballast.config.yaml): each entry is one of
 * the plugins' actuator configurations (webhook, unleash, launchdarkly) plus the tenant it serves and,
 * optionally, the environments it is limited to. `actuatorRetry:` says how a failed step is retried.
 */
const Scope = z.strictObject({
  tenant: z.string().min(1).default('default'),
  /** Only stabilizes in these environments; all when absent. */
  environments: z.array(z.string().min(1)).min(1).optional(),
});

const Entry = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const { tenant, environments, ...rest } = raw;
  const scope = Scope.safeParse({ tenant, environments });
  const config = ActuatorConfig.safeParse(rest);
  for (const issue of [...(scope.error?.issues ?? []), ...(config.error?.issues ?? [])])
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as (string | number)[] });
  if (!scope.success || !config.success) return z.NEVER;
  return { ...scope.data, config: config.data, name: actuatorName(config.data) };
});

export const ActuatorsConfig = z
  .array(Entry)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      const key = `${a.tenant}\n${a.name}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `two actuators of tenant ${a.tenant} are named ${a.name}; give one a distinct name`,
        });
      seen.add(key);
    });
  });
export type ActuatorsConfig = z.infer<typeof ActuatorsConfig>;

export const ActuatorRetryConfig = z
  .strictObject({
    /** Attempts of one step before it is marked failed (a person retries it from the API). */
    maxAttempts: z.number().int().min(1).max(50).default(5),
    /** Wait before the second attempt; each later one waits three times longer, at most 10 min. */
    firstDelayMs: z.number().int().min(100).default(5_000),
  })
  .default({ maxAttempts: 5, firstDelayMs: 5_000 });

export function actuatorsFromConfig(list: ActuatorsConfig): ConfiguredActuator[] {
  return list.map((a) => ({
    tenant: a.tenant,
    ...(a.environments && { environments: a.environments }),
    actuator: createActuator(a.config),
  }));
}
