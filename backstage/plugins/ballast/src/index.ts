/**
 * Ballast for Backstage, the frontend: the reliability card and timeline tab on service pages. This
 * entry is the legacy frontend system; `@ballast/backstage-plugin-ballast/alpha` is the new one.
 */
export { ballastPlugin, BallastRunbookPage, EntityBallastCard, EntityBallastContent } from './plugin';
export { ballastApiRef, type BallastApi, type BallastMe, type ServiceSlos, type TailOptions } from './api/BallastApi';
export { BallastClient, BallastRequestError } from './api/BallastClient';
export { BALLAST_ENVIRONMENT_ANNOTATION, BALLAST_SERVICE_ANNOTATION } from '@ballast/backstage-plugin-ballast-common';
