// One real Ballast server on SQLite for every jest test that reaches the API, seeded through the API.
import { api, sampleEvents, startBallast } from './ballastServer.mjs';

export default async function globalSetup() {
  const ballast = await startBallast();
  await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', { events: sampleEvents() });
  globalThis.__ballast = ballast;
  process.env.BALLAST_TEST_URL = ballast.url;
  process.env.BALLAST_TEST_KEYS = JSON.stringify(ballast.keys);
}
