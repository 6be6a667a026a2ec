import type { RootConfigService } from '@backstage/backend-plugin-api';
import { ACTOR_ASSERTION_MAX_AGE_SECONDS } from '@ballast/contract';

export interface BallastConfig {
  baseUrl: string;
  apiKey: string;
  assertionTtlSeconds: number;
}

/** Reads `ballast.*` once at start; a missing or wrong value stops the backend with one clear line. */
export function readBallastConfig(config: RootConfigService): BallastConfig {
  const baseUrl = config.getString('ballast.baseUrl').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new Error(`ballast.baseUrl must be an http(s) URL, got "${baseUrl}"`);
  const apiKey = config.getString('ballast.apiKey');
  const assertionTtlSeconds = config.getOptionalNumber('ballast.assertionTtlSeconds') ?? 60;
  if (
    !Number.isInteger(assertionTtlSeconds) ||
    assertionTtlSeconds < 5 ||
    assertionTtlSeconds > ACTOR_ASSERTION_MAX_AGE_SECONDS
  )
    throw new Error(`ballast.assertionTtlSeconds must be a whole number from 5 to ${ACTOR_ASSERTION_MAX_AGE_SECONDS}`);
  return { baseUrl, apiKey, assertionTtlSeconds };
}
