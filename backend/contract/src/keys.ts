import { z } from 'zod';
import { Permission, Role } from './permissions.js';

/**
 * `grafana-proxy` may name its user in `X-Ballast-User` (recorded unverified); `backstage` may send a
 * signed assertion of its user in `X-Ballast-Actor` (recorded verified, docs/backstage.md).
 */
export const KeyKind = z.enum(['standard', 'grafana-proxy', 'backstage']);

/** Service scope globs: `*`, `checkout`, `payments-*`. */
const ServiceGlob = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._\-/*?]+$/, 'a service name or glob (* and ?)');

export const KeyCreate = z.strictObject({
  name: z.string().trim().min(1).max(128),
  role: Role,
  kind: KeyKind.default('standard'),
  services: z.array(ServiceGlob).min(1).max(50).default(['*']),
  /** Absolute expiry, or a number of days from now. Keys without either never expire. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type KeyCreate = z.input<typeof KeyCreate>;

export const ApiKey = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  role: Role,
  kind: KeyKind,
  permissions: z.array(Permission),
  services: z.array(z.string()),
  /** The first characters of the secret, to tell keys apart in a list. */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const KeyCreated = z.object({
  key: ApiKey,
  /** Shown once; only its hash is stored. */
  secret: z.string(),
});
export type KeyCreated = z.infer<typeof KeyCreated>;

export const KeyList = z.object({ keys: z.array(ApiKey) });
export const KeyIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const TenantCreate = z.strictObject({
  id: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -'),
  name: z.string().trim().min(1).max(128),
});
export type TenantCreate = z.input<typeof TenantCreate>;

export const TenantCreated = z.object({
  tenant: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }),
  adminKey: KeyCreated,
});

export const WhoAmI = z.object({
  tenant: z.string(),
  key: ApiKey,
});
