// Drives one Switchyard relay (already started, remote-write receiver on 14400, exporter → 14401)
// with 2,000-series remote-write bodies for a few seconds, sinking what it forwards; prints the
// rate and the server's peak RSS. For `node --cpu-prof` / `--heap-prof` runs of the relay path.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { remoteWriteBodies } from '../data.mjs';

const [ms = '6000', serverPid] = process.argv.slice(2);
// The sink in its own process: in this one it would answer only between the load's sends.
const sink = fork(new URL('../sink.mjs', import.meta.url), [], { env: { ...process.env, SINK_PORT: '14401' } });
await new Promise((r) => sink.once('message', r));
const bodies = remoteWriteBodies(8, 2000);
const pool = new Pool('http://127.0.0.1:14400', { connections: 8 });
let ok = 0;
let refused = 0;
let peak = 0;
const sampler = serverPid ? setInterval(() => {
  try { peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'))[1]) / 1024); } catch {}
}, 100) : undefined;
const end = Date.now() + Number(ms);
let i = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (Date.now() < end) {
    const r = await pool.request({ method: 'POST', path: '/api/v1/write', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' }, body: bodies[i++ % 8] });
    await r.body.dump();
    if (r.statusCode === 204) ok++;
    else refused++;
  }
}));
clearInterval(sampler);
const stats = await new Promise((r) => { sink.once('message', r); sink.send('stats'); });
console.log('accepted samples/s', Math.round((ok * 2000) / (Number(ms) / 1000)), 'refused', refused, 'forwarded samples/s', Math.round(stats.samples / (Number(ms) / 1000)), 'peak RSS MiB', Math.round(peak));
await pool.close().catch(() => {});
// Left running until the server has drained into it; the caller stops the server first.
setTimeout(() => sink.send('stop'), 3000);
