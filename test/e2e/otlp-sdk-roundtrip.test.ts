import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { arrivedByOracle, RICH_ATTRS } from '../helpers/otlp-roundtrip.js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as LogsHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsHttp } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics as SdkResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { oracleDecodeProto, oracleLogs, oracleMetrics, oracleReadJson, oracleSpans, type Signal } from '../helpers/otlp-oracle.js';

/**
 * The real OpenTelemetry JS SDK → Switchyard (otlp receiver) → otlp_http exporter → a second
 * listener. What arrives must be exactly what the SDK sent: the SDK's own serializer gives the
 * reference bytes, and both sides are judged by test/helpers/otlp-oracle.ts (protobufjs reflection
 * over proto/ and a strict OTLP/JSON reader, none of the product's decoders), field for field: a
 * field that Switchyard's decoder and encoder both dropped would still be missing here.
 */
type Enc = 'proto' | 'json';
const CASES: [Enc, Enc][] = [['proto', 'proto'], ['json', 'json'], ['proto', 'json'], ['json', 'proto']];

/** Keeps a copy of what the SDK exports (the very objects its OTLP exporter serialises). */
function tee<T>(inner: { export(items: T, cb: (r: ExportResult) => void): void; shutdown(): Promise<void>; forceFlush?(): Promise<void> }, copies: T[]) {
  return {
    export(items: T, cb: (r: ExportResult) => void) {
      copies.push(items);
      inner.export(items, cb);
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

type Plain = Record<string, any>;

const arrivedRequests = arrivedByOracle;

describe.each(CASES)('OTel SDK (%s) → Switchyard → otlp_http (%s)', (sdkEnc, outEnc) => {
  let cap: CaptureServer;
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    cap = await startCaptureServer();
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http: { endpoint: ${cap.url}, encoding: ${outEnc}, compression: gzip, headers: { x-tenant: acme } }
processors:
  batch: { send_batch_size: 100, timeout: 50ms }
service:
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    metrics: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
    base = h.service.receiverUrl('otlp');
  });
  afterAll(async () => {
    await h?.close();
    await cap?.close();
  });

  it('traces arrive exactly as sent: ids, names, kinds, ns times, status, events, links, resource, scope, attributes', async () => {
    const sent: ReadableSpan[][] = [];
    const exporter = sdkEnc === 'proto' ? new TracesProto({ url: `${base}/v1/traces` }) : new TracesHttp({ url: `${base}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'roundtrip', 'service.version': '1.2.3', 'host.cores': 2 }),
      spanProcessors: [new SimpleSpanProcessor(tee(exporter as SpanExporter, sent) as unknown as SpanExporter)],
    });
    const tracer = provider.getTracer('roundtrip-scope', '0.9.1');
    const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.SERVER, attributes: RICH_ATTRS, startTime: [1_700_000_000, 123_456_789] });
    const ctx = trace.setSpan(context.active(), root);
    const child = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { 'link.kind': 'follows' } }] }, ctx);
    child.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hi' }, [1_700_000_000, 999_999_999]);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end([1_700_000_001, 1]);
    const producer = tracer.startSpan('queue.send', { kind: SpanKind.PRODUCER }, ctx);
    producer.setStatus({ code: SpanStatusCode.OK });
    producer.end();
    tracer.startSpan('consume', { kind: SpanKind.CONSUMER }, ctx).end();
    tracer.startSpan('internal', { kind: SpanKind.INTERNAL }, ctx).end();
    root.end([1_700_000_002, 500]);
    await provider.forceFlush();
    await provider.shutdown();

    const spans = sent.flat();
    expect(spans).toHaveLength(5);
    const reference = oracleSpans(oracleDecodeProto('traces', ProtobufTraceSerializer.serializeRequest(spans)!));
    expect(reference).toHaveLength(5);
    const arrived = await eventually(() => {
      const all = oracleSpans({ resourceSpans: arrivedRequests(cap, 'traces').flatMap((q) => q.resourceSpans ?? []) });
      return all.length >= 5 ? all : undefined;
    }, 10_000, 'spans at the second listener');
    expect(arrived).toEqual(reference);

    // And directly against the SDK's objects, for the facts users rely on (oracle form: hex ids,
    // decimal-string nanoseconds, OTLP enum numbers, attributes as key/value lists).
    const got = new Map(arrived.map((x) => [(x.span as Plain).spanId, x as Plain]));
    const ns = (t: [number, number]) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
    for (const s of spans) {
      const a = got.get(s.spanContext().spanId)!;
      expect(a, s.name).toBeDefined();
      expect(a.span.traceId).toBe(s.spanContext().traceId);
      expect(a.span.parentSpanId).toBe(s.parentSpanContext?.spanId);
      expect(a.span.name).toBe(s.name);
      expect(a.span.kind).toBe(s.kind + 1);
      expect(a.span.startTimeUnixNano).toBe(ns(s.startTime));
      expect(a.span.endTimeUnixNano).toBe(ns(s.endTime));
      expect(a.span.status?.code).toBe(s.status.code === 0 ? undefined : s.status.code);
      expect(a.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'roundtrip' } });
      expect(a.scope).toMatchObject({ name: 'roundtrip-scope', version: '0.9.1' });
    }
    const attrOf = (span: Plain, key: string) => span.attributes.find((kv: Plain) => kv.key === key)?.value;
    const rootOut = got.get(root.spanContext().spanId)!.span;
    expect(attrOf(rootOut, 'int')).toEqual({ intValue: '42' });
    expect(attrOf(rootOut, 'big.int')).toEqual({ intValue: '9007199254740991' });
    expect(attrOf(rootOut, 'double')).toEqual({ doubleValue: 3.25 });
    expect(attrOf(rootOut, 'bool.f')).toEqual({ boolValue: false });
    expect(attrOf(rootOut, 'arr.int')).toEqual({ arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }, { intValue: '3' }] } });
    expect(attrOf(rootOut, 'empty.str')).toEqual({ stringValue: '' });
    expect(rootOut.attributes).toHaveLength(Object.keys(RICH_ATTRS).length);
    const childOut = got.get(child.spanContext().spanId)!.span;
    expect(childOut.status).toEqual({ code: 2, message: 'rate limited' });
    expect(childOut.events).toEqual([{ name: 'gen_ai.content.prompt', timeUnixNano: '1700000000999999999', attributes: [{ key: 'gen_ai.prompt', value: { stringValue: 'hi' } }] }]);
    expect(childOut.links).toEqual([expect.objectContaining({ traceId: root.spanContext().traceId, spanId: root.spanContext().spanId, attributes: [{ key: 'link.kind', value: { stringValue: 'follows' } }] })]);
    expect(cap.accepted().find((r) => r.path === '/v1/traces')!.headers['x-tenant']).toBe('acme');
  });

  it('metrics arrive exactly as sent: counter, up-down counter, gauge, histogram', async () => {
    const sent: SdkResourceMetrics[] = [];
    const exporter = sdkEnc === 'proto'
      ? new MetricsProto({ url: `${base}/v1/metrics`, temporalityPreference: AggregationTemporality.CUMULATIVE })
      : new MetricsHttp({ url: `${base}/v1/metrics`, temporalityPreference: AggregationTemporality.CUMULATIVE });
    const reader = new PeriodicExportingMetricReader({ exporter: tee(exporter as PushMetricExporter, sent) as unknown as PushMetricExporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'roundtrip' }), readers: [reader] });
    const meter = provider.getMeter('roundtrip-meter', '1.0.0');
    meter.createCounter('gen_ai.requests', { unit: '{request}', description: 'requests' }).add(3, { model: 'gpt-4o' });
    meter.createUpDownCounter('inflight').add(-2, { pool: 'a' });
    meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
    const hist = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    for (const v of [0.01, 0.2, 0.2, 3, 12]) hist.record(v, { op: 'chat' });
    await provider.forceFlush();
    await provider.shutdown();

    expect(sent.length).toBeGreaterThan(0);
    const withPoints = (list: Plain[]) => list.filter((x) => {
      const d = x.metric.sum ?? x.metric.gauge ?? x.metric.histogram ?? x.metric.exponentialHistogram ?? x.metric.summary;
      return (d?.dataPoints ?? []).length > 0;
    });
    const reference = withPoints(oracleMetrics({ resourceMetrics: sent.flatMap((rm) => oracleDecodeProto('metrics', ProtobufMetricsSerializer.serializeRequest(rm)!).resourceMetrics ?? []) }));
    // forceFlush and shutdown each export the (cumulative) metrics: wait for every one of them.
    expect([...new Set(reference.map((x) => x.metric.name))]).toEqual(['gen_ai.client.operation.duration', 'gen_ai.requests', 'inflight', 'temperature']);
    const arrived = await eventually(() => {
      const all = withPoints(oracleMetrics({ resourceMetrics: arrivedRequests(cap, 'metrics').flatMap((q) => q.resourceMetrics ?? []) }));
      return all.length >= reference.length ? all : undefined;
    }, 10_000, 'metrics at the second listener');
    expect(arrived).toEqual(reference);
    // Against the SDK's own numbers: the five recorded values, their sum, and the counter's 3.
    const byName = new Map(arrived.map((x) => [x.metric.name, x.metric as Plain]));
    const hp = byName.get('gen_ai.client.operation.duration')!.histogram.dataPoints[0];
    expect(hp.count).toBe('5');
    expect(hp.sum).toBeCloseTo(15.41, 10);
    expect(hp.min).toBe(0.01);
    expect(hp.max).toBe(12);
    expect(hp.bucketCounts.reduce((n: number, c: string) => n + Number(c), 0)).toBe(5);
    expect(byName.get('gen_ai.requests')!).toMatchObject({ unit: '{request}', description: 'requests', sum: { isMonotonic: true, aggregationTemporality: 2 } });
    expect(byName.get('gen_ai.requests')!.sum.dataPoints[0].asDouble ?? Number(byName.get('gen_ai.requests')!.sum.dataPoints[0].asInt)).toBe(3);
    expect(byName.get('temperature')!.gauge.dataPoints[0].asDouble).toBe(21.5);
  });

  it('logs arrive exactly as sent, with bytes, maps and nested bodies', async () => {
    const sent: ReadableLogRecord[][] = [];
    const exporter = sdkEnc === 'proto' ? new LogsProto({ url: `${base}/v1/logs` }) : new LogsHttp({ url: `${base}/v1/logs` });
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'roundtrip' }), processors: [new SimpleLogRecordProcessor({ exporter: tee(exporter as LogRecordExporter, sent) as unknown as LogRecordExporter })] });
    const logger = provider.getLogger('roundtrip-logger', '2.0.0');
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: { message: 'tokens exceeded', limits: { input: 1000, ratio: 0.5 }, tags: ['a', 'b'] },
      attributes: { 'bytes.attr': new Uint8Array([0, 1, 254, 255]), 'map.attr': { nested: { deep: true } }, 'int.attr': 7, 'double.attr': 0.125 },
      timestamp: [1_700_000_000, 42],
    });
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'plain text body', eventName: 'gen_ai.evaluation.result' } as Parameters<typeof logger.emit>[0]);
    await provider.forceFlush();
    await provider.shutdown();

    const records = sent.flat();
    expect(records).toHaveLength(2);
    const reference = oracleLogs(oracleDecodeProto('logs', ProtobufLogsSerializer.serializeRequest(records)!));
    expect(reference).toHaveLength(2);
    const arrived = await eventually(() => {
      const all = oracleLogs({ resourceLogs: arrivedRequests(cap, 'logs').flatMap((q) => q.resourceLogs ?? []) });
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'logs at the second listener');
    expect(arrived).toEqual(reference);
    const warn = arrived.find((x) => (x.record as Plain).severityText === 'WARN')!.record as Plain;
    expect(warn.timeUnixNano).toBe('1700000000000000042');
    expect(warn.severityNumber).toBe(SeverityNumber.WARN);
    expect(warn.attributes).toContainEqual({ key: 'bytes.attr', value: { bytesValue: Buffer.from([0, 1, 254, 255]).toString('base64') } });
    expect(warn.body.kvlistValue.values).toContainEqual({ key: 'message', value: { stringValue: 'tokens exceeded' } });
    const info = arrived.find((x) => (x.record as Plain).severityNumber === SeverityNumber.INFO)!.record as Plain;
    expect(info).toMatchObject({ body: { stringValue: 'plain text body' }, eventName: 'gen_ai.evaluation.result' });
  });
});
