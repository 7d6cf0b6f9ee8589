// Prints the gzip size of each built script, of the first load (the entry and what it imports
// statically) and of each page opened first (that plus the page's own chunks), and fails the build
// when a first page passes the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The chunk's file and every file it imports statically, transitively. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}
const size = (files) => [...files].reduce((sum, f) => sum + gz(f), 0);

const [entryKey, entry] = Object.entries(manifest).find(([, c]) => c.isEntry);
const first = closure(entryKey);
console.log(`first load: ${kb(size(first))} gzip of JavaScript (${[...first].join(', ')})`);
let worst = 0;
for (const page of entry.dynamicImports ?? []) {
  const files = closure(page, new Set(first));
  const total = size(files);
  worst = Math.max(worst, total);
  console.log(`  opening ${page.replace(/^src\/app\/routes\//, '').padEnd(14)} ${kb(total).padStart(9)}  (+${kb(total - size(first))})`);
}
const all = Object.values(manifest).filter((c) => c.file.endsWith('.js'));
console.log(`largest first page: ${kb(worst)}, budget ${BUDGET_KB} KB; all scripts: ${kb(size(new Set(all.map((c) => c.file))))}`);
if (worst > BUDGET_KB * 1024) {
  console.error(`a first page is over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
