import { z } from 'zod';

/**
 * What an environment's policy says about stabilize mode (`stabilize:` in ballast.config.yaml):
 * whether a second person must approve, and how long it may last.
 */
export const EnvironmentPolicy = z.strictObject({
  /** A second person with `stabilize:approve` must approve entering and extending. */
  requireApproval: z.boolean().optional(),
  defaultTtlMinutes: z.number().int().min(1).optional(),
  maxTtlMinutes: z.number().int().min(1).optional(),
  /** Break-glass enters at once, for at most this long. */
  breakGlassMaxTtlMinutes: z.number().int().min(1).optional(),
  /** A request nobody approves within this time expires. */
  approvalTimeoutMinutes: z.number().int().min(1).optional(),
});

export const StabilizeConfig = z
  .strictObject({
    /** Applies to every environment; `environments.<name>` overrides it field by field. */
    defaults: EnvironmentPolicy.default({}),
    environments: z.record(z.string(), EnvironmentPolicy).default({ production: { requireApproval: true } }),
  })
  .default({ defaults: {}, environments: { production: { requireApproval: true } } });
export type StabilizeConfig = z.infer<typeof StabilizeConfig>;

export interface ResolvedPolicy {
  requireApproval: boolean;
  defaultTtlMinutes: number;
  maxTtlMinutes: number;
  breakGlassMaxTtlMinutes: number;
  approvalTimeoutMinutes: number;
}

const BUILT_IN: ResolvedPolicy = {
  requireApproval: false,
  defaultTtlMinutes: 60,
  maxTtlMinutes: 240,
  breakGlassMaxTtlMinutes: 30,
  approvalTimeoutMinutes: 30,
};

/** The policy of one environment: built-in values, then `defaults`, then the environment's own. */
export function policyFor(config: StabilizeConfig, environment: string): ResolvedPolicy {
  const own = config.environments[environment] ?? {};
  const merged = { ...BUILT_IN };
  for (const layer of [config.defaults, own]) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  return merged;
}
