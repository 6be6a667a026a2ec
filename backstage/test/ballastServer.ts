/**
 * A real Ballast server for the Backstage tests: the production server on a fresh SQLite file and a
 * free port, with an admin client to arrange data and read back what the plugins did.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type BallastClient, type Role } from '@ballast/contract';
import { Config, startServer } from '@ballast/server';

export interface TestBallast {
  url: string;
  admin: BallastClient;
  /** A new key of kind `backstage` with the given role; its secret. */
  backstageKey(role: Role): Promise<string>;
  close(): Promise<void>;
}

export async function startBallast(overrides: Record<string, unknown> = {}): Promise<TestBallast> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ballast-backstage-'));
  const adminKey = 'blst_test_' + randomBytes(24).toString('base64url');
  // Its own empty runbook folder: the repository's runbooks/ are not this test's data.
  const runbooks = join(dataDir, 'runbooks');
  mkdirSync(runbooks);
  const config = Config.parse({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    dataDir,
    bootstrapAdminKey: adminKey,
    runbooksDirs: [runbooks],
    ...overrides,
  });
  const server = await startServer(config, () => {});
  const admin = createClient({ baseUrl: server.url, apiKey: adminKey });
  return {
    url: server.url,
    admin,
    backstageKey: async (role) =>
      (await admin.call('createKey', { body: { name: `backstage-${role}`, role, kind: 'backstage' } })).secret,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
