import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { oracleDecodeProto, oracleReadJson } from './otlp-oracle.js';

// The oracle judges the OTLP round trips, so it is judged here: by the SDK's own two serialisers
// (which must agree through it), and by the OTLP/JSON rules it must enforce.
const span = (over: Record<string, unknown> = {}) => ({
  traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'op', kind: 2,
  startTimeUnixNano: '1700000000000000001', endTimeUnixNano: 1700000000, ...over,
});
const req = (s: Record<string, unknown>) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] });

describe('OTLP oracle', () => {
  it("reads the SDK's protobuf and its JSON to the same canonical form", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'oracle', n: 3 }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const t = provider.getTracer('oracle-scope', '1.0.0');
    const root = t.startSpan('root', { kind: SpanKind.SERVER, attributes: { a: 'x', i: 7, d: 0.5, b: false, arr: [1, 2] } });
    root.addEvent('ev', { k: 'v' });
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    root.end();
    const spans = exporter.getFinishedSpans();
    const fromProto = oracleDecodeProto('traces', ProtobufTraceSerializer.serializeRequest(spans)!);
    expect(oracleReadJson('traces', JsonTraceSerializer.serializeRequest(spans)!)).toEqual(fromProto);
    const s = (fromProto as any).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s).toMatchObject({ traceId: spans[0]!.spanContext().traceId, spanId: spans[0]!.spanContext().spanId, name: 'root', kind: 2, status: { code: 2, message: 'boom' } });
    expect(s.attributes).toContainEqual({ key: 'i', value: { intValue: '7' } });
    expect(s.attributes).toContainEqual({ key: 'b', value: { boolValue: false } }); // a oneof member at its default is kept
  });

  it('gives int64 as decimal strings whether written as a string or a number', () => {
    const s = (oracleReadJson('traces', req(span())) as any).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s).toEqual({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'op', kind: 2, startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000' });
  });

  it.each([
    ['a snake_case key', span({ start_time_unix_nano: '1' }), /start_time_unix_nano.*snake_case/],
    ['an unknown key', span({ colour: 'red' }), /colour: not a field/],
    ['an enum by name', span({ kind: 'SPAN_KIND_SERVER' }), /kind: an enum must be an integer/],
    ['a short trace id', span({ traceId: '5b8efff798038103' }), /traceId: an id must be 32 lowercase hex/],
    ['an uppercase span id', span({ spanId: 'EEE19B7EC3C1B174' }), /spanId: an id must be 16 lowercase hex/],
    ['a base64 span id', span({ spanId: '7uGbfsPBsXQ=' }), /spanId: an id must be 16/],
    ['int64 beyond 2^53 as a number', span({ startTimeUnixNano: 17000000000000000001 }), /safe integer/],
    ['int64 as a non-decimal string', span({ startTimeUnixNano: '1.5e18' }), /decimal string/],
    ['a string where a number belongs', span({ droppedAttributesCount: '2' }), /expected an integer/],
    ['an object list that is not a list', span({ attributes: { a: 1 } }), /must be a list/],
  ])('refuses %s', (_what, s, msg) => {
    expect(() => oracleReadJson('traces', req(s))).toThrow(msg);
  });
});
