import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer, JsonMetricsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../src/formats/otlp/encode-json.js';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { oracleDecodeProto, oracleReadJson, type Signal } from '../helpers/otlp-oracle.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';
import { KeyValueList, flattenSpans } from '../../src/model/index.js';

/**
 * Reference payloads from the OpenTelemetry JS SDK's own serializers: our .proto files and
 * decoders must read them exactly, and our encoder must write back the same data.
 */
const limits = DEFAULT_DECODE_LIMITS;

/**
 * The independent judgement: the SDK's protobuf bytes, read by the oracle (reflection over proto/),
 * must equal both of our encoders' output for the model we decoded — the protobuf one read by the
 * same oracle, the JSON one read by the strict OTLP/JSON reader. A field our decoder and encoder
 * both dropped fails here.
 */
function oracleAgrees(signal: Signal, sdkProto: Uint8Array, ourProto: Uint8Array, ourJson: string): void {
  const reference = oracleDecodeProto(signal, sdkProto);
  expect(oracleDecodeProto(signal, ourProto)).toEqual(reference);
  expect(oracleReadJson(signal, ourJson)).toEqual(reference);
}
const resource = resourceFromAttributes({ 'service.name': 'sdk-ref', 'host.cores': 8, 'ratio': 0.5 });

/** Message-level equality of two protobuf requests (field order on the wire may differ). */
function sameData(type: { decode(b: Uint8Array): unknown; toObject(m: never, o: object): object }, a: Uint8Array, b: Uint8Array): void {
  const opts = { longs: String, bytes: String, defaults: false, arrays: false };
  expect(type.toObject(type.decode(b) as never, opts)).toEqual(type.toObject(type.decode(a) as never, opts));
}

