/**
 * Who the signed-in person is, for Ballast: the user entity ref, and the email and display name from
 * the catalog's user entity where it has them (so the same person is the same actor in Grafana).
 */
import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ActorAssertionClaims } from '@ballast/contract';

const CACHE_MS = 60_000;

export function createIdentityResolver(deps: {
  userInfo: UserInfoService;
  catalog: CatalogService;
  auth: AuthService;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; claims: ActorAssertionClaims }>();

  async function profileOf(userEntityRef: string): Promise<ActorAssertionClaims> {
    const hit = cache.get(userEntityRef);
    if (hit && now() - hit.at < CACHE_MS) return hit.claims;
    const entity = await deps.catalog.getEntityByRef(userEntityRef, {
      credentials: await deps.auth.getOwnServiceCredentials(),
    });
    const profile = (entity?.spec as { profile?: { email?: unknown; displayName?: unknown } } | undefined)?.profile;
    const email =
      typeof profile?.email === 'string' && profile.email.includes('@') ? profile.email.toLowerCase() : undefined;
    const name = typeof profile?.displayName === 'string' ? profile.displayName : undefined;
    const claims: ActorAssertionClaims = { sub: userEntityRef, ...(email && { email }), ...(name && { name }) };
    if (cache.size > 10_000) cache.clear();
    cache.set(userEntityRef, { at: now(), claims });
    return claims;
  }

  return async (credentials: BackstageCredentials<BackstageUserPrincipal>): Promise<ActorAssertionClaims> => {
    const { userEntityRef } = await deps.userInfo.getUserInfo(credentials);
    return profileOf(userEntityRef);
  };
}

export type IdentityResolver = ReturnType<typeof createIdentityResolver>;
