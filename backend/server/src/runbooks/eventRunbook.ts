/**
 * An event's runbook, in two halves: what the choice reads of the event (fixed once the event is
 * written, so stored with it as `events.runbook_inputs`), and the choice itself over the tenant's
 * runbooks as they are now (made when the event is read: a runbook added today shows on yesterday's
 * alerts). Reads that have the stored inputs never parse the event's document for its runbook.
 */
import { RUNBOOK_LINK_REL, type Event } from '@ballast/contract';
import { lookupRunbooks, type Indexed } from './match.js';

/** Kinds of event that get a runbook when read. */
export const WITH_RUNBOOK: ReadonlySet<Event['kind']> = new Set<Event['kind']>(['alert', 'incident']);

/** Everything the choice of an event's runbook depends on, of the event. */
export interface RunbookInputs {
  /** The event's own runbook link (rel `runbook`). */
  runbookUrl?: string;
  sloId?: string;
  labels: Record<string, string>;
  service?: string;
  environment?: string;
}

type Chosen = NonNullable<Event['runbook']>;

/** The inputs for an event of a kind that gets a runbook; undefined for other kinds. */
export function runbookInputs(
  e: Pick<Event, 'kind' | 'links' | 'tags' | 'sourceRefs' | 'service' | 'environment' | 'correlation'>,
): RunbookInputs | undefined {
  if (!WITH_RUNBOOK.has(e.kind)) return undefined;
  const explicit = e.links.find((l) => l.rel === RUNBOOK_LINK_REL)?.url;
  const labels: Record<string, string> = { ...e.tags };
  if (e.sourceRefs.alertname && labels.alertname === undefined) labels.alertname = e.sourceRefs.alertname;
  if (e.service && labels.service === undefined) labels.service = e.service;
  const sloId = e.correlation.sloId ?? labels.ballast_slo_id;
  return {
    ...(explicit !== undefined && { runbookUrl: explicit }),
    ...(sloId !== undefined && { sloId }),
    labels,
    ...(e.service !== undefined && { service: e.service }),
    ...(e.environment !== undefined && { environment: e.environment }),
  };
}

/** The inputs as stored with the event (JSON text), or null for kinds that get no runbook. */
export function storedRunbookInputs(e: Parameters<typeof runbookInputs>[0]): string | null {
  const inputs = runbookInputs(e);
  return inputs === undefined ? null : JSON.stringify(inputs);
}

/**
 * The runbook that applies: the event's own link when it names a runbook we have, else matchers, the
 * SLO, the service's default. An own link naming no runbook we have stays the answer: none is chosen
 * (the link is already on the event).
 */
export function chooseRunbook(
  runbooks: readonly (Indexed & { id: string })[],
  inputs: RunbookInputs,
): Chosen | undefined {
  const [hit] = lookupRunbooks(runbooks, { ...inputs, serviceDefaultOnly: true });
  if (!hit || (inputs.runbookUrl !== undefined && hit.match.by !== 'runbook_url')) return undefined;
  return {
    id: hit.runbook.id,
    title: hit.runbook.frontmatter.title,
    by: hit.match.by as Chosen['by'],
    href: `/v1/runbooks/${hit.runbook.id}`,
  };
}
