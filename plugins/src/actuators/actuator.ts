/**
 * Actuators: how a stabilize reaches systems that do not embed the SDK (a flag service, a gateway, an
 * operator's own automation). `apply` enforces the policy and returns a snapshot of what it changed;
 * `revert` undoes only that, given the snapshot, and reports what it left alone.
 *
 * The caller's contract (what the server's delivery queue does):
 * - keep the snapshot `apply` returns on the stabilize, replacing any earlier one;
 * - when a step throws an `ActuatorError`, keep its `snapshot` in place of the one it had (part of the
 *   work may be done), and hand it back: as `previous` to the next `apply`, or to `revert` when the
 *   stabilize ends instead;
 * - retrying `apply` for the same stabilize with `previous` is safe: what `previous` recorded as the
 *   state before the stabilize stays the state before, however often `apply` runs.
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
  /** What apply had found already as the policy wanted (a flag already off), so there was nothing to put back. */
  unchanged?: string[];
}

export interface Actuator {
  /** `webhook:hooks.example.com`, `unleash:production`: for acknowledgements and logs. */
  readonly name: string;
  /**
   * Enforces the policy. `previous`: the snapshot of an earlier attempt for the same stabilize (a
   * returned one, or an `ActuatorError`'s), so a retry keeps what that attempt recorded.
   */
  apply(policy: ActuatorPolicy, signal?: AbortSignal, previous?: Snapshot): Promise<Snapshot>;
  revert(snapshot: Snapshot, policy: ActuatorPolicy, signal?: AbortSignal): Promise<RevertReport>;
}

/**
 * A step that failed, possibly part way: `snapshot` is what is in effect now (what the step did before
 * it failed, merged with the snapshot it was given). Keep it in place of the old one and pass it to the
 * retry or to `revert`; `failures` names each item that failed and why.
 */
export class ActuatorError extends Error {
  override name = 'ActuatorError';
  constructor(
    message: string,
    readonly snapshot: Snapshot,
    readonly failures: { key: string; message: string }[],
  ) {
    super(message);
  }
}
