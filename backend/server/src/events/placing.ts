import type { Event } from '@ballast/contract';
import { placeStored, type MappingService } from '../mappings/mappings.js';
import type { RunbookResolver } from '../runbooks/service.js';

/**
 * Stored events whose answer depends on the tenant's settings of now rather than on the event alone:
 * those of a source with service mappings (they may be placed elsewhere since they were written) and
 * those of a kind that gets a runbook. Reads hand them to `place`; every other event is answered as
 * stored, from its stored JSON, without being parsed. Annotations need less: an event of a kind that
 * gets a runbook, from a source without mappings, is its stored annotation with `runbookMember` of its
 * stored runbook inputs added.
 */
export interface Placing {
  sources: readonly string[];
  kinds: readonly string[];
  place: (e: Event) => Event;
  /** `,"runbook":{…}` for an event's stored runbook inputs, or '' when no runbook applies. */
  runbookMember: (storedInputs: string) => string;
}

export const needsPlacing = (p: Placing | undefined, source: string, kind: string): boolean =>
  p !== undefined && (p.sources.includes(source) || p.kinds.includes(kind));

/** The tenant's placing as it is now (mappings and runbooks are cached for a moment). */
export async function placingFor(
  mappings: MappingService,
  runbooks: RunbookResolver,
  tenant: string,
): Promise<Placing> {
  // Each pair in turn: the first call fills the service's cache, so the second never reads the store again.
  const [[lookup, sources], [withRunbook, runbookMember, kinds]] = await Promise.all([
    mappings.lookupFor(tenant).then(async (l) => [l, await mappings.mappedSources(tenant)] as const),
    runbooks
      .resolverFor(tenant)
      .then(
        async (r) => [r, await runbooks.memberResolverFor(tenant), await runbooks.kindsWithRunbooks(tenant)] as const,
      ),
  ]);
  return { sources, kinds, place: (e) => withRunbook(placeStored(e, lookup)), runbookMember };
}
