/**
 * Bundles the two test apps with esbuild (a root devDependency) from the published entry points, the
 * way an app's bundler would consume the package, rather than with the full backstage-cli.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
export const APPS = { legacy: 'legacyApp.tsx', new: 'newApp.tsx' } as const;
export type AppName = keyof typeof APPS;

/** Builds one app into `outDir/<name>/` (index.js and index.css); returns that folder. */
export async function buildApp(name: AppName, outDir: string): Promise<string> {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: { index: join(here, APPS[name]) },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Libraries written for webpack's Node shims (as backstage-cli gives them) read `process`, `global`,
    // and the catalog's CSV export imports `stream`.
    banner: {
      js: 'globalThis.process ??= { env: {}, nextTick: (f, ...a) => queueMicrotask(() => f(...a)) }; globalThis.global ??= globalThis;',
    },
    alias: { stream: 'readable-stream' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' },
  });
  return dir;
}
