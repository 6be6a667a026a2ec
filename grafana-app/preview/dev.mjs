// Starts a throwaway Ballast server on SQLite with the demo day (events, SLOs with SLI counts, stabilize
// profiles, runbooks: `ballast demo seed`) plus the sample events, and the preview host in front of it:
// `node grafana-app/preview/dev.mjs`. Beside a running server instead, use preview/server.mjs.
import { api, sampleEvents, seedDemo, startBallast } from '../test/ballastServer.mjs';
import { startPreview } from './server.mjs';

const ballast = await startBallast();
await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', { events: sampleEvents() });
await seedDemo(ballast.url, ballast.keys.admin);
// An approver key, so the preview's users can approve each other's stabilize requests.
const { secret: appKey } = await api(ballast.url, ballast.keys.admin, 'POST', '/v1/keys', {
  name: 'preview app (approver)',
  role: 'approver',
  kind: 'grafana-proxy',
});
const preview = await startPreview({
  ballastUrl: ballast.url,
  appKey,
  dataSourceKey: ballast.keys.viewer,
  port: Number(process.env.BALLAST_PREVIEW_PORT ?? 0),
});
console.log(`Ballast ${ballast.url} (admin key ${ballast.keys.admin})`);
console.log(`Preview ${preview.url}/a/ballast-reliability-app/timeline`);
const stop = async () => {
  await preview.close();
  await ballast.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
