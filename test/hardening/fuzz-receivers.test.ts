/**
 * Hostile input for every receiver, over real HTTP to one in-process Switchyard with every receiver
 * on one endpoint (debug exporter to a file as the sink). For every request:
 *   - the status is never >= 500, and never 429/503 either: there is no back-pressure in this
 *     setup, and the shared handler answers an unexpected exception with the format's
 *     back-pressure reply, so one of those here means a decoder threw something it should not have;
 *   - the body is a well-formed reply in the format's shape (JSON parses for JSON formats,
 *     google.rpc.Status for OTLP protobuf, text for remote-write);
 *   - afterwards a valid request still succeeds, /healthz is 200, and nothing was logged at error.
 * Seeds are fixed (FUZZ_SEED overrides, FUZZ_SCALE multiplies the run counts); fast-check prints the
 * seed and the counterexample of a failure.
 */
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSwitchyard, type Harness } from '../helpers/harness.js';
import {
  applyByteOps, applyJsonOps, applyPbOps, arrayPaths, byteOpsArb, jsonOpsArb, lenField, nestedAnyValue, pbOpsArb, randomPbArb, raw,
  stringifyRaw, stringPaths, truncateArb, updateAt, varint,
} from './mutators.js';
import { TARGETS, type Target } from './targets.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const params = (n: number, salt: number): fc.Parameters<unknown> => ({ numRuns: runs(n), seed: SEED + salt, endOnFailure: process.env.FUZZ_SHRINK !== '1' });

const MAX_STRING = 64 * 1024;
const MAX_ITEMS = 1000;
const MAX_DEPTH = 64;
const RECEIVER = {
  endpoint: '127.0.0.1:0',
  max_request_body_size: 8 * 1024 * 1024,
  max_decompressed_body_size: 16 * 1024 * 1024,
  max_json_depth: MAX_DEPTH,
  max_string_length: MAX_STRING,
  max_items_per_request: MAX_ITEMS,
};
const RECEIVERS = ['otlp', 'prometheus_remote_write', 'netra', 'neatlogs', 'foglamp', 'keywordsai', 'infrasage'];
const KEY = 'fuzz-key-0b5e7d';

let h: Harness;
let base: string;
const errorLogs: string[] = [];
let requests = 0;
/** Statuses seen per route, printed at the end: shows the fuzzing reached past the 400s. */
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) errorLogs.push(line.slice(0, 2000));
      cb();
    },
  });
  const receivers = RECEIVERS.map((r) => `  ${r}: ${JSON.stringify({ ...RECEIVER, api_keys: [KEY] })}`).join('\n');
  h = await startSwitchyard(`
receivers:
${receivers}
exporters:
  debug:
    verbosity: basic
    path: $DIR/out.jsonl
    sending_queue: { queue_size: 10000000, queue_bytes: 4GiB }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp, netra, neatlogs, foglamp, keywordsai, infrasage], exporters: [debug] }
    metrics: { receivers: [otlp, prometheus_remote_write, infrasage], exporters: [debug] }
    logs: { receivers: [otlp, infrasage], exporters: [debug] }
`, { logger: pino({ level: 'error' }, sink) });
  base = h.service.receiverUrl('otlp');
  for (const r of RECEIVERS) expect(h.service.receiverUrl(r), 'one endpoint for every receiver').toBe(base);
});

