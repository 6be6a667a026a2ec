/** Backstage backend plugin for Ballast: `backend.add(import('@ballast/backstage-plugin-ballast-backend'))`. */
export { ballastPlugin as default } from './plugin.js';
