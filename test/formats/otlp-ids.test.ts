import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { decodeLogsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { encodeLogsJson, encodeTracesJson } from '../../src/formats/otlp/encode-json.js';
import { encodeLogsProto, encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { isNativeId, otlpIdHex } from '../../src/formats/otlp/ids.js';
import { Canonical, newSpan, tracesOf, type ResourceSpans, type Span } from '../../src/model/index.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';

const limits = DEFAULT_DECODE_LIMITS;

function vendorSpan(over: Partial<Span> = {}): Span {
  return newSpan({
    traceId: 'trace_abc123', spanId: 'span_xyz789', parentSpanId: 'span_parent', name: 'llm call',
    startTimeUnixNano: 1717555200123456789n, endTimeUnixNano: 1717555201123456789n, attributes: { 'gen_ai.request.model': 'gpt-4o' }, ...over,
  });
}

/** The span as an OTLP consumer sees it: decoded without restoring ids. */
function rawSpan(bytes: Uint8Array): { traceId: string; spanId: string; parentSpanId: string; attrs: Record<string, string> } {
  const m = otlpTypes().traceRequest.decode(bytes) as unknown as {
    resourceSpans: { scopeSpans: { spans: { traceId: Buffer; spanId: Buffer; parentSpanId: Buffer; attributes: { key: string; value: { stringValue: string } }[] }[] }[] }[];
  };
  const s = m.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  return {
    traceId: Buffer.from(s.traceId).toString('hex'), spanId: Buffer.from(s.spanId).toString('hex'), parentSpanId: Buffer.from(s.parentSpanId).toString('hex'),
    attrs: Object.fromEntries(s.attributes.map((a) => [a.key, a.value.stringValue])),
  };
}

/**
 * The documented mapping (docs/mapping.md, "Trace and span ids"), worked out by hand, not by the
 * product: a non-hex id becomes the first 16 (trace) or 8 (span) bytes of SHA-256 of its UTF-8
 * text, in lowercase hex. Each literal was computed with coreutils, e.g.
 * `printf '%s' span_parent | sha256sum | cut -c1-16`.
 */
const PINNED = {
  trace_abc123: '5fcd6e80d0beab700b02901b2e203559', // sha256("trace_abc123")[0..16)
  span_xyz789: 'e4dfb7fb8a9e5caa', // sha256("span_xyz789")[0..8)
  span_parent: '556d68846ae9aa1a', // sha256("span_parent")[0..8)
  empty16: 'e3b0c44298fc1c14', // sha256("")[0..8): the well-known empty-string digest
  zeros32: '84e0c0eafaa95a34c293f278ac52e45c', // sha256("000…0" ×32)[0..16): all-zero is "no id" in OTLP, so it is mapped too
};

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

describe('non-hex ids', () => {
  it('map to valid, deterministic OTLP ids, with the original kept in attributes', () => {
    const a = rawSpan(encodeTracesProto(tracesOf([vendorSpan()]).traces!));
    const b = rawSpan(encodeTracesProto(tracesOf([vendorSpan()]).traces!));
    expect(a).toEqual(b);
    expect(a.traceId).toBe(PINNED.trace_abc123);
    expect(a.spanId).toBe(PINNED.span_xyz789);
    expect(a.attrs[Canonical.originalTraceId]).toBe('trace_abc123');
    expect(a.attrs[Canonical.originalSpanId]).toBe('span_xyz789');
    expect(a.attrs[Canonical.originalParentSpanId]).toBe('span_parent');
    // The parent's mapped id is the id its parent span gets: the tree survives.
    expect(a.parentSpanId).toBe(PINNED.span_parent);
    const parent = rawSpan(encodeTracesProto(tracesOf([vendorSpan({ spanId: 'span_parent', parentSpanId: undefined })]).traces!));
    expect(parent.spanId).toBe(a.parentSpanId);
    expect(parent.parentSpanId).toBe('');
  });

  it('are restored by both decoders, and the model is not mutated by encoding', () => {
    const rs = tracesOf([vendorSpan()]).traces!;
    const before = structuredClone(rs);
    for (const back of [decodeTracesProto(encodeTracesProto(rs), limits), decodeTracesJson(Buffer.from(encodeTracesJson(rs)), limits)]) {
      expect(back.telemetry.traces).toEqual(rs);
    }
    expect(rs).toEqual(before);
  });

  it('round-trip for any text, on spans, links and logs', () => {
    const idText = fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), hex(16), hex(32), hex(32).map((h) => h.toUpperCase()));
    fc.assert(fc.property(idText, idText, fc.option(idText, { nil: undefined }), (t, s, p) => {
      const span = vendorSpan({ traceId: t, spanId: s, parentSpanId: p === '' ? undefined : p, links: [{ traceId: s, spanId: t, attributes: {} }] });
      const rs: ResourceSpans[] = tracesOf([span]).traces!;
      expect(decodeTracesProto(encodeTracesProto(rs), limits).telemetry.traces).toEqual(rs);
      expect(decodeTracesJson(Buffer.from(encodeTracesJson(rs)), limits).telemetry.traces).toEqual(rs);
      const logs = [{ resource: { attributes: {} }, scopeLogs: [{ scope: { name: '' }, logRecords: [{ timeUnixNano: 1n, attributes: {}, traceId: t || undefined, spanId: s || undefined }] }] }];
      expect(decodeLogsProto(encodeLogsProto(logs), limits).telemetry.logs).toEqual(logs);
      expect(decodeLogsJson(Buffer.from(encodeLogsJson(logs)), limits).telemetry.logs).toEqual(logs);
    }), { numRuns: 300 });
  });

  it('native hex ids pass through without extra attributes; UUID trace ids keep their bytes', () => {
    const hex = vendorSpan({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: undefined });
    const raw = rawSpan(encodeTracesProto(tracesOf([hex]).traces!));
    expect(raw.traceId).toBe(hex.traceId);
    expect(Object.keys(raw.attrs)).toEqual(['gen_ai.request.model']);
    expect(otlpIdHex('550E8400-e29b-41d4-a716-446655440000', 32)).toBe('550e8400e29b41d4a716446655440000');
    expect(isNativeId('00000000000000000000000000000000', 32)).toBe(false);
    expect(otlpIdHex('00000000000000000000000000000000', 32)).toBe(PINNED.zeros32);
    expect(otlpIdHex('', 16)).toBe(PINNED.empty16);
    // Uppercase hex is not native: hashed like any other text (not lowercased).
    expect(otlpIdHex('EEE19B7EC3C1B174', 16)).not.toBe('eee19b7ec3c1b174');
  });

  it('an original-id attribute that does not describe the id is left alone', () => {
    const span = vendorSpan({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: undefined, attributes: { [Canonical.originalSpanId]: 'something-else' } });
    const back = decodeTracesProto(encodeTracesProto(tracesOf([span]).traces!), limits).telemetry.traces![0]!.scopeSpans[0]!.spans[0]!;
    expect(back.spanId).toBe('eee19b7ec3c1b174');
    expect(back.attributes[Canonical.originalSpanId]).toBe('something-else');
  });
});
