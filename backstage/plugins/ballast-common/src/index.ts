/** Shared by the Ballast frontend and backend plugins: permissions, annotations, and the API's types. */
export * from './permissions.js';
export * from './annotations.js';
export type {
  Actor,
  CatalogService,
  CatalogServiceDetail,
  Event,
  EventPage,
  Runbook,
  RunbookSummary,
  ServiceSpec,
  Slo,
  SloStatus,
  Stabilize,
  StabilizeRequest,
} from '@ballast/contract';
export { BallastApiError } from '@ballast/contract';
