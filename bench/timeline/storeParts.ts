// The server's own read path (search, annotations), re-exported so bench/timeline/diagnose.mjs can run
// it in process against the benchmark's store and see each SQL statement it sends, with its time and
// plan, with the tenant's mappings and runbooks placed as the server places them. `yarn bench:timeline`
// bundles this file with scripts/bundle.mjs into bench/timeline/dist/.
export { AnnotationQuery, SearchQuery } from '@ballast/contract';
export { openDatabase } from '../../backend/server/src/db/knex.js';
export { createKnexEventStore, systemClock } from '../../backend/server/src/events/knexEventStore.js';
export { postgresTsQuery, queryTerms, sqliteMatchSql } from '../../backend/server/src/events/fullText.js';
export { mappingService } from '../../backend/server/src/mappings/mappings.js';
export { runbookService } from '../../backend/server/src/runbooks/service.js';
export { placingFor } from '../../backend/server/src/events/placing.js';
