import type { Event } from '@ballast/contract';

/** Statuses that open a range and those that close it, across sources. */
const START = new Set(['triggered', 'firing', 'started', 'opened', 'open', 'active', 'entered']);
const END = new Set([
  'resolved',
  'succeeded',
  'failed',
  'ended',
  'closed',
  'exited',
  'cancelled',
  'rolled_back',
  'expired',
]);

/** Which correlation id ties a kind's start to its end. */
const KEY_OF: Partial<Record<Event['kind'], keyof Event['correlation']>> = {
  incident: 'incidentId',
  alert: 'alertFingerprint',
  deploy: 'deploymentId',
  stabilize: 'stabilizeId',
};

export type RangeRole = 'start' | 'end';

/** The range an event opens or closes, if any: `incident:INC-42` and `start`. */
export function rangeOf(
  e: Pick<Event, 'kind' | 'status' | 'correlation' | 'service'>,
): { key: string; role: RangeRole } | null {
  const field = KEY_OF[e.kind];
  const id = field ? e.correlation[field] : undefined;
  if (!id || !e.status) return null;
  const role = START.has(e.status) ? 'start' : END.has(e.status) ? 'end' : null;
  if (!role) return null;
  return { key: `${e.kind}:${e.service ?? ''}:${id}`, role };
}