afterAll(async () => {
  console.log(`fuzz-receivers: ${requests} requests, seed ${SEED}, scale ${SCALE}`);
  for (const [name, m] of statuses) console.log(`  ${name}: ${[...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  await h?.close();
});

async function internalFailures(): Promise<number> {
  const m = await h.service.metrics.receiverRefused.get();
  return m.values.filter((v) => v.labels.reason === 'internal').reduce((n, v) => n + v.value, 0);
}

// Every test ends with the server still serving: a valid request of each kind succeeds, /healthz
// is 200, no decoder threw an unexpected error, nothing was logged at error level.
afterEach(async () => {
  for (const t of TARGETS) {
    const r = await send(t, t.valid());
    expect(t.successStatuses, `${t.name} still serves a valid request (${r.status} ${r.body.subarray(0, 300).toString()})`).toContain(r.status);
  }
  const health = await fetch(`${h.service.telemetryUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(await internalFailures(), 'requests answered through the unexpected-error path').toBe(0);
  expect(errorLogs, 'error log lines').toEqual([]);
});

interface Reply { status: number; contentType: string; body: Buffer }
interface SendOptions { contentType?: string | null; encoding?: string | null }

async function send(t: Target, body: Uint8Array, o: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...t.auth };
  if (o.contentType !== null) headers['content-type'] = o.contentType ?? t.contentType;
  if (o.encoding === null) delete headers['content-encoding'];
  else if (o.encoding !== undefined) headers['content-encoding'] = o.encoding;
  requests++;
  const res = await fetch(base + t.path, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

const ALLOWED_ERRORS = [400, 413, 415];

/** The per-request promise: no 5xx, no back-pressure answer, a well-formed reply in the format's shape. */
function checkSane(t: Target, r: Reply, contentType: string | null | undefined): void {
  const what = `${t.name}: ${r.status} ${r.body.subarray(0, 400).toString('utf8')}`;
  if (r.status >= 500 || r.status === 429) throw new Error(`server failure or back-pressure answer: ${what}`);
  if (!t.successStatuses.includes(r.status) && !ALLOWED_ERRORS.includes(r.status)) throw new Error(`unexpected status: ${what}`);
  const mediaType = (contentType === undefined ? t.contentType : contentType ?? '').split(';')[0]!.trim().toLowerCase();
  t.checkReply(r.status, r.contentType, r.body, mediaType);
  if (r.status >= 400 && r.body.length > 64 * 1024) throw new Error(`error body of ${r.body.length} bytes (echoing the input?): ${what.slice(0, 200)}`);
}

/** A request that takes longer than this blocked the event loop on hostile input. */
const SLOW_MS = 5000;

async function hit(t: Target, body: Uint8Array, o: SendOptions = {}): Promise<Reply> {
  const started = performance.now();
  const r = await send(t, body, o);
  const seen = statuses.get(t.name) ?? statuses.set(t.name, new Map()).get(t.name)!;
  seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
  checkSane(t, r, o.contentType);
  const ms = performance.now() - started;
  if (ms > SLOW_MS) throw new Error(`${t.name}: a ${body.length}-byte request took ${Math.round(ms)} ms (status ${r.status})`);
  return r;
}

const jsonTargets = TARGETS.filter((t) => t.kind === 'json' || t.kind === 'ndjson');
const pbTargets = TARGETS.filter((t) => t.kind === 'otlp-proto' || t.kind === 'prom');
const printable = fc.stringMatching(/^[\x21-\x7e]{0,24}$/);

describe.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, t) => {
  const salt = TARGETS.indexOf(t) * 100;

  it('answers random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (b) => { await hit(t, b); }), params(40, salt + 1));
  });

  it('answers the valid body truncated at random points', async () => {
    const arbs: fc.Arbitrary<Buffer>[] = [truncateArb(t.valid())];
    if (t.kind === 'prom') arbs.push(truncateArb(t.message!()).map((m) => t.wrap!(m)));
    await fc.assert(fc.asyncProperty(fc.oneof(...arbs), async (b) => { await hit(t, b); }), params(40, salt + 2));
  });

  it('answers the valid body with random byte mutations, insertions and deletions', async () => {
    const arbs: fc.Arbitrary<Buffer>[] = [byteOpsArb.map((ops) => applyByteOps(t.valid(), ops))];
    if (t.kind === 'prom') arbs.push(byteOpsArb.map((ops) => t.wrap!(applyByteOps(t.message!(), ops))));
    await fc.assert(fc.asyncProperty(fc.oneof(...arbs), async (b) => { await hit(t, b); }), params(80, salt + 3));
  });

  it('answers wrong, missing and odd content types and encodings', async () => {
    const arb = fc.record({
      ct: fc.oneof(
        fc.constantFrom<string | null>(null, '', 'text/plain', 'application/json', 'application/x-protobuf', 'application/protobuf',
          'application/x-ndjson', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'Application/X-Protobuf', t.contentType,
          'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'application/x-protobuf; proto="bogus.Message"', ';;;',
          'multipart/form-data; boundary=x', 'application/json, application/x-protobuf', 'application/json; proto=prometheus.WriteRequest'),
        printable,
      ),
      enc: fc.oneof(fc.constantFrom<string | null>(null, '', 'gzip', 'x-gzip', 'deflate', 'br', 'snappy', 'identity', 'compress', 'gzip, deflate', 'GZIP', 'zstd'), printable),
      body: fc.constantFrom('valid', 'gzip-valid', 'gzip-header-garbage', 'garbage', 'empty', 'gzip-truncated', 'double-gzip'),
      garbage: fc.uint8Array({ maxLength: 256 }),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ ct, enc, body, garbage }) => {
      const valid = t.valid();
      const gz = gzipSync(valid);
      const b = {
        valid,
        'gzip-valid': gz,
        'gzip-header-garbage': Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]), garbage]),
        garbage: Buffer.from(garbage),
        empty: Buffer.alloc(0),
        'gzip-truncated': gz.subarray(0, Math.max(1, gz.length - 1 - (garbage.length % gz.length))),
        'double-gzip': gzipSync(gz),
      }[body];
      await hit(t, b, { contentType: ct, encoding: enc });
    }), params(50, salt + 4));
  });
});

