import { createPermission } from '@backstage/plugin-permission-common';

/**
 * What a Backstage user may do with Ballast. The organisation's permission policy decides; the
 * Ballast key the backend plugin holds bounds it from above (its role's permissions).
 */
export const ballastEventsReadPermission = createPermission({
  name: 'ballast.events.read',
  attributes: { action: 'read' },
});

export const ballastStabilizeRequestPermission = createPermission({
  name: 'ballast.stabilize.request',
  attributes: { action: 'create' },
});

export const ballastStabilizeApprovePermission = createPermission({
  name: 'ballast.stabilize.approve',
  attributes: { action: 'update' },
});

export const ballastPermissions = [
  ballastEventsReadPermission,
  ballastStabilizeRequestPermission,
  ballastStabilizeApprovePermission,
];
