import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { eventsRoundTrip } from './eventsRoundTrip.js';

describe('ballast events on PostgreSQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres');
  });
  afterAll(() => server?.close());

  it('adds an event from flags and finds it by search', () => eventsRoundTrip(server));
});