describe.each(jsonTargets.map((t) => [t.name, t] as const))('%s (JSON)', (_name, t) => {
  const salt = 5000 + TARGETS.indexOf(t) * 100;
  const doc = t.doc!();
  const body = (d: unknown) => t.encode!(d, stringifyRaw);

  it('answers structurally mutated JSON: wrong types, nulls, huge numbers, number-ish strings, arrays for objects', async () => {
    await fc.assert(fc.asyncProperty(jsonOpsArb, async (ops) => { await hit(t, body(applyJsonOps(doc, ops))); }), params(140, salt + 1));
  });

  it('answers deep nesting, unbalanced and balanced, at the root and inside a field', async () => {
    const N = 100_000;
    for (const b of [
      '['.repeat(N), '['.repeat(N) + ']'.repeat(N), '{"a":'.repeat(N) + '1' + '}'.repeat(N), ']'.repeat(N) + '['.repeat(N), '{'.repeat(N),
      '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH), '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1),
    ]) {
      await hit(t, Buffer.from(b));
    }
    const paths = [...stringPaths(doc), ...arrayPaths(doc)];
    const arb = fc.record({
      at: fc.nat(),
      depth: fc.constantFrom(5, 30, MAX_DEPTH - 8, MAX_DEPTH - 2, MAX_DEPTH + 1, 1000, N),
      open: fc.constantFrom('[', '{"k":', '[{"key":"a","value":{"arrayValue":{"values":['),
      balanced: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ at, depth, open, balanced }) => {
      const close = open === '[' ? ']' : open === '{"k":' ? '}' : ']}}}]';
      const nested = open.repeat(depth) + (open === '[' ? '' : '1') + (balanced ? close.repeat(depth) : '');
      await hit(t, body(updateAt(doc, paths[at % paths.length]!, () => raw(nested))));
    }), params(14, salt + 2));
  });

  it('answers huge strings beyond max_string_length, and just under it', async () => {
    const paths = stringPaths(doc);
    const arb = fc.record({
      at: fc.nat(),
      size: fc.constantFrom(MAX_STRING - 64, MAX_STRING + 1, 3 * 1024 * 1024),
      unit: fc.constantFrom('x', '\u00e9', '\\"', '\\u0000', '\ud83d\ude00'),
      asKey: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ at, size, unit, asKey }) => {
      const s = unit.repeat(Math.ceil(size / Buffer.byteLength(unit)));
      const path = paths[at % paths.length]!;
      const holder = asKey && path.length ? path.slice(0, -1) : undefined;
      const d = holder
        ? updateAt(doc, holder, (o) => (o && typeof o === 'object' && !Array.isArray(o) ? { ...o, [raw('@@HUGE@@')]: 1 } : raw('@@HUGE@@')))
        : updateAt(doc, path, () => raw('@@HUGE@@'));
      await hit(t, Buffer.from(body(d).toString('utf8').replace('@@HUGE@@', `"${s}"`)));
    }), params(8, salt + 3));
    // An unterminated huge string, and one that is the whole body.
    await hit(t, Buffer.from('{"a":"' + 'x'.repeat(3 * 1024 * 1024)));
    await hit(t, Buffer.from('"' + 'x'.repeat(3 * 1024 * 1024) + '"'));
  });

  it('answers many items, beyond max_items_per_request and under it', async () => {
    const paths = arrayPaths(doc);
    const arb = fc.record({ at: fc.nat(), n: fc.constantFrom(MAX_ITEMS - 1, MAX_ITEMS + 1, 3 * MAX_ITEMS) });
    await fc.assert(fc.asyncProperty(arb, async ({ at, n }) => {
      const d = paths.length
        ? updateAt(doc, paths[at % paths.length]!, (a) => Array.from({ length: n }, (_, i) => (a as unknown[])[i % (a as unknown[]).length]))
        : Array.from({ length: n }, () => doc);
      await hit(t, body(d));
    }), params(4, salt + 4));
    await hit(t, body(Array.from({ length: 5 * MAX_ITEMS }, () => doc)));
  });
});

