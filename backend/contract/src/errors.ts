import { z } from 'zod';

/** Stable error codes: clients branch on these, never on messages. */
export const ErrorCode = z.enum([
  'validation_failed',
  'invalid_cursor',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'store_unavailable',
  /** A system the server reads from (Prometheus) did not answer. */
  'upstream_unavailable',
  'internal',
  /** The key's service scope does not cover the service acted on. */
  'out_of_scope',
  /** Stabilize: the scope already has a stabilize (requested or active). */
  'already_stabilized',
  /** Stabilize: the scope has none to exit or extend. */
  'not_stabilized',
  /** Stabilize: the command does not apply in the stabilize's state. */
  'invalid_state',
  /** Stabilize: the person who asked cannot be the one who approves. */
  'self_approval',
  /** Stabilize: longer than the environment's policy allows. */
  'ttl_too_long',
  /** Stabilize: no actuator of this stabilize has a failed step to retry. */
  'nothing_to_retry',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetail = z.object({
  /** Where the bad value is, dotted from the request part: `events.3.title`, `query.limit`. */
  path: z.string(),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.array(ErrorDetail),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Turns zod issues into error details, prefixing each path with the request part it came from. */
export function issuesToDetails(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix?: string,
): ErrorDetail[] {
  return issues.map((issue) => {
    const parts = issue.path.map((p) => String(p));
    if (prefix) parts.unshift(prefix);
    return { path: parts.join('.'), message: issue.message };
  });
}
