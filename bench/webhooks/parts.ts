// The webhook sources' own code and sample payloads, for `yarn bench:webhooks` (bench/webhooks/run.mjs):
// the runner builds each delivery from the samples and the equivalent plain `POST /v1/events` body
// from what the source's own `normalize` makes of that delivery, so both paths store the same events.
// It also times, in process, the CPU steps of one delivery against those of the equivalent plain body,
// and the hook lookup each delivery makes, on a stopped case's store.
// Bundled by scripts/bundle.mjs into bench/webhooks/dist/parts.js (@ballast/* inlined).
export { sourcePlugins } from '@ballast/plugins';
export { EventInput, parseIngestBody } from '@ballast/contract';
export { firing as alertmanagerFiring } from '../../plugins/src/sources/alertmanager/samples.js';
export { deploymentStatus as githubDeploymentStatus } from '../../plugins/src/sources/github/samples.js';
// For timing the delivery path's per-request hook lookup against a stopped case's store.
export { openDatabase } from '../../backend/server/src/db/knex.js';
export { hookStore } from '../../backend/server/src/hooks/hookStore.js';
