// Writes docs/BENCHMARKS.md's timeline section again from a run's raw figures, without rerunning:
//   node bench/timeline/render.mjs bench/results/timeline-<date>.json
// For when the section was lost (the file is shared with `yarn bench`) or the report's layout changed.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render, writeSection } from './report.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/timeline/render.mjs bench/results/timeline-<date>.json');
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { markdown } = render(JSON.parse(readFileSync(file, 'utf8')));
await writeSection(join(root, 'docs/BENCHMARKS.md'), markdown);
console.error(`wrote docs/BENCHMARKS.md from ${file}`);
