import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Backstage packages' tests: real Backstage test backends (in process, SQLite in memory, never
// Docker) talking to a real Ballast server on SQLite. Run from the repo root: `yarn test:backstage`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['plugins/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // @backstage/backend-test-utils registers its clean-up with a global afterAll.
    globals: true,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
