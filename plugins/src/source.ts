import { timingSafeEqual, createHmac } from 'node:crypto';
import type { EventInput, Source } from '@ballast/contract';

/** Request headers, names lowercased, as the server received them. */
export type Headers = Readonly<Record<string, string | undefined>>;

export type VerifyOutcome =
  | { ok: true }
  /** `header` names what the sender must set right, so the refusal can say so. */
  | { ok: false; reason: 'missing_signature' | 'bad_signature'; header: string; message: string };

export type NormalizeOutcome =
  | { ok: true; events: EventInput[]; ignored?: string }
  /** `missing` lists the payload paths that were absent or unreadable. */
  | { ok: false; missing: string[]; message: string };

/** Per-hook settings a source understands (header names, optional resources). */
export type HookOptions = Readonly<Record<string, string | boolean | number>>;

/**
 * A webhook source: checks the delivery's signature over the raw bytes (before any parsing), then
 * turns the payload into events. Both are pure functions of their inputs.
 */
export interface SourcePlugin {
  id: Source;
  title: string;
  /** How deliveries prove who sent them. */
  auth: 'hmac' | 'bearer';
  verify(raw: Buffer, headers: Headers, secrets: readonly string[], options: HookOptions): VerifyOutcome;
  /** `payload` is the parsed JSON body. Events carry `dedupeKey`s so a redelivery stores nothing new. */
  normalize(payload: unknown, headers: Headers, options: HookOptions): NormalizeOutcome;
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // spend the same time either way
    return false;
  }
  return timingSafeEqual(x, y);
}

export const hmacHex = (algorithm: 'sha256' | 'sha1', secret: string, data: Buffer | string): string =>
  createHmac(algorithm, secret).update(data).digest('hex');

/**
 * The common scheme: one header holding the hex HMAC-SHA256 of the raw body (after an optional prefix
 * such as GitHub's `sha256=`), checked against every secret of the hook.
 */
export function verifyHexHmac(
  spec: { header: string; prefix?: string; missing: string; mismatch: string },
  raw: Buffer,
  headers: Headers,
  secrets: readonly string[],
): VerifyOutcome {
  const given = headers[spec.header.toLowerCase()]?.trim().toLowerCase();
  if (!given) return { ok: false, reason: 'missing_signature', header: spec.header, message: spec.missing };
  const prefix = spec.prefix ?? '';
  return secrets.some((s) => safeEqual(given, prefix + hmacHex('sha256', s, raw)))
    ? { ok: true }
    : { ok: false, reason: 'bad_signature', header: spec.header, message: spec.mismatch };
}

/** `Authorization: Bearer <secret>` against any of the hook's secrets. */
export function verifyBearer(headers: Headers, secrets: readonly string[]): VerifyOutcome {
  const header = headers.authorization;
  if (!header)
    return {
      ok: false,
      reason: 'missing_signature',
      header: 'Authorization',
      message: 'send Authorization: Bearer <hook secret>',
    };
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
  return secrets.some((s) => safeEqual(token, s))
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad_signature',
        header: 'Authorization',
        message: 'the bearer token matches none of the hook secrets',
      };
}

/** Reads a path of a JSON value; `undefined` when any step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
