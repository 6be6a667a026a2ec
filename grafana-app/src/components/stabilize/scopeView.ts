// What a scope's state means for a person, and what can be done with it: pure, so the panel and the
// page say the same thing and the tests read as a table.
import type { Stabilize } from '@ballast/contract';
import type { ScopeStatus } from '../../api/ballast';

export type Tone = 'ok' | 'info' | 'warning' | 'error';
export type ScopeAction = 'enter' | 'approve' | 'reject' | 'extend' | 'exit';

export interface ScopeView {
  headline: string;
  tone: Tone;
  /** The next deadline: the TTL, the approval timeout, or the end of the shadow period. */
  countdown?: { label: string; until: number };
  /** What the state allows; who may is for Grafana's routes and the server. */
  actions: ScopeAction[];
}

const at = (iso?: string) => (iso ? Date.parse(iso) : undefined);

export function scopeView(
  stabilize: Stabilize | null,
  policy: ScopeStatus['policy'] | undefined,
  now: number,
): ScopeView {
  if (!stabilize) return { headline: 'Running normally', tone: 'ok', actions: ['enter'] };
  switch (stabilize.state) {
    case 'requested':
      return {
        headline: 'Waiting for approval',
        tone: 'warning',
        countdown: stabilize.requestExpiresAt
          ? { label: 'request expires in', until: at(stabilize.requestExpiresAt)! }
          : undefined,
        actions: ['approve', 'reject', 'exit'],
      };
    case 'active': {
      const enforceFrom = at(stabilize.enforceFrom);
      const shadow = policy?.mode === 'shadow' || (enforceFrom !== undefined && enforceFrom > now);
      const extension = stabilize.pendingExtension;
      return {
        headline: shadow
          ? 'Stabilized (observing: shadow period)'
          : extension
            ? `Stabilized · extension of ${extension.minutes} min waits for approval`
            : 'Stabilized',
        tone: 'error',
        countdown:
          shadow && enforceFrom
            ? { label: 'enforcing in', until: enforceFrom }
            : stabilize.expiresAt
              ? { label: 'ends in', until: at(stabilize.expiresAt)! }
              : undefined,
        actions: extension ? ['approve', 'reject', 'exit'] : ['extend', 'exit'],
      };
    }
    case 'exiting':
      return { headline: 'Exiting: waiting for actuators to revert', tone: 'info', actions: [] };
    case 'failed':
      return { headline: 'A revert failed: retry from the CLI or API', tone: 'error', actions: ['enter'] };
    default:
      return { headline: `Running normally (last: ${stabilize.state})`, tone: 'ok', actions: ['enter'] };
  }
}

/** A refusal's code as a person should read it; the server's own message follows. */
export function refusalTitle(code: string): string {
  switch (code) {
    case 'self_approval':
      return 'You cannot approve your own request: another person must approve it';
    case 'forbidden':
      return 'Ballast refused: not permitted';
    case 'already_stabilized':
      return 'This scope already has a stabilize';
    case 'ttl_too_long':
      return 'That is longer than this environment allows';
    case 'not_stabilized':
      return 'This scope is not stabilized any more';
    case 'invalid_state':
      return 'The stabilize changed meanwhile';
    case 'out_of_scope':
      return "Ballast refused: the app's key does not cover this service";
    case 'validation_failed':
      return 'Ballast refused the input';
    default:
      return 'Ballast refused';
  }
}

export const actorName = (a: { name?: string; email?: string; id: string }) => a.name ?? a.email ?? a.id;
