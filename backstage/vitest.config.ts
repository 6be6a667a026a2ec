import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Backstage packages' tests: real Backstage test backends (in process, SQLite in memory, never
// Docker) talking to a real Ballast server on SQLite. Run from the repo root: `yarn test:backstage`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    // Frontend tests name their DOM environment in the file (`// @vitest-environment happy-dom`).
    // e2e/: browser tests in chromium on apps built from the frontend plugin.
    include: ['plugins/*/src/**/*.test.{ts,tsx}', 'plugins/*/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // @backstage/backend-test-utils registers its clean-up with a global afterAll.
    globals: true,
    pool: 'forks',
    // Transformed by vitest rather than loaded by Node: this one imports @mui/material folders as ESM.
    server: { deps: { inline: ['material-ui-popup-state'] } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
