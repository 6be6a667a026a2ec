/** What the Ballast frontend asks of the backend plugin (`/api/ballast`), as one API for both frontend systems. */
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CallResult,
  CatalogServiceDetail,
  ContextResult,
  EventPage,
  FacetCounts,
  FacetQueryInput,
  Event,
  Runbook,
  RunbookSummary,
  SearchQueryInput,
  Slo,
  SloStatus,
  Routes,
  Stabilize,
  StreamQueryInput,
} from '@ballast/contract';

/** One stabilize scope: the stabilize holding it (if any), its policy and a suggestion. */
export type StabilizeScopeStatus = CallResult<Routes['stabilizeScope']>;

/** Who Ballast sees for the signed-in user, and what Backstage's policy lets them do. */
export interface BallastMe {
  user: { sub: string; email?: string; name?: string };
  allowed: Record<string, boolean>;
}

export interface ServiceSlos {
  slos: Slo[];
  statuses: SloStatus[];
}

export interface TailOptions {
  signal: AbortSignal;
  /** Resume after this seq. */
  after?: number;
  onOpen?: () => void;
}

export interface BallastApi {
  me(): Promise<BallastMe>;
  getService(service: string): Promise<CatalogServiceDetail>;
  listRunbooks(service: string): Promise<RunbookSummary[]>;
  /** One runbook with its text rendered (sanitized HTML). */
  getRunbook(id: string): Promise<Runbook>;
  getSlos(service: string): Promise<ServiceSlos>;
  getStabilize(service: string, environment: string): Promise<StabilizeScopeStatus>;
  enterStabilize(
    service: string,
    environment: string,
    request: { reason: string; ttlMinutes?: number },
  ): Promise<Stabilize>;
  exitStabilize(service: string, environment: string, request: { reason: string }): Promise<Stabilize>;
  /** More time for an active stabilize; Ballast's policy may make it wait for a second person. */
  extendStabilize(
    service: string,
    environment: string,
    request: { minutes: number; reason: string },
  ): Promise<Stabilize>;
  /** Approves a request or an extension waiting for a second person (Ballast refuses one's own). */
  approveStabilize(id: string, request: { comment?: string }): Promise<Stabilize>;
  /** Turns down a request or an extension waiting for a second person. */
  rejectStabilize(id: string, request: { reason: string }): Promise<Stabilize>;
  searchEvents(query: SearchQueryInput): Promise<EventPage>;
  /** How many events of each kind, source, environment… a search finds in a window (each facet without its own filter). */
  eventFacets(query: FacetQueryInput): Promise<FacetCounts>;
  /** What changed before an event (an incident, say): deploys, flag and config changes. */
  eventContext(id: string, window?: string): Promise<ContextResult>;
  /** Follows new events until `signal` aborts; resolves with the last seq seen, to resume from. */
  tail(query: StreamQueryInput, onEvent: (event: Event) => void, options: TailOptions): Promise<number | undefined>;
}

export const ballastApiRef = createApiRef<BallastApi>({ id: 'plugin.ballast.api' });
