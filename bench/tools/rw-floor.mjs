// The remote-write → InfraSage floor alone (decode + encode, one thread), for `node --cpu-prof`.
import { parseConfig } from '../../dist/pipeline/config/load.js';
import { defaultCatalog } from '../../dist/pipeline/components.js';
import { findFormat } from '../../dist/formats/registry.js';
import { DEFAULT_DECODE_LIMITS } from '../../dist/formats/json.js';
import { remoteWriteBodies } from '../data.mjs';

const catalog = defaultCatalog();
const yaml = 'receivers: { prometheus_remote_write: {} }\nexporters: { infrasage: { endpoint: "http://127.0.0.1:9", api_key: k }, prometheus_remote_write: { endpoint: "http://127.0.0.1:9" } }\nservice: { pipelines: { metrics: { receivers: [prometheus_remote_write], exporters: [infrasage, prometheus_remote_write] } } }\n';
const cfg = parseConfig(yaml, { env: {}, catalog });
const bodies = remoteWriteBodies(8, 2000);
const route = findFormat('prometheus_remote_write').receiver.routes.find((r) => r.path === '/api/v1/write');
const info = { method: 'POST', path: '/api/v1/write', mediaType: 'application/x-protobuf', contentType: 'application/x-protobuf', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' } };
const target = process.argv[2] ?? 'infrasage';
const def = catalog.exporters.get(target);
const ecfg = cfg.exporters.get(target).config;
const ms = Number(process.argv[3] ?? 4000);
let decodeMs = 0, encodeMs = 0, samples = 0;
const t0 = performance.now();
for (let i = 0; performance.now() - t0 < ms; i++) {
  const a = performance.now();
  const data = route.decode(Buffer.from(bodies[i % bodies.length]), info, DEFAULT_DECODE_LIMITS).telemetry;
  const b = performance.now();
  def.encode(data, { config: ecfg });
  encodeMs += performance.now() - b;
  decodeMs += b - a;
  samples += 2000;
}
console.log(`${target}: ${Math.round(samples / ((performance.now() - t0) / 1000))} samples/s; decode ${((decodeMs * 1000) / samples).toFixed(2)} µs, encode ${((encodeMs * 1000) / samples).toFixed(2)} µs a sample`);
