// Starts a throwaway Ballast server on SQLite with sample events and the preview host in front of it:
// `node grafana-app/preview/dev.mjs`. Beside a running server instead, use preview/server.mjs.
import { api, sampleEvents, startBallast } from '../test/ballastServer.mjs';
import { startPreview } from './server.mjs';

const ballast = await startBallast();
await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', { events: sampleEvents() });
const preview = await startPreview({
  ballastUrl: ballast.url,
  appKey: ballast.keys.proxy,
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
