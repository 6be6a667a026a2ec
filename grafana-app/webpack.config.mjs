// Builds the app, its nested data source and panel into Grafana's AMD module format, with the
// packages Grafana shares with plugins left external (Grafana's SystemJS hands them to the module).
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import CopyPlugin from 'copy-webpack-plugin';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(resolve(here, 'package.json'), 'utf8'));

/**
 * What Grafana's SystemJS provides to plugins (sharedPackages.json): kept external here, provided by
 * the preview host, and the only imports the dist scan allows.
 */
export const SHARED = JSON.parse(readFileSync(resolve(here, 'sharedPackages.json'), 'utf8'));

const entries = {
  module: './src/module.tsx',
  'datasource/module': './src/datasource/module.ts',
  'panels/timeline/module': './src/panels/timeline/module.tsx',
  'panels/burnrate/module': './src/panels/burnrate/module.tsx',
  'panels/stabilize/module': './src/panels/stabilize/module.tsx',
};

/** The nested panels, each with its plugin.json and logo beside its module. */
const PANELS = ['timeline', 'burnrate', 'stabilize'];

function gitHash() {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: here }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const stampPluginJson = (content) =>
  content
    .toString()
    .replace(/%VERSION%/g, pkg.version)
    .replace(/%TODAY%/g, new Date().toISOString().slice(0, 10));

export default (_env, argv) => ({
  mode: argv.mode ?? 'production',
  context: here,
  target: 'web',
  devtool: argv.mode === 'development' ? 'eval-source-map' : 'source-map',
  entry: entries,
  output: {
    path: resolve(here, 'dist'),
    filename: '[name].js',
    library: { type: 'amd' },
    clean: true,
    uniqueName: pkg.name,
  },
  externals: SHARED,
  resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'] },
  optimization: { splitChunks: false, minimize: argv.mode !== 'development' },
  performance: { hints: false },
  module: {
    rules: [
      {
        test: /\.[tj]sx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'automatic' } },
              target: 'es2020',
            },
          },
        },
      },
    ],
  },
  plugins: [
    new CopyPlugin({
      patterns: [
        { from: 'src/plugin.json', to: 'plugin.json', transform: stampPluginJson },
        { from: 'src/datasource/plugin.json', to: 'datasource/plugin.json', transform: stampPluginJson },
        ...PANELS.map((p) => ({
          from: `src/panels/${p}/plugin.json`,
          to: `panels/${p}/plugin.json`,
          transform: stampPluginJson,
        })),
        { from: 'src/img', to: 'img' },
        { from: 'src/datasource/img', to: 'datasource/img' },
        ...PANELS.map((p) => ({ from: `src/panels/${p}/img`, to: `panels/${p}/img` })),
        { from: 'src/dashboards', to: 'dashboards' },
        { from: 'README.md', to: 'README.md' },
      ],
    }),
    {
      apply(compiler) {
        compiler.hooks.thisCompilation.tap('BuildInfo', (compilation) => {
          compilation.hooks.processAssets.tap({ name: 'BuildInfo', stage: 0 }, () => {
            const { RawSource } = compiler.webpack.sources;
            compilation.emitAsset(
              'build-info.json',
              new RawSource(JSON.stringify({ version: pkg.version, commit: gitHash() }, null, 2) + '\n'),
            );
          });
        });
      },
    },
  ],
});
