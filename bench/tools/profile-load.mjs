// Drives one Switchyard (already started with --cpu-prof on port 14400, netra → 14401) for a few
// seconds, then stops it while the sink still answers, so the profile covers only the load.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { encodeTracesProto } from '../../dist/formats/otlp/encode-proto.js';
import { traceBatch } from '../data.mjs';

const [ms = '6000', serverPid] = process.argv.slice(2);
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(202).end());
}).listen(14401, '127.0.0.1');
const bodies = Array.from({ length: 16 }, () => Buffer.from(encodeTracesProto(traceBatch(100).traces)));
await new Promise((r) => setTimeout(r, 1500));
const pool = new Pool('http://127.0.0.1:14400', { connections: 8 });
let n = 0;
let peak = 0;
const { readFileSync } = await import('node:fs');
const sampler = serverPid ? setInterval(() => {
  try { peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'))[1]) / 1024); } catch {}
}, 100) : undefined;
const end = Date.now() + Number(ms);
await Promise.all(Array.from({ length: 8 }, async () => {
  while (Date.now() < end) {
    const r = await pool.request({ method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf' }, body: bodies[n++ % 16] });
    await r.body.dump();
  }
}));
clearInterval(sampler);
console.log('spans/s', Math.round((n * 100) / (Number(ms) / 1000)), 'peak RSS MiB', Math.round(peak));
await pool.close();
if (serverPid) {
  process.kill(Number(serverPid), 'SIGTERM');
  while (true) {
    try { process.kill(Number(serverPid), 0); } catch { break; }
    await new Promise((r) => setTimeout(r, 100));
  }
}
sink.close();
