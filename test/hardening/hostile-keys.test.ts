/**
 * Input keys are data, never structure; nothing accepted can fail later.
 *  - Property tests (fast-check, seeded; the seed is printed on failure): attribute maps with
 *    arbitrary keys — `__proto__`, `constructor`, `$`-prefixed, tag look-alikes (`$i`, `$b`, `$kv`),
 *    empty — round-trip through the persistent queue's encoding and through OTLP/JSON and
 *    OTLP/protobuf decode → model → encode, as own keys with their exact values.
 *  - Over real sockets: an attribute map whose only key is `$i` survives a restart of a persistent
 *    queue; a Netra event with `__proto__` keys and nested integers is accepted and delivered;
 *    an absurd timestamp is a 400 naming the field, not an acknowledged item that fails later.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyValueList, type AnyValue, type Attributes, type Telemetry } from '../../src/model/index.js';
import { deserializeTelemetry, serializeTelemetry } from '../../src/model/serialize.js';
import { decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { NETRA_DOC_EXAMPLE } from '../formats/netra.examples.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';

const SEED = Number(process.env.KEYS_SEED ?? 0x6b657973);
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$i', '$b', '$d', '$kv', '$$i', '$', '$$', '', ' '];
const keyArb = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 }), fc.string({ maxLength: 4 }).map((s) => `$${s}`));

function own(entries: [string, AnyValue][]): Attributes {
  const out: Attributes = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const scalarArb: fc.Arbitrary<AnyValue> = fc.oneof(
  fc.string({ maxLength: 8 }), fc.boolean(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.double({ noNaN: true }),
  fc.uint8Array({ maxLength: 6 }), fc.constant(null),
);
const valueArb: fc.Arbitrary<AnyValue> = fc.letrec<{ v: AnyValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, fc.array(tie('v'), { maxLength: 3 }),
    fc.uniqueArray(fc.tuple(keyArb, tie('v')), { maxLength: 4, selector: ([k]) => k }).map((e) => new KeyValueList(own(e)))),
})).v;
const attrsArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), { maxLength: 6, selector: ([k]) => k }).map(own);

function spanWith(attributes: Attributes, resource: Attributes): Telemetry {
  return { traces: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: 's' }, spans: [{
    traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'n', kind: 1,
    startTimeUnixNano: 1700000000000000000n, endTimeUnixNano: 1700000000500000000n, attributes, events: [], links: [], status: { code: 0 },
  }] }] }] };
}

/** Own keys, recursively, in a form toEqual compares strictly (a `__proto__` key included). */
function shape(v: unknown): unknown {
  if (v instanceof KeyValueList) return { kvlist: shape(v.values) };
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]);
  if (typeof v === 'bigint') return { int: String(v) };
  if (typeof v === 'number') return { double: Object.is(v, -0) ? '-0' : String(v) };
  return v;
}

const attrsOf = (t: Telemetry) => t.traces![0]!.scopeSpans[0]!.spans[0]!.attributes;

describe('arbitrary keys (property tests)', () => {
  it('round-trip through the persistent queue encoding', () => {
    fc.assert(fc.property(attrsArb, attrsArb, (a, r) => {
      const back = deserializeTelemetry(serializeTelemetry(spanWith(a, r)));
      expect(shape(attrsOf(back))).toEqual(shape(a));
      expect(shape(back.traces![0]!.resource.attributes)).toEqual(shape(r));
      expect(Object.getPrototypeOf(attrsOf(back))).toBe(Object.prototype);
    }), { seed: SEED, numRuns: 400 });
  });

  it('round-trip through OTLP/JSON and OTLP/protobuf (decode → model → encode → decode)', async () => {
    const { otlpJsonCodec } = await import('../../src/formats/otlp/index.js');
    const T = otlpTypes();
    fc.assert(fc.property(attrsArb, (a) => {
      const json = otlpJsonCodec.encode(spanWith(a, {}));
      const viaJson = decodeTracesJson(Buffer.from(json), DEFAULT_DECODE_LIMITS);
      expect(viaJson.rejected).toEqual([]);
      expect(shape(attrsOf(viaJson.telemetry))).toEqual(shape(a));
      // The same request as protobuf, built from the JSON by protobufjs' own (standard) types.
      const msg = T.traceRequest.fromObject(toProtoObject(JSON.parse(json)) as Record<string, unknown>);
      const viaProto = decodeTracesProto(T.traceRequest.encode(msg).finish(), DEFAULT_DECODE_LIMITS);
      expect(shape(attrsOf(viaProto.telemetry))).toEqual(shape(a));
    }), { seed: SEED + 1, numRuns: 300 });
  });
});

