/**
 * What a delivery step leads to on the stabilize, pure: the timeline events (an actuator failing,
 * every actuator applied) and, when the last revert is acknowledged or one gives up, the end of
 * `exiting` through the state machine.
 */
import type { Stabilize } from '@ballast/contract';
import type { ActuationRow } from './delivery.js';
import * as machine from './machine.js';

/** The stabilize events a delivery step leads to, and whether it ends an `exiting` stabilize. */
export function afterStep(
  before: Stabilize,
  withDelivery: Stabilize,
  row: ActuationRow,
  step: 'apply' | 'revert',
  error: string | undefined,
  gaveUp: boolean,
  at: number,
): { next: Stabilize; events: machine.TransitionEvent[]; failed?: string } {
  const out: machine.TransitionEvent[] = [];
  const d = withDelivery.delivery;
  const scope = `${before.service} in ${before.environment}`;
  const attrs = (extra: Record<string, unknown>) => ({
    stabilizeId: before.id,
    state: withDelivery.state,
    delivery: d?.status,
    actuator: row.actuator,
    ...extra,
  });
  let failed: string | undefined;
  // A revert that gave up is told by the stabilize failing, below.
  if (error !== undefined && (row.attempts === 0 || gaveUp)) {
    const a = d?.actuations.find((x) => x.actuator === row.actuator);
    const then = gaveUp ? 'gave up; retry it from the API' : `retrying at ${a?.nextAttemptAt ?? 'once more'}`;
    failed = `${row.actuator} failed to ${step}: ${error} (${then})`;
    if (!(gaveUp && step === 'revert'))
      out.push({
        status: step === 'apply' ? 'partially_active' : 'revert_failing',
        severity: 'high',
        title:
          step === 'apply'
            ? `Stabilize for ${scope} partially active: ${failed}`
            : `Stabilize for ${scope} not yet reverted: ${failed}`,
        attributes: attrs({ step, error, attempts: a?.attempts, gaveUp }),
      });
  }
  if (d?.status === 'active' && before.delivery?.status !== 'active')
    out.push({
      status: 'delivered',
      severity: 'info',
      title: `Stabilize for ${scope} applied by ${d.actuations.map((x) => x.actuator).join(', ')}`,
      attributes: attrs({ actuators: d.actuations.map((x) => x.actuator) }),
    });
  const ending = before.state === 'exiting' || before.state === 'failed';
  if (ending && d && (d.status === 'reverted' || (d.status === 'revert_failed' && before.state === 'exiting'))) {
    const leftAlone = d.actuations.flatMap((x) => (x.leftAlone ?? []).map((l) => ({ actuator: x.actuator, ...l })));
    const detail =
      d.status === 'reverted'
        ? leftAlone.length
          ? `actuators reverted; ${leftAlone.length} left alone because a person changed them meanwhile: ${leftAlone.map((l) => `${l.key} (${l.reason})`).join('; ')}`
          : 'actuators reverted'
        : d.actuations
            .filter((x) => x.status === 'failed')
            .map((x) => `${x.actuator}: ${x.lastError ?? 'failed'}`)
            .join('; ');
    const outcome = machine.finishExit(withDelivery, d.status === 'reverted', at, detail);
    if (outcome.ok) {
      out.push({ ...outcome.event, attributes: { ...outcome.event.attributes, leftAlone } });
      return { next: outcome.next, events: out, ...(failed !== undefined && { failed }) };
    }
  }
  return { next: withDelivery, events: out, ...(failed !== undefined && { failed }) };
}
