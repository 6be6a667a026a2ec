// Gzipped size of each built module (Grafana's shared packages are external, so not counted), checked
// against the budgets: data source <= 60 KB, app and panels <= 120 KB each. Run after the build.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const budgets = [
  ['module.js', 'app', 120],
  ['datasource/module.js', 'data source', 60],
  ['panels/timeline/module.js', 'timeline panel', 120],
  ['panels/burnrate/module.js', 'burn-rate panel', 120],
  ['panels/stabilize/module.js', 'stabilize panel', 120],
];

let over = false;
for (const [file, what, budgetKb] of budgets) {
  const raw = readFileSync(join(dist, file));
  const gz = gzipSync(raw, { level: 9 }).length;
  const kb = gz / 1024;
  const ok = kb <= budgetKb;
  over ||= !ok;
  console.log(
    `${what.padEnd(15)} ${file.padEnd(26)} ${(raw.length / 1024).toFixed(1).padStart(6)} KB raw  ${kb.toFixed(1).padStart(5)} KB gzip  budget ${budgetKb} KB  ${ok ? 'ok' : 'OVER'}`,
  );
}
process.exit(over ? 1 : 0);
