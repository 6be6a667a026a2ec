/** Catalog module for Ballast: `backend.add(import('@ballast/backstage-plugin-catalog-backend-module-ballast'))`. */
export { catalogModuleBallast as default, CATALOG_PUSH_TASK, RUNBOOK_INDEX_TASK } from './module.js';
export { desiredServices, planPush, type OwnedFields, type PushPlan } from './catalogPush.js';
