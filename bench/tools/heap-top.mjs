// Allocation sites still live at the end of a `node --heap-prof` run (.heapprofile), by self size.
import { readFileSync } from 'node:fs';

const prof = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const self = new Map();
let total = 0;
const walk = (n) => {
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.selfSize);
  total += n.selfSize;
  for (const c of n.children ?? []) walk(c);
};
walk(prof.head);
console.log(`sampled live at exit: ${(total / 1048576).toFixed(1)} MiB`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 15))) console.log(`${(v / 1048576).toFixed(2).padStart(7)} MiB  ${k}`);
