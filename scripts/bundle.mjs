// Bundles a package's entry with the workspace's own packages (@ballast/*) inlined and every
// registry dependency left external, so `node dist/x.js` runs with the installed node_modules.
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node scripts/bundle.mjs <entry.ts> <outfile.js>');
  process.exit(2);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __ballastRequire } from 'node:module'; const require = __ballastRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'external-registry-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@ballast/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
