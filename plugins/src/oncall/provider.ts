/**
 * On-call providers: who is on call for a service right now. The server asks the configured provider,
 * caches the answer briefly, and falls back to the service's static rotation when the provider fails.
 */
export interface OnCallPersonNow {
  name: string;
  email?: string;
  /** Escalation level, 1 first. */
  level: number;
  /** When this person's shift ends, if known. */
  until?: string;
  url?: string;
}

export interface OnCallTarget {
  escalationPolicyIds: readonly string[];
  scheduleIds: readonly string[];
}

export interface OnCallProvider {
  id: string;
  /** Throws OnCallUnavailable (or any error) when the provider cannot answer. */
  whoIsOnCall(target: OnCallTarget, at: Date, signal?: AbortSignal): Promise<OnCallPersonNow[]>;
}

export class OnCallUnavailable extends Error {
  override name = 'OnCallUnavailable';
}
