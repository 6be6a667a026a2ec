/**
 * What every feature-flag actuator does, whatever the flag service: turn the policy's flags off in one
 * environment, remember which were on, and at the end turn back on only those still off as Ballast left
 * them. A flag service plugs in by reading one flag's state and setting it (`FlagService`).
 */
import { z } from 'zod';
import { ActuatorError, type Actuator, type ActuatorPolicy, type RevertReport, type Snapshot } from './actuator.js';

/** One flag as the service has it now, in the actuator's environment. */
export type FlagState = { state: 'on' | 'off' } | { state: 'gone'; reason: string };

export interface FlagService {
  /** Reads one flag; throws (with the HTTP status in the message) when the service refuses or fails. */
  read(key: string, signal: AbortSignal | undefined): Promise<FlagState>;
  /** Turns one flag on or off; `why` says which stabilize did it, for services that keep a comment. */
  set(key: string, on: boolean, why: string, signal: AbortSignal | undefined): Promise<void>;
}

const FlagRecord = z.strictObject({
  /** The flag's state before this stabilize first touched it; only `on` flags are turned on again. */
  before: z.enum(['on', 'off']),
  /** Ballast's turn-off was acknowledged. False while it is unknown whether it took (the call failed). */
  turnedOff: z.boolean(),
  /** When revert turned it back on, so a retried revert counts it as reverted, not as a person's change. */
  restoredAt: z.string().optional(),
});
export type FlagRecord = z.infer<typeof FlagRecord>;

/** The snapshot of a flag actuator, as JSON. */
export const FlagSnapshot = z.strictObject({
  /** The actuator's name (`unleash:production`): a snapshot is only ever handed back to its own actuator. */
  actuator: z.string(),
  stabilizeId: z.string(),
  /** Every flag apply touched or found already off, by key. */
  flags: z.record(z.string(), FlagRecord),
});
export type FlagSnapshot = z.infer<typeof FlagSnapshot>;

function snapshotOf(name: string, stabilizeId: string, given: Snapshot | undefined): FlagSnapshot | undefined {
  if (!given || Object.keys(given).length === 0) return undefined;
  const parsed = FlagSnapshot.safeParse(given);
  if (!parsed.success) {
    throw new Error(
      `${name}: the snapshot handed back is not one of a flag actuator (${parsed.error.issues[0]?.message})`,
    );
  }
  if (parsed.data.actuator !== name) {
    throw new Error(`${name}: the snapshot handed back belongs to ${parsed.data.actuator}`);
  }
  if (parsed.data.stabilizeId !== stabilizeId) {
    throw new Error(
      `${name}: the snapshot handed back belongs to stabilize ${parsed.data.stabilizeId}, not ${stabilizeId}`,
    );
  }
  // A copy: a failed step must not have changed the caller's object under it.
  return structuredClone(parsed.data);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function failed(
  name: string,
  step: string,
  snapshot: FlagSnapshot,
  failures: { key: string; message: string }[],
): ActuatorError {
  const list = failures.map((f) => `"${f.key}": ${f.message}`).join('; ');
  return new ActuatorError(`${name} could not ${step} ${failures.length} flag(s): ${list}`, snapshot, failures);
}

/**
 * An actuator over a flag service. Flags are handled one after another; one flag failing does not stop
 * the others (a stabilize turns off what it can), and the step then throws an `ActuatorError` naming
 * each failed flag with the service's answer, carrying the snapshot of what did happen.
 */
export function flagActuator(name: string, service: FlagService): Actuator {
  return {
    name,

    async apply(policy: ActuatorPolicy, signal?: AbortSignal, previous?: Snapshot): Promise<Snapshot> {
      const snapshot = snapshotOf(name, policy.stabilizeId, previous) ?? {
        actuator: name,
        stabilizeId: policy.stabilizeId,
        flags: {},
      };
      const why = `Ballast stabilize ${policy.stabilizeId} of ${policy.service} in ${policy.environment}: turned off while stabilized`;
      const failures: { key: string; message: string }[] = [];
      for (const key of new Set(policy.flags)) {
        if (signal?.aborted) {
          failures.push({ key, message: 'not attempted: the step was aborted' });
          continue;
        }
        try {
          const now = await service.read(key, signal);
          if (now.state === 'gone') throw new Error(now.reason);
          // Recorded before turning it off: if the answer is lost, the retry still knows it was on.
          const record = (snapshot.flags[key] ??= { before: now.state, turnedOff: false });
          if (now.state === 'on') {
            await service.set(key, false, why, signal);
            delete record.restoredAt;
          }
          if (record.before === 'on') record.turnedOff = true;
        } catch (err) {
          failures.push({ key, message: messageOf(err) });
        }
      }
      if (failures.length > 0) throw failed(name, 'turn off', snapshot, failures);
      return snapshot;
    },

    async revert(given: Snapshot, policy: ActuatorPolicy, signal?: AbortSignal): Promise<RevertReport> {
      const snapshot = snapshotOf(name, policy.stabilizeId, given);
      const report: RevertReport = { reverted: [], leftAlone: [], unchanged: [] };
      if (!snapshot) return report;
      const why = `Ballast stabilize ${policy.stabilizeId} of ${policy.service} in ${policy.environment} ended: turned back on`;
      const failures: { key: string; message: string }[] = [];
      for (const [key, record] of Object.entries(snapshot.flags)) {
        if (record.before === 'off') {
          report.unchanged!.push(key);
          continue;
        }
        if (record.restoredAt) {
          report.reverted.push(key);
          continue;
        }
        if (signal?.aborted) {
          failures.push({ key, message: 'not attempted: the step was aborted' });
          continue;
        }
        try {
          const now = await service.read(key, signal);
          if (now.state === 'gone') {
            report.leftAlone.push({ key, reason: now.reason });
          } else if (now.state === 'on') {
            if (record.turnedOff)
              report.leftAlone.push({ key, reason: 'turned back on by someone during the stabilize' });
            // Ballast's turn-off never took: the flag is as it was.
            else report.unchanged!.push(key);
          } else {
            await service.set(key, true, why, signal);
            record.restoredAt = new Date().toISOString();
            report.reverted.push(key);
          }
        } catch (err) {
          failures.push({ key, message: messageOf(err) });
        }
      }
      if (failures.length > 0) throw failed(name, 'turn back on', snapshot, failures);
      return report;
    },
  };
}
