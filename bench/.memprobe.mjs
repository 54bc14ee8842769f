const mods = process.argv.slice(2);
const mu = () => { global.gc?.(); const m = process.memoryUsage(); return `rss=${(m.rss/2**20).toFixed(1)} heap=${(m.heapUsed/2**20).toFixed(1)} ext=${(m.external/2**20).toFixed(1)} ab=${(m.arrayBuffers/2**20).toFixed(1)}`; };
console.log('base', mu());
for (const m of mods) { await import(m); console.log(m, mu()); }
