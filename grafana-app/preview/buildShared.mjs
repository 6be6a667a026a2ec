// Bundles the packages Grafana shares with plugins into one browser script for the preview host,
// which registers each one with SystemJS under its bare name, as Grafana does. Built once, then reused
// until package versions change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'vendor', 'shared.js');
const stamp = join(here, 'vendor', 'shared.stamp');

/** The bare names the host provides: the packages Grafana shares with plugins, and react-dom/client for the host itself. */
export const PROVIDED = [
  ...JSON.parse(readFileSync(join(here, '..', 'sharedPackages.json'), 'utf8')),
  'react-dom/client',
];

function versions() {
  const v = {};
  for (const name of [
    'react',
    'react-dom',
    '@grafana/data',
    '@grafana/ui',
    '@grafana/runtime',
    '@emotion/css',
    'rxjs',
    'lodash',
  ]) {
    const file = fileURLToPath(import.meta.resolve(`${name}/package.json`));
    v[name] = JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return JSON.stringify(v);
}

export async function buildShared() {
  const want = versions() + JSON.stringify(PROVIDED);
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return out;
  const { build } = await import('esbuild');
  const entry = PROVIDED.map(
    (name, i) => `import * as m${i} from '${name}';\nshared[${JSON.stringify(name)}] = m${i};`,
  ).join('\n');
  mkdirSync(dirname(out), { recursive: true });
  await build({
    stdin: {
      contents: `const shared = {};\n${entry}\nwindow.__previewShared = shared;\n`,
      resolveDir: here,
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: process.env.PREVIEW_SHARED_MINIFY !== '0',
    outfile: out,
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.css': 'empty', '.svg': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.png': 'dataurl' },
    logLevel: 'warning',
  });
  writeFileSync(stamp, want);
  return out;
}
