import { z } from 'zod';
import { Actor, ServiceName, Timestamp } from './event.js';

/** The deploy gate: may this service be deployed to this environment now, and if not, why. */

export const GateQuery = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
});

export const GateReason = z.strictObject({
  code: z.enum(['stabilized', 'budget_exhausted', 'freeze_window']),
  message: z.string(),
  /** `stabilized`: the stabilize; `budget_exhausted`: the SLOs out of budget; `freeze_window`: its name. */
  stabilizeId: z.string().optional(),
  sloIds: z.array(z.string()).optional(),
  freezeWindow: z.string().optional(),
});
export type GateReason = z.infer<typeof GateReason>;

export const GateOverrideInfo = z.strictObject({
  by: Actor,
  reason: z.string(),
  expiresAt: Timestamp,
});

export const GateDecision = z.strictObject({
  allowed: z.boolean(),
  service: ServiceName,
  environment: ServiceName,
  /** What stands against a deploy now; may be non-empty when an override allows it anyway. */
  reasons: z.array(GateReason),
  stabilizeId: z.string().optional(),
  /** The lowest budget remaining among the service's SLOs (1 = untouched, ≤ 0 = exhausted). */
  budgetRemaining: z.number().optional(),
  override: GateOverrideInfo.optional(),
  checkedAt: Timestamp,
});
export type GateDecision = z.infer<typeof GateDecision>;

export const GateOverrideRequest = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  reason: z.string().trim().min(3, 'say why, in a few words').max(1000),
  /** How long deploys are let through despite the gate (default 60, at most 24 h). */
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
});
