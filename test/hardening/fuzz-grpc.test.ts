/**
 * Hostile input for the OTLP/gRPC route, over real HTTP/2 to one in-process Switchyard: random
 * bytes, truncations, byte and protobuf-structure mutations as the Export message (plain and gzip
 * by the grpc-js client), and hand-built gRPC frames (lying length prefixes, a compressed flag
 * with garbage, unknown grpc-encoding) over node:http2. For every call:
 *   - the status is OK, INVALID_ARGUMENT or RESOURCE_EXHAUSTED (or UNIMPLEMENTED for an encoding
 *     grpc-js does not speak), never UNKNOWN, INTERNAL or UNAVAILABLE: no back-pressure exists
 *     here, so UNAVAILABLE would mean a decoder threw something unexpected;
 *   - afterwards a valid call still succeeds, health is SERVING, nothing was logged at error.
 * Seeds are fixed (FUZZ_SEED overrides, FUZZ_SCALE multiplies the run counts).
 */
import { connect, constants as h2 } from 'node:http2';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { HEALTH_CHECK, LOGS_EXPORT, METRICS_EXPORT, rawClient, TRACE_EXPORT } from '../helpers/grpc-client.js';
import { applyByteOps, applyPbOps, byteOpsArb, pbOpsArb, randomPbArb, truncateArb } from './mutators.js';
import { TARGETS } from './targets.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x6e9c);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const params = (n: number, salt: number): fc.Parameters<unknown> => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED + salt, endOnFailure: process.env.FUZZ_SHRINK !== '1' });

const ALLOWED = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED]);
const METHODS = { traces: TRACE_EXPORT, metrics: METRICS_EXPORT, logs: LOGS_EXPORT } as const;
const VALID = Object.fromEntries(TARGETS.filter((t) => t.kind === 'otlp-proto').map((t) => [t.path.slice(4), t.valid()])) as Record<keyof typeof METHODS, Buffer>;

let h: Harness;
let target: string;
const errorLogs: string[] = [];
let plain: ReturnType<typeof rawClient>;
let gzipped: ReturnType<typeof rawClient>;
const seen = new Map<number, number>();

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) errorLogs.push(line.slice(0, 2000));
      cb();
    },
  });
  h = await startSwitchyard(`
receivers:
  otlp:
    max_items_per_request: 1000
    max_string_length: 65536
    protocols: { grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 4 } }
exporters:
  debug: { verbosity: basic, path: $DIR/out.jsonl, sending_queue: { queue_size: 10000000, queue_bytes: 4GiB } }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
    metrics: { receivers: [otlp], exporters: [debug] }
    logs: { receivers: [otlp], exporters: [debug] }
`, { logger: pino({ level: 'error' }, sink) });
  target = h.service.grpc.address('otlp').url;
  plain = rawClient(target);
  gzipped = rawClient(target, { options: { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } });
});

afterAll(async () => {
  console.log(`fuzz-grpc: seed ${SEED}, statuses ${[...seen].map(([s, n]) => `${grpc.status[s]}×${n}`).join(' ')}`);
  plain?.close();
  gzipped?.close();
  await h?.close();
});

afterEach(async () => {
  for (const [signal, method] of Object.entries(METHODS)) {
    const r = await plain.call(method, VALID[signal as keyof typeof METHODS]);
    expect(r.error, `${signal} still served`).toBeUndefined();
  }
  const health = await plain.call(HEALTH_CHECK, new Uint8Array());
  expect([...(health.response ?? [])]).toEqual([8, 1]);
  const refused = await h.service.metrics.receiverRefused.get();
  expect(refused.values.filter((v) => v.labels.reason === 'internal').reduce((n, v) => n + v.value, 0)).toBe(0);
  expect(errorLogs).toEqual([]);
});

async function hit(client: ReturnType<typeof rawClient>, method: string, body: Uint8Array): Promise<void> {
  const r = await client.call(method, body, {}, 20_000);
  const code = r.error?.code ?? grpc.status.OK;
  seen.set(code, (seen.get(code) ?? 0) + 1);
  if (!ALLOWED.has(code)) throw new Error(`status ${grpc.status[code]} (${r.error?.details}) for a ${body.length}-byte message`);
}

