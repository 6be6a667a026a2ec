/**
 * The Ballast API over the backend plugin: Backstage's fetchApi adds the signed-in user's token, the
 * discoveryApi finds `/api/ballast`. Every refusal becomes a BallastRequestError with the status, the
 * stable code and who refused (Ballast itself, or Backstage's sign-in and permission policy).
 */
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  BallastApiError,
  readEventStream,
  type ErrorDetail,
  type Event,
  type SearchQueryInput,
} from '@ballast/contract';
import type { BallastApi, BallastMe, ServiceSlos, StabilizeScopeStatus, TailOptions } from './BallastApi';

export class BallastRequestError extends BallastApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[],
    /** `ballast`: Ballast's own refusal; `backstage`: the plugin's (not signed in, policy says no, no answer). */
    readonly from: 'ballast' | 'backstage',
  ) {
    super(status, code, message, details);
    this.name = 'BallastRequestError';
  }
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

async function refusal(res: Response): Promise<BallastRequestError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { code?: string; message?: string; details?: ErrorDetail[]; from?: string };
    if (typeof body.code === 'string' && typeof body.message === 'string')
      return new BallastRequestError(
        res.status,
        body.code,
        body.message,
        body.details ?? [],
        body.from === 'ballast' ? 'ballast' : 'backstage',
      );
  } catch {
    /* not our shape: reported with the status below */
  }
  return new BallastRequestError(
    res.status,
    'http_error',
    `HTTP ${res.status}: ${text.slice(0, 200)}`,
    [],
    'backstage',
  );
}

export class BallastClient implements BallastApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async url(path: string, query?: Query): Promise<string> {
    return `${await this.deps.discoveryApi.getBaseUrl('ballast')}${path}${queryString(query)}`;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, opts: { query?: Query; body?: unknown } = {}) {
    const res = await this.deps.fetchApi.fetch(await this.url(path, opts.query), {
      method,
      headers: { accept: 'application/json', ...(opts.body !== undefined && { 'content-type': 'application/json' }) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (!res.ok) throw await refusal(res);
    return (await res.json()) as T;
  }

  me(): Promise<BallastMe> {
    return this.request('GET', '/me');
  }

  getService(service: string) {
    return this.request<Awaited<ReturnType<BallastApi['getService']>>>('GET', `/services/${seg(service)}`);
  }

  async listRunbooks(service: string) {
    const list = await this.request<{ runbooks: Awaited<ReturnType<BallastApi['listRunbooks']>> }>(
      'GET',
      `/services/${seg(service)}/runbooks`,
    );
    return list.runbooks;
  }

  getRunbook(id: string) {
    return this.request<Awaited<ReturnType<BallastApi['getRunbook']>>>('GET', `/runbooks/${seg(id)}`);
  }

  getSlos(service: string): Promise<ServiceSlos> {
    return this.request('GET', `/services/${seg(service)}/slos`);
  }

  getStabilize(service: string, environment: string): Promise<StabilizeScopeStatus> {
    return this.request('GET', `/stabilize/${seg(service)}/${seg(environment)}`);
  }

  enterStabilize(service: string, environment: string, request: { reason: string; ttlMinutes?: number }) {
    return this.request<Awaited<ReturnType<BallastApi['enterStabilize']>>>(
      'POST',
      `/stabilize/${seg(service)}/${seg(environment)}/request`,
      { body: request },
    );
  }

  exitStabilize(service: string, environment: string, request: { reason: string }) {
    return this.request<Awaited<ReturnType<BallastApi['exitStabilize']>>>(
      'POST',
      `/stabilize/${seg(service)}/${seg(environment)}/exit`,
      { body: request },
    );
  }

  extendStabilize(service: string, environment: string, request: { minutes: number; reason: string }) {
    return this.request<Awaited<ReturnType<BallastApi['extendStabilize']>>>(
      'POST',
      `/stabilize/${seg(service)}/${seg(environment)}/extend`,
      { body: request },
    );
  }

  approveStabilize(id: string, request: { comment?: string }) {
    return this.request<Awaited<ReturnType<BallastApi['approveStabilize']>>>(
      'POST',
      `/stabilize/requests/${seg(id)}/approve`,
      { body: request },
    );
  }

  rejectStabilize(id: string, request: { reason: string }) {
    return this.request<Awaited<ReturnType<BallastApi['rejectStabilize']>>>(
      'POST',
      `/stabilize/requests/${seg(id)}/reject`,
      { body: request },
    );
  }

  searchEvents(query: SearchQueryInput) {
    return this.request<Awaited<ReturnType<BallastApi['searchEvents']>>>('GET', '/events', { query: query as Query });
  }

  eventFacets(query: Parameters<BallastApi['eventFacets']>[0]) {
    return this.request<Awaited<ReturnType<BallastApi['eventFacets']>>>('GET', '/events/facets', {
      query: query as Query,
    });
  }

  eventContext(id: string, window?: string) {
    return this.request<Awaited<ReturnType<BallastApi['eventContext']>>>('GET', `/events/${seg(id)}/context`, {
      query: { window },
    });
  }

  async tail(
    query: Parameters<BallastApi['tail']>[0],
    onEvent: (event: Event) => void,
    options: TailOptions,
  ): Promise<number | undefined> {
    const res = await this.deps.fetchApi.fetch(await this.url('/events/stream', query as Query), {
      headers: {
        accept: 'text/event-stream',
        ...(options.after !== undefined && { 'last-event-id': String(options.after) }),
      },
      signal: options.signal,
    });
    if (!res.ok || !res.body) throw await refusal(res);
    options.onOpen?.();
    return readEventStream(res.body, onEvent, options);
  }
}