/** OTLP/JSON → what protobufjs' fromObject takes: hex ids to bytes; every key kept as an own key. */
function toProtoObject(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => toProtoObject(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(v)) out[k] = toProtoObject((v as Record<string, unknown>)[k], k);
    return out;
  }
  if ((key === 'traceId' || key === 'spanId') && typeof v === 'string') return Buffer.from(v, 'hex');
  return v;
}

describe('over real sockets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  let cap: CaptureServer | undefined;
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
    await cap?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (capUrl: string) => `
receivers:
  otlp: { endpoint: "127.0.0.1:0" }
  netra: { endpoint: "127.0.0.1:0" }
exporters:
  otlp_http:
    endpoint: ${capUrl}
    encoding: json
    sending_queue: { storage: ${dir}/queue }
    retry_on_failure: { initial_interval: 50ms, max_interval: 100ms }
service:
  pipelines:
    traces: { receivers: [otlp, netra], exporters: [otlp_http] }
`;

  it('an attribute map whose only key is $i (or $b) survives a restart of the persistent queue', async () => {
    cap = await startCaptureServer();
    let attempts = 0;
    cap.status = () => (attempts++, 503);
    h = await startSwitchyard(config(cap.url));
    const body = {
      resourceSpans: [{ resource: { attributes: [{ key: '$b', value: { stringValue: 'AAAA' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [{
        traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'kept', kind: 1,
        startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000',
        attributes: [{ key: '$i', value: { stringValue: '5' } }],
      }] }] }],
    };
    const r = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    await eventually(() => attempts > 0, 10_000, 'a first (refused) delivery attempt');
    await h.close();
    h = undefined;
    cap.status = () => 200;
    h = await startSwitchyard(config(cap.url));
    const got = await eventually(() => cap!.requests.find((q) => q.body.toString().includes('"kept"')), 15_000, 'the replayed span');
    const rs = JSON.parse(got.body.toString()).resourceSpans[0];
    expect(rs.resource.attributes).toEqual([{ key: '$b', value: { stringValue: 'AAAA' } }]);
    expect(rs.scopeSpans[0].spans[0].attributes).toEqual([{ key: '$i', value: { stringValue: '5' } }]);
  }, 60_000);

  it('a Netra event with __proto__ keys and nested integers is accepted and delivered with those keys', async () => {
    if (!h) throw new Error('needs the service of the previous test');
    const ev = JSON.parse(NETRA_DOC_EXAMPLE.replace('"environment":"production"', '"environment":"production","__proto__":{"tier":3},"custom":{"n":{"m":1}}'));
    const r = await fetch(`${h.service.receiverUrl('netra')}/v1/bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: JSON.stringify(ev) + '\n' });
    expect(r.status, await r.text()).toBe(202);
    // The span of this test (the previous one also sent the documented example): it carries `custom`.
    const got = await eventually(() => cap!.requests.find((q) => q.body.toString().includes('SummarizeArticle') && q.body.toString().includes('custom')), 15_000, 'the Netra span exported');
    const keys = JSON.parse(got.body.toString()).resourceSpans.flatMap((rs: { resource: { attributes: { key: string }[] } }) => rs.resource.attributes.map((a) => a.key));
    expect(keys.some((k: string) => k.includes('__proto__')), `resource keys ${keys.join(', ')}`).toBe(true);
  }, 30_000);

  it('a finite but absurd timestamp is a 400 naming the field', async () => {
    if (!h) throw new Error('needs the service of the first test');
    const ev = JSON.parse(NETRA_DOC_EXAMPLE);
    ev.event_metadata.timestamp_utc = 1e300;
    const r = await fetch(`${h.service.receiverUrl('netra')}/v1/bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: JSON.stringify(ev) + '\n' });
    const text = await r.text();
    expect(r.status, text).toBe(400);
    expect(text).toMatch(/UnixNano/);
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'x', startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '1' }] }] }] };
    const o = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(o.status).toBe(400);
    expect(await o.text()).toMatch(/startTimeUnixNano/);
  }, 30_000);
});
