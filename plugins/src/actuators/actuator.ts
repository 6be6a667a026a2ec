/**
 * Actuators: how a stabilize reaches systems that do not embed the SDK (a flag service, a gateway, an
 * operator's own automation). `apply` enforces the policy and returns a snapshot of what it changed;
 * `revert` undoes only that, given the snapshot, and reports what it left alone.
 */
import type { EffectivePolicy } from '@ballast/contract';

/** The policy an actuator applies: the scope's effective policy while a stabilize holds it. */
export interface ActuatorPolicy extends EffectivePolicy {
  stabilizeId: string;
}

/** What `apply` changed, as JSON, kept on the stabilize until `revert`. */
export type Snapshot = Record<string, unknown>;

export interface RevertReport {
  /** What was put back as it was. */
  reverted: string[];
  /** What was not touched, and why (a person changed it meanwhile). */
  leftAlone: { key: string; reason: string }[];
}

export interface Actuator {
  /** `webhook:hooks.example.com`, `unleash:production`: for acknowledgements and logs. */
  readonly name: string;
  apply(policy: ActuatorPolicy, signal?: AbortSignal): Promise<Snapshot>;
  revert(snapshot: Snapshot, policy: ActuatorPolicy, signal?: AbortSignal): Promise<RevertReport>;
}
