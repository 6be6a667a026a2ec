import { createHash, randomBytes } from 'node:crypto';

/** Secrets look like `blst_…` so secret scanners and people can tell what leaked. */
export const newToken = (): string => 'blst_' + randomBytes(32).toString('base64url');

/** Keys are stored as sha256 of the whole token: the secret is random, so no slow hash is needed. */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const tokenPrefix = (token: string): string => token.slice(0, 12);
