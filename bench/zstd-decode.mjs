// zstd vs gzip decode (and encode) speed on a ~1 MB OTLP/protobuf body: `npm run build && node bench/zstd-decode.mjs`.
import { gzipSync, gunzipSync } from 'node:zlib';
import * as fz from 'fzstd';
import { init, compress, decompress } from '@bokuweb/zstd-wasm';
import { encodeTracesProto } from '../dist/formats/otlp/encode-proto.js';
await init();
// ~1 MB of GenAI-looking OTLP spans
const spans = [];
for (let i = 0; i < 3400; i++) spans.push({ traceId: (i*7919).toString(16).padStart(32,'0'), spanId: (i+1).toString(16).padStart(16,'0'), name: `chat gpt-4o ${i%17}`, kind: 3, startTimeUnixNano: 1700000000000000000n + BigInt(i), endTimeUnixNano: 1700000000100000000n + BigInt(i), attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': BigInt(i), 'http.url': `https://api.example.com/v1/chat/${i}`, 'gen_ai.prompt': 'You are a helpful assistant. '.repeat(1 + i % 5) }, events: [], links: [], status: { code: 0 } });
const body = Buffer.from(encodeTracesProto([{ resource: { attributes: { 'service.name': 'bench' } }, scopeSpans: [{ scope: { name: 's' }, spans }] }]));
console.log('body bytes', body.length);
const gz = gzipSync(body); const zs = compress(body, 3);
console.log('gzip bytes', gz.length, 'zstd-3 bytes', zs.length);
function time(name, fn, n = 50) { fn(); const t = performance.now(); for (let i = 0; i < n; i++) fn(); const ms = (performance.now() - t) / n; console.log(name, ms.toFixed(2), 'ms/op', (body.length / 1e6 / (ms / 1000)).toFixed(0), 'MB/s'); }
time('gunzip (node zlib)', () => gunzipSync(gz));
time('fzstd decompress (pure JS)', () => fz.decompress(zs));
time('fzstd streaming', () => { let n=0; const d = new fz.Decompress((c)=>{n+=c.length}); d.push(zs, true); });
time('zstd-wasm decompress', () => decompress(zs));
time('gzip level 6', () => gzipSync(body), 20);
time('zstd-wasm compress level 3', () => compress(body, 3), 20);
