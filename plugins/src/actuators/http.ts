/**
 * The one HTTP call actuators make: every request has its own timeout on top of the caller's signal,
 * and every failure becomes an error a person can read (who answered what, or why nobody did).
 */

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The far side answered, but not with 2xx. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    message: string,
    readonly status: number,
    /** The far side's own explanation, when it gave one (`message` of a JSON body, or the text). */
    readonly detail: string,
  ) {
    super(message);
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts this request after that long (default 10 s). */
  timeoutMs?: number;
  /** The caller's signal (the server's step deadline, shutdown). */
  signal?: AbortSignal;
  /** Names the far side in messages: `Unleash`, `LaunchDarkly`, a URL. */
  who: string;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON body, or null when the body was empty or not JSON. */
  json: unknown;
  text: string;
}

/** Sends one request; answers on 2xx and throws `HttpStatusError` otherwise, or an Error when nobody answered. */
export async function request(req: HttpRequest): Promise<HttpAnswer> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    text = await res.text();
  } catch (err) {
    if (req.signal?.aborted) throw new Error(`${req.who}: request aborted (${reasonOf(req.signal)})`, { cause: err });
    if (timeout.aborted) throw new Error(`${req.who} did not answer within ${timeoutMs} ms`, { cause: err });
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`${req.who} could not be reached (${why})`, { cause: err });
  }
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = null;
    }
  }
  if (res.status < 200 || res.status > 299) {
    const detail = detailOf(json, text);
    throw new HttpStatusError(`${req.who} answered ${res.status}${detail ? ` (${detail})` : ''}`, res.status, detail);
  }
  return { status: res.status, json, text };
}

function detailOf(json: unknown, text: string): string {
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') {
    return json.message.slice(0, 300);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r.message || r.name;
  return r === undefined ? 'no reason given' : String(r);
}
