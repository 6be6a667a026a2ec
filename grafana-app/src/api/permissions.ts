// What the signed-in Grafana user may try, read from Grafana's boot data, so the UI offers only what the
// proxy routes would let through. It is a courtesy, not the guard: Grafana's route (reqRole/reqAction)
// and then the Ballast server (the key's permissions, self-approval) decide.
import { config } from '@grafana/runtime';

export interface UserAbilities {
  login: string;
  /** Enter, extend, exit, approve and reject: the app's POST routes need Editor. */
  act: boolean;
}

export function currentUser(): UserAbilities {
  const user = config.bootData?.user;
  const role = user?.orgRole ?? '';
  return { login: user?.login ?? '', act: role === 'Editor' || role === 'Admin' || user?.isGrafanaAdmin === true };
}
