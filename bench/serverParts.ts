// The server's own ingest-path functions, re-exported for the in-process cost split (bench/costSplit.mjs)
// and for preparing the ceiling's store with the server's migrations (bench/run.mjs).
// `yarn bench` bundles this file with scripts/bundle.mjs into bench/dist/serverParts.js: @ballast/*
// code is inlined, registry packages stay external, so the measured code is the code that ships.
export { parseIngestBody } from '@ballast/contract';
export { eventHash } from '../backend/server/src/events/chain.js';
export { searchText } from '../backend/server/src/events/fullText.js';
export { prepareBatch } from '../backend/server/src/events/ingestBatch.js';
export { createKnexEventStore, systemClock } from '../backend/server/src/events/knexEventStore.js';
export { openDatabase, migrate } from '../backend/server/src/db/knex.js';
export { createChangeFeed } from '../backend/server/src/events/stream/changeFeed.js';