describe.each(Object.keys(METHODS).map((s) => [s] as const))('OTLP/gRPC %s Export', (signal) => {
  const method = METHODS[signal as keyof typeof METHODS];
  const valid = VALID[signal as keyof typeof METHODS];
  const salt = Object.keys(METHODS).indexOf(signal) * 100;
  const client = fc.constantFrom('plain', 'gzip');
  const pick = (c: string) => (c === 'gzip' ? gzipped : plain);

  it('answers random bytes and random protobuf', async () => {
    await fc.assert(fc.asyncProperty(client, fc.oneof(fc.uint8Array({ maxLength: 4096 }), randomPbArb), async (c, b) => hit(pick(c), method, b)), params(40, salt + 1));
  });

  it('answers the valid message truncated and byte-mutated', async () => {
    await fc.assert(fc.asyncProperty(client, fc.oneof(truncateArb(valid), byteOpsArb.map((ops) => applyByteOps(valid, ops))), async (c, b) => hit(pick(c), method, b)), params(60, salt + 2));
  });

  it('answers structural protobuf mutations (absurd lengths, wrong wire types, duplicated fields)', async () => {
    await fc.assert(fc.asyncProperty(client, pbOpsArb, async (c, ops) => hit(pick(c), method, applyPbOps(valid, ops))), params(60, salt + 3));
  });
});

/** One raw gRPC call over HTTP/2: returns the grpc-status the server answered. */
function rawFrame(frame: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = connect(target);
    session.on('error', reject);
    const req = session.request({ [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let status: number | undefined;
    req.on('response', (hd) => { if (hd['grpc-status'] !== undefined) status = Number(hd['grpc-status']); });
    req.on('trailers', (t) => { status = Number(t['grpc-status']); });
    req.on('data', () => {});
    req.on('end', () => { session.close(); status === undefined ? reject(new Error('no grpc-status')) : resolve(status); });
    req.on('error', reject);
    req.end(frame);
  });
}

function frame(flag: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([head, payload]);
}

describe('hand-built gRPC frames', () => {
  it('answers lying length prefixes, compressed flags with garbage and unknown encodings without failing', async () => {
    const valid = VALID.traces;
    const cases: [string, Buffer, Record<string, string>][] = [
      ['valid', frame(0, valid), {}],
      ['valid gzip', frame(1, gzipSync(valid)), { 'grpc-encoding': 'gzip' }],
      ['compressed flag, garbage', frame(1, Buffer.from('not gzip at all')), { 'grpc-encoding': 'gzip' }],
      ['compressed flag, no encoding', frame(1, gzipSync(valid)), {}],
      ['gzip bomb', frame(1, gzipSync(Buffer.alloc(64 * 1024 * 1024))), { 'grpc-encoding': 'gzip' }],
      ['zstd (grpc-js has none)', frame(1, valid), { 'grpc-encoding': 'zstd' }],
      ['length says more than sent', frame(0, valid, valid.length + 1000), {}],
      ['length says 4 GiB', frame(0, valid, 0xffffffff), {}],
      ['empty body', Buffer.alloc(0), {}],
      ['half a prefix', Buffer.from([0, 0, 0]), {}],
      ['two messages in a unary call', Buffer.concat([frame(0, valid), frame(0, valid)]), {}],
    ];
    for (const [name, f, headers] of cases) {
      // Wrapped: OK is status 0, which `eventually` would take for "not yet".
      const { status } = await eventually(() => rawFrame(f, headers).then((code) => ({ status: code })), 20_000, name);
      seen.set(status, (seen.get(status) ?? 0) + 1);
      expect([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED, grpc.status.UNIMPLEMENTED, grpc.status.INTERNAL], `${name}: ${grpc.status[status]}`).toContain(status);
      if (name.startsWith('valid')) expect(status, name).toBe(grpc.status.OK);
      if (name === 'gzip bomb' || name === 'length says 4 GiB') expect(status, name).toBe(grpc.status.RESOURCE_EXHAUSTED);
    }
  });
});
