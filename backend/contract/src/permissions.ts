import { z } from 'zod';

/** Permissions are checked one by one; roles are only named bundles of them. */
export const Permission = z.enum([
  'events:read',
  'events:write',
  'gate:read',
  'gate:override',
  'stabilize:request',
  'stabilize:approve',
  'stabilize:breakglass',
  'catalog:write',
  'admin',
]);
export type Permission = z.infer<typeof Permission>;

export const Role = z.enum(['viewer', 'ci', 'catalog', 'operator', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

const viewer: Permission[] = ['events:read', 'gate:read'];
const ci: Permission[] = [...viewer, 'events:write'];
/** For what pushes the catalog, mappings and SLOs (Backstage's catalog module, a GitOps job): nothing else. */
const catalog: Permission[] = [...viewer, 'catalog:write'];
const operator: Permission[] = [...ci, 'stabilize:request'];
const approver: Permission[] = [...operator, 'stabilize:approve', 'gate:override'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  viewer,
  ci,
  catalog,
  operator,
  approver,
  admin: Permission.options,
};

export function permissionsOf(role: Role): readonly Permission[] {
  return rolePermissions[role];
}
