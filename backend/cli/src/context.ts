/** Where the CLI sends requests and with which key, and how a failed request is told to the user. */
import { BallastApiError, createClient, type BallastClient } from '@ballast/contract';
import { eprintln, EXIT_FAILED, UsageError, type Io } from './io.js';

export const DEFAULT_URL = 'http://127.0.0.1:4680';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
}

export interface Target {
  url: string;
  apiKey: string | undefined;
  client: BallastClient;
}

const unsetIfEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** Flags win over the environment, which wins over the default. */
export function resolveTarget(options: GlobalOptions, env: Io['env']): Target {
  const url = unsetIfEmpty(options.url) ?? unsetIfEmpty(env.BALLAST_URL) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`the server URL "${url}" is not a URL (set BALLAST_URL or --url, e.g. ${DEFAULT_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the server URL "${url}" must start with http:// or https://`);
  }
  const apiKey = unsetIfEmpty(options.apiKey) ?? unsetIfEmpty(env.BALLAST_API_KEY);
  return { url, apiKey, client: createClient({ baseUrl: url, ...(apiKey !== undefined && { apiKey }) }) };
}

/** The network-level reason fetch gives up, from undici's `cause` (an AggregateError when several addresses were tried). */
function networkCode(err: unknown): string | undefined {
  if (!(err instanceof TypeError)) return undefined;
  const cause = (err as { cause?: unknown }).cause as
    { code?: unknown; errors?: { code?: unknown }[]; message?: unknown } | undefined;
  if (!cause) return undefined;
  if (typeof cause.code === 'string') return cause.code;
  const inner = cause.errors?.find((e) => typeof e.code === 'string');
  if (inner) return String(inner.code);
  return typeof cause.message === 'string' ? cause.message : 'network error';
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused; is it running?',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  ECONNRESET: 'the connection was reset',
};

/** Why a request never got an answer (connection refused, reset, ...), or undefined for any other error. */
export function networkReason(err: unknown): string | undefined {
  const code = networkCode(err);
  return code === undefined ? undefined : (NETWORK_REASONS[code] ?? code);
}

/** Prints a failed request the way a person can act on it and returns the exit code. */
export function reportFailure(io: Io, err: unknown, target: Pick<Target, 'url' | 'apiKey'> | undefined): number {
  if (err instanceof BallastApiError) {
    eprintln(io, `error: ${err.code}: ${err.message}`);
    for (const d of err.details) eprintln(io, d.path ? `  ${d.path}: ${d.message}` : `  ${d.message}`);
    if (err.status === 401 && target && target.apiKey === undefined) {
      eprintln(io, 'hint: no API key was sent; set BALLAST_API_KEY or pass --api-key');
    }
    return EXIT_FAILED;
  }
  const reason = networkReason(err);
  if (reason !== undefined && target) {
    eprintln(io, `error: the Ballast server at ${target.url} cannot be reached: ${reason}`);
    eprintln(io, 'hint: set BALLAST_URL or pass --url to point at another server');
    return EXIT_FAILED;
  }
  eprintln(io, `error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT_FAILED;
}