describe.each(pbTargets.map((t) => [t.name, t] as const))('%s (protobuf)', (_name, t) => {
  const salt = 9000 + TARGETS.indexOf(t) * 100;
  const msg = t.message!();

  it('answers random protobuf messages', async () => {
    await fc.assert(fc.asyncProperty(randomPbArb, async (m) => { await hit(t, t.wrap!(m)); }), params(80, salt + 1));
  });

  it('answers valid protobuf with absurd varints and lengths, wrong wire types, duplicated and deleted fields', async () => {
    await fc.assert(fc.asyncProperty(pbOpsArb, async (ops) => { await hit(t, t.wrap!(applyPbOps(msg, ops))); }), params(180, salt + 2));
  });

  it('answers many items beyond max_items_per_request', async () => {
    // The first top-level field is the item list (resource_spans/metrics/logs, timeseries).
    for (const times of [MAX_ITEMS + 1, 2 * MAX_ITEMS]) {
      await hit(t, t.wrap!(applyPbOps(msg, [{ op: 'dup', at: 0, times }])));
    }
  });
});

describe.runIf(TARGETS.some((t) => t.kind === 'otlp-proto'))('OTLP protobuf specifics', () => {
  const traces = TARGETS.find((t) => t.name === 'otlp traces protobuf')!;
  const logs = TARGETS.find((t) => t.name === 'otlp logs protobuf')!;

  it('answers AnyValue nested up to 100,000 levels in resource attributes and log bodies', async () => {
    for (const depth of [10, 60, 200, 1000, 5000, 20_000, 100_000]) {
      const any = nestedAnyValue(depth);
      const kv = Buffer.concat([lenField(1, Buffer.from('deep')), lenField(2, any)]);
      // ExportTraceServiceRequest{resource_spans{resource{attributes: kv}}}
      await hit(traces, lenField(1, lenField(1, lenField(1, kv))));
      // ExportLogsServiceRequest{resource_logs{scope_logs{log_records{body: any}}}}
      await hit(logs, lenField(1, lenField(2, lenField(2, lenField(5, any)))));
    }
  });

  it('answers huge strings in a span name and an attribute', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const span = Buffer.concat([lenField(1, Buffer.alloc(16, 1)), lenField(2, Buffer.alloc(8, 2)), lenField(5, big)]);
    await hit(traces, lenField(1, lenField(2, lenField(2, span))));
    const kv = Buffer.concat([lenField(1, big), lenField(2, lenField(1, big))]);
    await hit(traces, lenField(1, lenField(1, lenField(1, kv))));
    const bad = Buffer.concat([lenField(1, Buffer.alloc(16, 1)), lenField(2, Buffer.alloc(8, 2)), lenField(5, Buffer.from([0xc3, 0x28, 0xff]))]);
    await hit(traces, lenField(1, lenField(2, lenField(2, bad))));
  });
});

