import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';
import { KeyValueList } from '../../src/model/index.js';

/**
 * Wire-level cases for the hand-written KeyValue/AnyValue decoder and the strict string check:
 * bytes are built with protobufjs' Writer so that each case is exactly what a client could send.
 */
const limits = DEFAULT_DECODE_LIMITS;
const TID = new Uint8Array(16).fill(7);
const SID = new Uint8Array(8).fill(9);

/** A traces request with one span whose attributes are the given raw KeyValue encodings. */
function withRawAttributes(...kvs: Uint8Array[]): Uint8Array {
  const span = protobuf.Writer.create();
  span.uint32(0x0a).bytes(TID).uint32(0x12).bytes(SID).uint32(0x2a).string('op');
  for (const kv of kvs) span.uint32(0x4a).bytes(kv);
  const scopeSpans = protobuf.Writer.create().uint32(0x12).bytes(span.finish()).finish();
  const rs = protobuf.Writer.create().uint32(0x12).bytes(scopeSpans).finish();
  return protobuf.Writer.create().uint32(0x0a).bytes(rs).finish();
}
const kv = (key: string, anyValue: Uint8Array): Uint8Array => protobuf.Writer.create().uint32(0x0a).string(key).uint32(0x12).bytes(anyValue).finish();
const attrsOf = (b: Uint8Array) => decodeTracesProto(b, limits).telemetry.traces![0]!.scopeSpans[0]!.spans[0]!.attributes;

describe('OTLP protobuf decoding details', () => {
  it('reads every AnyValue type, the last oneof member winning, unknown fields skipped', () => {
    const W = () => protobuf.Writer.create();
    const nested = W().uint32(0x2a).bytes(W().uint32(0x0a).bytes(W().uint32(0x10).bool(true).finish()).uint32(0x0a).bytes(new Uint8Array()).finish()).finish();
    const kvl = W().uint32(0x32).bytes(W().uint32(0x0a).bytes(kv('x', W().uint32(0x21).double(-0).finish())).finish()).finish();
    const attrs = attrsOf(withRawAttributes(
      kv('s', W().uint32(0x0a).string('héllo').finish()),
      kv('i', W().uint32(0x18).int64('-9223372036854775808').finish()),
      kv('d', W().uint32(0x21).double(NaN).finish()),
      kv('b', W().uint32(0x3a).bytes(new Uint8Array([0, 255])).finish()),
      kv('arr', nested),
      kv('kv', kvl),
      kv('last', W().uint32(0x0a).string('first').uint32(0x18).int64(3).finish()),
      kv('unknown', W().uint32(0x0a).string('v').uint32((99 << 3) | 0).uint32(5).finish()),
      W().uint32(0x0a).string('novalue').finish(),
      kv('empty', new Uint8Array()),
    ));
    expect(attrs).toEqual({
      s: 'héllo', i: -9223372036854775808n, d: NaN, b: new Uint8Array([0, 255]), arr: [true, null],
      kv: new KeyValueList({ x: -0 }), last: 3n, unknown: 'v', novalue: null, empty: null,
    });
  });

  it('refuses invalid UTF-8 in a string, truncated bodies and absurd nesting with 400', () => {
    const bad = withRawAttributes(kv('s', protobuf.Writer.create().uint32(0x0a).bytes(new Uint8Array([0x68, 0xff, 0xfe])).finish()));
    expect(() => decodeTracesProto(bad, limits)).toThrow(InputError);
    // U+FFFD itself, correctly encoded, is fine.
    expect(attrsOf(withRawAttributes(kv('s', protobuf.Writer.create().uint32(0x0a).string('\uFFFD').finish())))).toEqual({ s: '\uFFFD' });
    const whole = withRawAttributes(kv('s', protobuf.Writer.create().uint32(0x0a).string('abc').finish()));
    expect(() => decodeTracesProto(whole.subarray(0, whole.length - 2), limits)).toThrow(expect.objectContaining({ status: 400 }));
    let deep = protobuf.Writer.create().uint32(0x10).bool(true).finish();
    for (let i = 0; i < 200; i++) deep = protobuf.Writer.create().uint32(0x2a).bytes(protobuf.Writer.create().uint32(0x0a).bytes(deep).finish()).finish();
    expect(() => decodeTracesProto(withRawAttributes(kv('deep', deep)), limits)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('tells an empty log body (null) from no body (undefined)', () => {
    const t = otlpTypes().logsRequest;
    const body = t.encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: {} }, {}, { body: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } } }] }] }] }).finish();
    const recs = decodeLogsProto(body, limits).telemetry.logs![0]!.scopeLogs[0]!.logRecords;
    expect(recs[0]!.body).toBeNull();
    expect('body' in recs[1]!).toBe(false);
    expect(recs[2]!.body).toEqual(new KeyValueList({ a: 1n }));
  });

  it('rejects spans with bad id lengths alone and names the field', () => {
    const t = otlpTypes().traceRequest;
    const good = { traceId: TID, spanId: SID, name: 'ok' };
    const body = t.encode({ resourceSpans: [{ scopeSpans: [{ spans: [good, { ...good, spanId: new Uint8Array(4) }, { ...good, traceId: new Uint8Array(0) }, { ...good, parentSpanId: new Uint8Array(16) }] }] }] }).finish();
    const r = decodeTracesProto(body, limits);
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => x.message)).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[1].spanId must be 8 bytes (16 hex digits), got 4 bytes',
      'resourceSpans[0].scopeSpans[0].spans[2].traceId is required',
      'resourceSpans[0].scopeSpans[0].spans[3].parentSpanId must be 8 bytes (16 hex digits), got 16 bytes',
    ]);
  });

  it('the schema and the decoder agree on ordinary messages (toObject of the standard Root)', () => {
    const t = otlpTypes().traceRequest;
    const msg = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID, name: 'x', attributes: [{ key: 'k', value: { stringValue: 'v' } }] }] }] }] };
    const decoded = t.toObject(t.decode(t.encode(msg).finish()), { bytes: String }) as { resourceSpans: { scopeSpans: { spans: { attributes: unknown[] }[] }[] }[] };
    expect(decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes).toEqual([{ key: 'k', value: { stringValue: 'v' } }]);
  });
});
