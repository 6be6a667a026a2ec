import { EventInput, type Stabilize } from '@ballast/contract';
import type * as machine from './machine.js';

/** The timeline event of a stabilize's transition, at `at`: its state, reason and incident link. */
export function transitionEvent(s: Stabilize, e: machine.TransitionEvent, at: number): EventInput {
  const incidentUrl = s.incident && /^https?:\/\//.test(s.incident) ? s.incident : undefined;
  return EventInput.parse({
    occurredAt: new Date(at).toISOString(),
    source: 'stabilize',
    kind: 'stabilize',
    status: e.status,
    severity: e.severity,
    service: s.service,
    environment: s.environment,
    title: e.title,
    description: s.reason,
    links: incidentUrl ? [{ rel: 'incident', url: incidentUrl, text: 'incident' }] : [],
    attributes: e.attributes,
    correlation: {
      stabilizeId: s.id,
      ...(s.incident && !incidentUrl && { incidentId: s.incident }),
    },
  });
}
