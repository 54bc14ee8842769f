// Inclusive time per function in a .cpuprofile: the share of samples with the function anywhere on
// the stack (counted once per sample), so that whole stages (decode, encode, send) can be compared.
import { readFileSync } from 'node:fs';

const prof = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const filter = process.argv[4] ? new RegExp(process.argv[4]) : /dist\//;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = prof.timeDeltas.reduce((a, b) => a + b, 0);
const incl = new Map();
prof.samples.forEach((id, i) => {
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const f = byId.get(n).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1')}:${f.lineNumber + 1}`;
    if (!filter.test(f.url) || seen.has(key)) continue;
    seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
});
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40))) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
