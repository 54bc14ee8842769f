// The load generator, in its own process: fixed concurrency over keep-alive connections, either
// as fast as the server answers (closed loop) or paced at a target request rate (open loop).
// With `grpc` in the spec it calls an OTLP Export method instead: `concurrency` calls in flight
// on one channel (one HTTP/2 connection), as an OTLP SDK's gRPC exporter sends, or spread over
// `grpcChannels` channels.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'undici';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const bodies = spec.bodies.map((b) => Buffer.from(b, 'base64'));
const fresh = freshTraceIds(bodies, spec.traceIdTail);
const url = new URL(spec.url);
const pool = new Pool(url.origin, { connections: spec.concurrency, keepAliveTimeout: 60_000, pipelining: 1 });
const latencies = [];
const statuses = {};
let sentBytes = 0;
let okItems = 0;
let i = 0;
const started = performance.now();
const deadline = started + spec.durationMs;
const interval = spec.rate ? 1000 / spec.rate : 0;
let nextAt = started;

// `grpcChannels` (default 1): calls go round-robin over that many channels, each its own
// HTTP/2 connection (several SDK clients rather than one).
// A distinct option per channel, so that grpc-js does not share one subchannel between them.
const channels = spec.grpc
  ? Array.from({ length: spec.grpcChannels ?? 1 }, (_, i) => new grpc.Client(url.host, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'bench.channel': i }))
  : [];
let nextChannel = 0;

/**
 * Request n: body n mod count, with the low half of its trace ids (`tail`, as hex text in JSON
 * bodies and as bytes in protobuf ones) replaced by the pass number, so that each pass over the
 * bodies sends new traces, as real traffic does. The first pass sends the bodies as they are.
 */
function freshTraceIds(list, tail) {
  const find = (b, needle) => {
    const at = [];
    for (let k = b.indexOf(needle); k >= 0; k = b.indexOf(needle, k + needle.length)) at.push(k);
    return at;
  };
  const spots = tail ? list.map((b) => ({ text: find(b, Buffer.from(tail, 'latin1')), bytes: find(b, Buffer.from(tail, 'hex')) })) : [];
  return (n) => {
    const k = n % list.length;
    const pass = Math.floor(n / list.length);
    const where = spots[k];
    if (pass === 0 || !where || where.text.length + where.bytes.length === 0) return list[k];
    const out = Buffer.from(list[k]);
    const raw = Buffer.alloc(8);
    raw.writeBigUInt64BE(BigInt(pass));
    const text = raw.toString('hex');
    for (const at of where.text) out.write(text, at, 'latin1');
    for (const at of where.bytes) raw.copy(out, at);
    return out;
  };
}

/** One gRPC call: resolves the status name (OK, UNAVAILABLE, …) like an HTTP status. */
function grpcCall(body) {
  return new Promise((resolve) => {
    channels[nextChannel++ % channels.length].makeUnaryRequest(spec.grpc, (b) => b, (b) => b, body, new grpc.Metadata(), { deadline: Date.now() + 30_000, waitForReady: true }, (err) =>
      resolve(err ? grpc.status[err.code] ?? String(err.code) : 'OK'));
  });
}

async function oneGrpc() {
  const body = fresh(i++);
  const t0 = performance.now();
  const status = await grpcCall(body);
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (status === 'OK') {
    latencies.push(performance.now() - t0);
    sentBytes += body.length;
    okItems += spec.itemsPerRequest;
  }
}

async function one() {
  const body = fresh(i++);
  const t0 = performance.now();
  try {
    const res = await pool.request({ method: 'POST', path: url.pathname, headers: spec.headers, body });
    await res.body.dump();
    const ms = performance.now() - t0;
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode < 300) {
      latencies.push(ms);
      sentBytes += body.length;
      okItems += spec.itemsPerRequest;
    }
  } catch (e) {
    statuses.error = (statuses.error ?? 0) + 1;
  }
}

async function worker() {
  while (performance.now() < deadline) {
    if (interval) {
      const wait = nextAt - performance.now();
      nextAt += interval;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (performance.now() >= deadline) break;
    }
    await (spec.grpc ? oneGrpc() : one());
  }
}

await Promise.all(Array.from({ length: spec.concurrency }, worker));
for (const c of channels) c.close();
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
process.stdout.write(JSON.stringify({
  seconds, statuses, itemsPerSecond: okItems / seconds, mbPerSecond: sentBytes / seconds / 1e6, requestsPerSecond: latencies.length / seconds,
  p50: pct(50), p99: pct(99), p999: pct(99.9),
}));
await pool.close();
