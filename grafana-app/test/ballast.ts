// The running test server (test/globalSetup.mjs) and a client that plays Grafana's proxy for it: the
// proxy route maps `<base>/...` to `<server>/v1/...` and adds the key (and, for the app, the user).
import { ballastApi, type BallastApi, type FetchLike } from '../src/api/ballast';

export interface TestKeys {
  admin: string;
  viewer: string;
  proxy: string;
  proxyViewer: string;
}

export const server = () => ({
  url: process.env.BALLAST_TEST_URL!,
  keys: JSON.parse(process.env.BALLAST_TEST_KEYS!) as TestKeys,
});

/** A fetch that does what Grafana's proxy route does: rewrite the base and add the route's headers. */
export function proxyFetch(key: string, user?: string, realFetch: typeof fetch = fetch): FetchLike {
  const { url } = server();
  return (input, init = {}) =>
    realFetch(input.replace(/^\/proxy/, `${url}/v1`), {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        authorization: `Bearer ${key}`,
        // Grafana's proxy with send_user_header on: the signed-in user's login.
        ...(user ? { 'x-grafana-user': user } : {}),
      },
    });
}

export function proxiedApi(key = server().keys.viewer, user?: string): BallastApi {
  return ballastApi('/proxy', proxyFetch(key, user));
}

export async function postEvents(events: unknown[], key = server().keys.admin) {
  const res = await fetch(`${server().url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (!res.ok) throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
  return res.json();
}