describe('OpenTelemetry JS SDK payloads', () => {
  it('traces: protobuf and JSON decode to the SDK spans, and re-encode to the same data', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('ref-tracer', '2.0.1');
    const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.SERVER, attributes: { 'gen_ai.operation.name': 'invoke_agent', tokens: 12, temp: 0.7, ok: true, tags: ['a', 'b'], nums: [1.5, 2] } });
    const ctx = trace.setSpan(context.active(), root);
    const child = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { why: 'follows' } }] }, ctx);
    child.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hi' });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end();
    root.end();
    const spans = exporter.getFinishedSpans();

    const pb = ProtobufTraceSerializer.serializeRequest(spans)!;
    const js = JsonTraceSerializer.serializeRequest(spans)!;
    const fromPb = decodeTracesProto(pb, limits);
    const fromJs = decodeTracesJson(Buffer.from(js), limits);
    expect(fromPb.rejected).toEqual([]);
    expect(fromJs.telemetry).toEqual(fromPb.telemetry);

    const flat = flattenSpans(fromPb.telemetry.traces!);
    expect(flat).toHaveLength(2);
    for (const sdk of spans) {
      const mine = flat.find((f) => f.span.spanId === sdk.spanContext().spanId)!;
      expect(mine.span.traceId).toBe(sdk.spanContext().traceId);
      expect(mine.span.name).toBe(sdk.name);
      expect(mine.span.startTimeUnixNano).toBe(BigInt(sdk.startTime[0]) * 1_000_000_000n + BigInt(sdk.startTime[1]));
      expect(mine.span.endTimeUnixNano).toBe(BigInt(sdk.endTime[0]) * 1_000_000_000n + BigInt(sdk.endTime[1]));
      expect(mine.resource['service.name']).toBe('sdk-ref');
      expect(mine.resource['host.cores']).toBe(8n);
      expect(mine.resource['ratio']).toBe(0.5);
      expect(mine.scope).toMatchObject({ name: 'ref-tracer', version: '2.0.1' });
    }
    const r = flat.find((f) => f.span.name.startsWith('invoke_agent'))!.span;
    const c = flat.find((f) => f.span.name.startsWith('chat'))!.span;
    expect(r.kind).toBe(2);
    expect(r.attributes).toMatchObject({ tokens: 12n, temp: 0.7, ok: true, tags: ['a', 'b'], nums: [1.5, 2n] });
    expect(c.parentSpanId).toBe(r.spanId);
    expect(c.status).toEqual({ code: 2, message: 'rate limited' });
    expect(c.events[0]).toMatchObject({ name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': 'hi' } });
    expect(c.links[0]).toMatchObject({ traceId: r.traceId, spanId: r.spanId, attributes: { why: 'follows' } });
    expect(c.flags).toBe(sdk(spans, c.spanId).spanContext().traceFlags | 0x100);

    sameData(otlpTypes().traceRequest, pb, encodeTracesProto(fromPb.telemetry.traces!));
    oracleAgrees('traces', pb, encodeTracesProto(fromPb.telemetry.traces!), encodeTracesJson(fromPb.telemetry.traces!));
  });

  it('metrics: every SDK aggregation decodes and re-encodes to the same data', async () => {
    class Reader extends MetricReader {
      protected override async onShutdown(): Promise<void> {}
      protected override async onForceFlush(): Promise<void> {}
    }
    const reader = new Reader();
    const provider = new MeterProvider({
      resource, readers: [reader],
      views: [{ instrumentName: 'exp.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    });
    const meter = provider.getMeter('ref-meter', '1.0.0');
    meter.createCounter('gen_ai.client.token.usage.count').add(5, { 'gen_ai.token.type': 'input' });
    meter.createUpDownCounter('inflight').add(-2);
    const h = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    for (const v of [0.2, 1.5, 7]) h.record(v, { 'gen_ai.request.model': 'gpt-4o' });
    const e = meter.createHistogram('exp.latency');
    for (const v of [1, 2, 4, 1000]) e.record(v);
    meter.createObservableGauge('temperature').addCallback((r) => r.observe(21.5));
    const { resourceMetrics } = await reader.collect();

    const pb = ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!;
    const js = JsonMetricsSerializer.serializeRequest(resourceMetrics)!;
    const fromPb = decodeMetricsProto(pb, limits);
    const fromJs = decodeMetricsJson(Buffer.from(js), limits);
    expect(fromJs.telemetry).toEqual(fromPb.telemetry);
    const metrics = fromPb.telemetry.metrics![0]!.scopeMetrics[0]!.metrics;
    const by = (n: string) => metrics.find((m) => m.name === n)!;
    expect(by('gen_ai.client.token.usage.count').data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
    expect(by('inflight').data).toMatchObject({ type: 'sum', isMonotonic: false });
    expect(by('gen_ai.client.operation.duration')).toMatchObject({ unit: 's', data: { type: 'histogram' } });
    expect(by('gen_ai.client.operation.duration').data.dataPoints[0]).toMatchObject({ count: 3, sum: 8.7, min: 0.2, max: 7 });
    expect(by('exp.latency').data).toMatchObject({ type: 'exponentialHistogram' });
    expect(by('exp.latency').data.dataPoints[0]).toMatchObject({ count: 4, min: 1, max: 1000 });
    expect(by('temperature').data).toMatchObject({ type: 'gauge', dataPoints: [{ value: 21.5 }] });

    sameData(otlpTypes().metricsRequest, pb, encodeMetricsProto(fromPb.telemetry.metrics!));
    oracleAgrees('metrics', pb, encodeMetricsProto(fromPb.telemetry.metrics!), encodeMetricsJson(fromPb.telemetry.metrics!));
  });

  it('logs: bodies of any type, severity and event_name survive', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('ref-logger');
    logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'plain text', attributes: { n: 1 } });
    logger.emit({ body: { role: 'user', parts: [{ type: 'text', content: 'hi' }] }, eventName: 'gen_ai.user.message' });
    logger.emit({ body: new Uint8Array([1, 2, 3]) });
    const records = exporter.getFinishedLogRecords();

    const pb = ProtobufLogsSerializer.serializeRequest(records)!;
    const js = JsonLogsSerializer.serializeRequest(records)!;
    const fromPb = decodeLogsProto(pb, limits);
    expect(decodeLogsJson(Buffer.from(js), limits).telemetry).toEqual(fromPb.telemetry);
    const recs = fromPb.telemetry.logs![0]!.scopeLogs[0]!.logRecords;
    expect(recs[0]).toMatchObject({ severityNumber: 13, severityText: 'WARN', body: 'plain text', attributes: { n: 1n } });
    expect(recs[1]!.eventName).toBe('gen_ai.user.message');
    expect(recs[1]!.body).toEqual(new KeyValueList({ role: 'user', parts: [new KeyValueList({ type: 'text', content: 'hi' })] }));
    expect(recs[2]!.body).toEqual(new Uint8Array([1, 2, 3]));

    sameData(otlpTypes().logsRequest, pb, encodeLogsProto(fromPb.telemetry.logs!));
    oracleAgrees('logs', pb, encodeLogsProto(fromPb.telemetry.logs!), encodeLogsJson(fromPb.telemetry.logs!));
  });
});

function sdk<T extends { spanContext(): { spanId: string; traceFlags: number } }>(spans: T[], id: string): T {
  return spans.find((s) => s.spanContext().spanId === id)!;
}
