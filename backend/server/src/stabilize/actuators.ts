import { z } from 'zod';
import { webhookActuator } from '@ballast/plugins';
import type { ConfiguredActuator } from './delivery.js';

/**
 * Actuators stabilizes are delivered to (`actuators:` in ballast.config.yaml), each for one tenant and
 * optionally only some environments, and how a failed step is retried (`actuatorRetry:`).
 */
const Scope = {
  tenant: z.string().min(1).default('default'),
  /** Only stabilizes in these environments; all when absent. */
  environments: z.array(z.string().min(1)).min(1).optional(),
};

const Entry = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.string().min(16, 'webhook secrets must be at least 16 characters'),
    name: z.string().min(1).optional(),
    ...Scope,
  }),
]);

export const ActuatorsConfig = z
  .array(Entry)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      const key = `${a.tenant}\n${nameOf(a)}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `two actuators named ${nameOf(a)}; give one a name`,
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

function nameOf(a: z.infer<typeof Entry>): string {
  return a.name ?? `webhook:${new URL(a.url).host}`;
}

export function actuatorsFromConfig(list: ActuatorsConfig): ConfiguredActuator[] {
  return list.map((a) => ({
    tenant: a.tenant,
    ...(a.environments && { environments: a.environments }),
    actuator: webhookActuator(a.url, a.secret, nameOf(a)),
  }));
}
