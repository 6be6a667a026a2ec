// Bundles the packages Grafana shares with plugins into one browser script for the preview host,
// which registers each one with SystemJS under its bare name, as Grafana does. Built once, then reused
// until package versions change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'vendor', 'shared.js');
const stamp = join(here, 'vendor', 'shared.stamp');

/** The bare names the host provides: the same list webpack keeps external (webpack.config.mjs SHARED). */
export const PROVIDED = {
  react: 'react',
  'react-dom': 'react-dom',
  'react-dom/client': 'react-dom/client',
  'react/jsx-runtime': 'react/jsx-runtime',
  '@grafana/data': '@grafana/data',
  '@grafana/ui': '@grafana/ui',
  '@grafana/runtime': '@grafana/runtime',
  '@emotion/css': '@emotion/css',
  rxjs: 'rxjs',
  'rxjs/operators': 'rxjs/operators',
  lodash: 'lodash',
};

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
  const want = versions();
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return out;
  const { build } = await import('esbuild');
  const entry = Object.entries(PROVIDED)
    .map(([name, spec], i) => `import * as m${i} from '${spec}';\nshared[${JSON.stringify(name)}] = m${i};`)
    .join('\n');
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
