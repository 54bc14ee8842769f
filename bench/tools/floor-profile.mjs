// The in-process floor of OTLP protobuf → genai_normalize → Netra, for `node --cpu-prof`.
import { encodeTracesProto } from '../../dist/formats/otlp/encode-proto.js';
import { findFormat } from '../../dist/formats/registry.js';
import { DEFAULT_DECODE_LIMITS } from '../../dist/formats/json.js';
import { parseConfig } from '../../dist/pipeline/config/load.js';
import { defaultCatalog } from '../../dist/pipeline/components.js';
import { traceBatch } from '../data.mjs';

const cfg = parseConfig('receivers: { otlp: {} }\nprocessors: { genai_normalize: {} }\nexporters: { netra: { endpoint: "http://127.0.0.1:9", span_policy: all } }\nservice: { pipelines: { traces: { receivers: [otlp], processors: [genai_normalize], exporters: [netra] } } }\n', { env: {}, catalog: defaultCatalog() });
const catalog = defaultCatalog();
const normalize = catalog.processors.get('genai_normalize').create(cfg.processors.get('genai_normalize').config, { id: 'n', count() {} });
const netra = catalog.exporters.get('netra');
const route = findFormat('otlp').receiver.routes.find((r) => r.path === '/v1/traces');
const info = { method: 'POST', path: '/v1/traces', mediaType: 'application/x-protobuf', contentType: 'application/x-protobuf', headers: {} };
const bodies = Array.from({ length: 16 }, () => Buffer.from(encodeTracesProto(traceBatch(100).traces)));
const stage = { decode: 0, normalize: 0, encode: 0 };
let spans = 0;
const t0 = performance.now();
for (let i = 0; performance.now() - t0 < Number(process.argv[2] ?? 4000); i++) {
  let t = performance.now();
  const data = route.decode(bodies[i % 16], info, DEFAULT_DECODE_LIMITS).telemetry;
  stage.decode += performance.now() - t; t = performance.now();
  const n = normalize.process(data, 'traces');
  stage.normalize += performance.now() - t; t = performance.now();
  netra.encode(n, { config: cfg.exporters.get('netra').config });
  stage.encode += performance.now() - t;
  spans += 100;
}
const secs = (performance.now() - t0) / 1000;
console.log(`floor ${Math.round(spans / secs)} spans/s; per span µs: decode ${(stage.decode * 1000 / spans).toFixed(1)}, normalize ${(stage.normalize * 1000 / spans).toFixed(1)}, encode ${(stage.encode * 1000 / spans).toFixed(1)}`);
