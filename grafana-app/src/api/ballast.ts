// Calls to the Ballast API through a Grafana proxy route: the browser never holds the API key; the
// proxy adds it (and the signed-in user) from the plugin's secure settings.
import type {
  AnnotationList,
  AnnotationQueryInput,
  CallResult,
  CatalogServiceList,
  ContextResult,
  Event,
  EventPage,
  FacetCounts,
  FacetQueryInput,
  Routes,
  Runbook,
  RunbookList,
  RunbookListQueryInput,
  SearchQueryInput,
  SloRules,
  SloSeries,
  SloStatus,
  Stabilize,
  StabilizeRequest,
} from '@ballast/contract';

/** What the server answers on a route, by the contract's route id. */
export type Answer<Id extends keyof Routes> = CallResult<Routes[Id]>;
export type Slo = Answer<'getSlo'>;
export type ScopeStatus = Answer<'stabilizeScope'>;
export type ProfilePreview = Answer<'previewStabilizeProfile'>;
export type Profile = Answer<'listStabilizeProfiles'>['profiles'][number];

export const APP_ID = 'ballast-reliability-app';
/** The app's proxy route `api`, which Grafana maps to `<backend URL>/v1`. */
export const APP_API_BASE = `/api/plugin-proxy/${APP_ID}/api`;
/** A data source's proxy route `api`, for the data source with this uid. */
export const dataSourceApiBase = (uid: string) => `/api/datasources/proxy/uid/${encodeURIComponent(uid)}/api`;

/** A refusal, from the Ballast server (with its stable code) or from the proxy in front of it. */
export class BallastRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BallastRequestError';
  }
}

type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

/** Builds `path?query` with list values repeated, as the server's filters accept them. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function readRefusal(res: Response): Promise<BallastRequestError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.message === 'string') {
      // The fields at fault, so a person sees which filter was refused and why.
      const details = Array.isArray(body.details)
        ? (body.details as Array<{ path?: string; message?: string }>)
            .map((d) => `${d.path ?? ''}: ${d.message ?? ''}`)
            .join('; ')
        : '';
      return new BallastRequestError(
        res.status,
        typeof body.code === 'string' ? body.code : 'http_error',
        details ? `${body.message} (${details})` : body.message,
      );
    }
  } catch {
    /* not JSON: the status says it */
  }
  return new BallastRequestError(
    res.status,
    'http_error',
    `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface BallastApi {
  readonly base: string;
  search(query: SearchQueryInput, signal?: AbortSignal): Promise<EventPage>;
  /** Counts of each value of some fields among the events a search finds in a window. */
  facets(query: FacetQueryInput, signal?: AbortSignal): Promise<FacetCounts>;
  event(id: string, signal?: AbortSignal): Promise<Event>;
  context(id: string, window?: string, signal?: AbortSignal): Promise<ContextResult>;
  annotations(query: AnnotationQueryInput, signal?: AbortSignal): Promise<AnnotationList>;
  services(signal?: AbortSignal): Promise<CatalogServiceList>;
  /** `href` as the server gives it on an event (`/v1/runbooks/<id>`). */
  runbook(href: string, signal?: AbortSignal): Promise<Runbook>;
  /** Any call, for acting routes (POST/PUT/DELETE) that pages add later. */
  request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T>;

  slos(signal?: AbortSignal): Promise<{ slos: Slo[] }>;
  sloStatuses(signal?: AbortSignal): Promise<{ statuses: SloStatus[] }>;
  sloStatus(id: string, signal?: AbortSignal): Promise<SloStatus>;
  sloSeries(id: string, range: { from: string; to: string; step: number }, signal?: AbortSignal): Promise<SloSeries>;
  sloRules(id: string, signal?: AbortSignal): Promise<SloRules>;

  runbooks(query: RunbookListQueryInput, signal?: AbortSignal): Promise<RunbookList>;
  runbookById(id: string, signal?: AbortSignal): Promise<Runbook>;

  /** Open stabilizes by default; `state` lists history too. */
  stabilizes(
    query: { service?: string; environment?: string; state?: string[]; limit?: number },
    signal?: AbortSignal,
  ): Promise<{ stabilizes: Stabilize[] }>;
  stabilizeProfiles(signal?: AbortSignal): Promise<{ profiles: Profile[] }>;
  scope(service: string, environment: string, signal?: AbortSignal): Promise<ScopeStatus>;
  preview(service: string, environment: string, signal?: AbortSignal): Promise<ProfilePreview>;
  requestStabilize(body: StabilizeRequest): Promise<Stabilize>;
  approve(id: string, comment?: string): Promise<Stabilize>;
  reject(id: string, reason: string): Promise<Stabilize>;
  extend(service: string, environment: string, minutes: number, reason: string): Promise<Stabilize>;
  exit(service: string, environment: string, reason: string): Promise<Stabilize>;
}

const seg = encodeURIComponent;
const scopePath = (service: string, environment: string) => `/stabilize/${seg(service)}/${seg(environment)}`;

export function ballastApi(base: string, fetchImpl: FetchLike = (i, init) => fetch(i, init)): BallastApi {
  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchImpl(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
    if (!res.ok) throw await readRefusal(res);
    return (await res.json()) as T;
  }
  const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal);
  return {
    base,
    request,
    search: (query, signal) => get(withQuery('/events', query as Record<string, QueryValue>), signal),
    facets: (query, signal) => get(withQuery('/events/facets', query as Record<string, QueryValue>), signal),
    event: (id, signal) => get(`/events/${encodeURIComponent(id)}`, signal),
    context: (id, window = '2h', signal) =>
      get(withQuery(`/events/${encodeURIComponent(id)}/context`, { window }), signal),
    annotations: (query, signal) => get(withQuery('/annotations', query as Record<string, QueryValue>), signal),
    services: (signal) => get('/services', signal),
    runbook: (href, signal) => get(href.replace(/^\/v1(?=\/)/, ''), signal),

    slos: (signal) => get('/slos', signal),
    sloStatuses: (signal) => get('/slos/status', signal),
    sloStatus: (id, signal) => get(`/slos/${seg(id)}/status`, signal),
    sloSeries: (id, range, signal) => get(withQuery(`/slos/${seg(id)}/series`, range), signal),
    sloRules: (id, signal) => get(`/slos/${seg(id)}/rules`, signal),

    runbooks: (query, signal) => get(withQuery('/runbooks', query as Record<string, QueryValue>), signal),
    runbookById: (id, signal) => get(`/runbooks/${seg(id)}`, signal),

    stabilizes: (query, signal) => get(withQuery('/stabilize', query), signal),
    stabilizeProfiles: (signal) => get('/stabilize/profiles', signal),
    scope: (service, environment, signal) => get(scopePath(service, environment), signal),
    preview: (service, environment, signal) => get(`${scopePath(service, environment)}/preview`, signal),
    requestStabilize: (body) => request('POST', '/stabilize/requests', body),
    approve: (id, comment) => request('POST', `/stabilize/requests/${seg(id)}/approve`, comment ? { comment } : {}),
    reject: (id, reason) => request('POST', `/stabilize/requests/${seg(id)}/reject`, { reason }),
    extend: (service, environment, minutes, reason) =>
      request('POST', `${scopePath(service, environment)}/extend`, { minutes, reason }),
    exit: (service, environment, reason) => request('POST', `${scopePath(service, environment)}/exit`, { reason }),
  };
}