describe.runIf(TARGETS.some((t) => t.kind === 'prom'))('remote-write snappy framing', () => {
  const targets = TARGETS.filter((t) => t.kind === 'prom');

  it('answers snappy blocks with bad declared lengths, bad copies and overlong literals', async () => {
    const arb = fc.record({
      t: fc.constantFrom(...targets),
      declared: fc.oneof(
        fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 0xffffffff, 64 * 1024 * 1024, 64 * 1024 * 1024 + 1, 16 * 1024 * 1024 + 1).map((n) => varint(n)),
        fc.constantFrom(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Uint8Array.from([0x80]), Uint8Array.from([])),
        fc.integer({ min: -3, max: 3 }).map((d) => d as number | Uint8Array),
      ),
      rest: fc.oneof(
        fc.constant('valid' as const),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(
          Uint8Array.from([0x00, 0x61, 0x01, 0xff]), // literal "a", then a copy of offset 255 > output
          Uint8Array.from([0xfc, 0xff, 0xff, 0xff, 0x7f]), // literal claiming 2^31 bytes
          Uint8Array.from([0xf0, 0xff, 0xff, 0xff]), // literal with a 4-byte length, truncated
          Uint8Array.from([0x00, 0x61, 0xfe, 0x01, 0x00]), // copy-2 of 64 bytes at offset 1: 64x expansion
          Uint8Array.from([0x02, 0x00, 0x00]), // copy with offset 0
        ),
      ),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ t, declared, rest }) => {
      const valid = t.valid();
      let headerLen = 0;
      while (valid[headerLen]! & 0x80) headerLen++;
      headerLen++;
      const realLen = t.message!().length;
      const head = typeof declared === 'number' ? varint(Math.max(0, realLen + declared)) : declared;
      const tail = rest === 'valid' ? valid.subarray(headerLen) : rest;
      await hit(t, Buffer.concat([head, tail]));
    }), params(60, 77));
    // A tiny body that declares a large output, and many copies expanding one byte.
    for (const t of targets) {
      await hit(t, Buffer.from([0x80, 0x80, 0x80, 0x20]));
      const copies = Buffer.alloc(3 * 20_000);
      for (let i = 0; i < 20_000; i++) copies.set([0xfe, 0x01, 0x00], i * 3);
      await hit(t, Buffer.concat([varint(20_000 * 64 + 1), Buffer.from([0x00, 0x61]), copies]));
    }
  });

  it('answers the framed snappy format and gzip instead of snappy', async () => {
    for (const t of targets) {
      await hit(t, Buffer.concat([Buffer.from([0xff, 0x06, 0x00, 0x00]), Buffer.from('sNaPpY'), t.valid()]));
      await hit(t, gzipSync(t.message!()), { encoding: 'gzip' });
      await hit(t, gzipSync(t.message!()), { encoding: null });
    }
  });
});
