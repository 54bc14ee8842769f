import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics as SdkResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { arrivedByOracle, RICH_ATTRS, tee } from '../helpers/otlp-roundtrip.js';
import { oracleDecodeProto, oracleLogs, oracleMetrics, oracleSpans } from '../helpers/otlp-oracle.js';

/**
 * The OpenTelemetry JS SDK's gRPC exporters → Switchyard's OTLP/gRPC port → otlp_http → a
 * capture server. What arrives must be what the SDK sent, field for field: the SDK's own
 * serializer gives the reference, and both sides are read by test/helpers/otlp-oracle.ts
 * (protobufjs reflection over the .proto files), never by the product's decoders.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Plain = Record<string, any>;

describe.each([CompressionAlgorithm.GZIP, CompressionAlgorithm.NONE])('OTel SDK gRPC exporters (compression %s) → Switchyard → otlp_http', (compression) => {
  let cap: CaptureServer;
  let h: Harness;
  let url: string;

  beforeAll(async () => {
    cap = await startCaptureServer();
    h = await startSwitchyard(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http: { endpoint: ${cap.url}, compression: gzip }
processors:
  batch: { send_batch_size: 100, timeout: 50ms }
service:
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    metrics: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
    url = h.service.grpc.address('otlp').url;
  });
  afterAll(async () => {
    await h?.close();
    await cap?.close();
  });

  it('traces arrive exactly as sent', async () => {
    const sent: ReadableSpan[][] = [];
    const results: { code: number }[] = [];
    const exporter = new OTLPTraceExporter({ url, compression });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-roundtrip', 'host.cores': 2 }),
      spanProcessors: [new SimpleSpanProcessor(tee(exporter as SpanExporter, sent, results) as unknown as SpanExporter)],
    });
    const tracer = provider.getTracer('grpc-scope', '0.9.1');
    const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.SERVER, attributes: RICH_ATTRS, startTime: [1_700_000_000, 123_456_789] });
    const child = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { 'link.kind': 'follows' } }] }, trace.setSpan(context.active(), root));
    child.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hi' }, [1_700_000_000, 999_999_999]);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end([1_700_000_001, 1]);
    root.end([1_700_000_002, 500]);
    await provider.forceFlush();
    await provider.shutdown();

    expect(results.every((r) => r.code === 0)).toBe(true);
    const spans = sent.flat();
    expect(spans).toHaveLength(2);
    const reference = oracleSpans(oracleDecodeProto('traces', ProtobufTraceSerializer.serializeRequest(spans)!));
    const arrived = await eventually(() => {
      const all = oracleSpans({ resourceSpans: arrivedByOracle(cap, 'traces').flatMap((q) => q.resourceSpans ?? []) });
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'spans at the capture server');
    expect(arrived).toEqual(reference);
    // And against the SDK's own objects, for the facts users rely on.
    const rootOut = arrived.find((x) => (x.span as Plain).spanId === root.spanContext().spanId)!.span as Plain;
    expect(rootOut.attributes).toContainEqual({ key: 'big.int', value: { intValue: '9007199254740991' } });
    expect(rootOut.startTimeUnixNano).toBe('1700000000123456789');
    expect(rootOut.traceId).toBe(root.spanContext().traceId);
    cap.requests.length = 0;
  });

  it('metrics arrive exactly as sent', async () => {
    const sent: SdkResourceMetrics[] = [];
    const exporter = new OTLPMetricExporter({ url, compression, temporalityPreference: AggregationTemporality.CUMULATIVE });
    const reader = new PeriodicExportingMetricReader({ exporter: tee(exporter as PushMetricExporter, sent) as unknown as PushMetricExporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'grpc-roundtrip' }), readers: [reader] });
    const meter = provider.getMeter('grpc-meter', '1.0.0');
    meter.createCounter('gen_ai.requests', { unit: '{request}' }).add(3, { model: 'gpt-4o' });
    meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
    const hist = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    for (const v of [0.01, 0.2, 3, 12]) hist.record(v, { op: 'chat' });
    await provider.forceFlush();
    await provider.shutdown();

    const withPoints = (list: Plain[]) => list.filter((x) => {
      const d = x.metric.sum ?? x.metric.gauge ?? x.metric.histogram ?? x.metric.exponentialHistogram ?? x.metric.summary;
      return (d?.dataPoints ?? []).length > 0;
    });
    // forceFlush and shutdown each export the (cumulative) metrics: twice the three instruments.
    const reference = withPoints(oracleMetrics({ resourceMetrics: sent.flatMap((rm) => oracleDecodeProto('metrics', ProtobufMetricsSerializer.serializeRequest(rm)!).resourceMetrics ?? []) }));
    expect([...new Set(reference.map((x) => x.metric.name))]).toEqual(['gen_ai.client.operation.duration', 'gen_ai.requests', 'temperature']);
    const arrived = await eventually(() => {
      const all = withPoints(oracleMetrics({ resourceMetrics: arrivedByOracle(cap, 'metrics').flatMap((q) => q.resourceMetrics ?? []) }));
      return all.length >= reference.length ? all : undefined;
    }, 10_000, 'metrics at the capture server');
    expect(arrived).toEqual(reference);
    const point = (arrived.find((x) => (x.metric as Plain).name === 'gen_ai.client.operation.duration')!.metric as Plain).histogram.dataPoints[0];
    expect(point.count).toBe('4');
    expect(point.sum).toBeCloseTo(15.21, 10);
    cap.requests.length = 0;
  });

  it('logs arrive exactly as sent, with bytes and nested bodies', async () => {
    const sent: ReadableLogRecord[][] = [];
    const exporter = new OTLPLogExporter({ url, compression });
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'grpc-roundtrip' }), processors: [new SimpleLogRecordProcessor({ exporter: tee(exporter as LogRecordExporter, sent) as unknown as LogRecordExporter })] });
    const logger = provider.getLogger('grpc-logger', '2.0.0');
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: { message: 'tokens exceeded', limits: { input: 1000, ratio: 0.5 } },
      attributes: { 'bytes.attr': new Uint8Array([0, 1, 254, 255]), 'int.attr': 7 },
      timestamp: [1_700_000_000, 42],
    });
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'plain text body' });
    await provider.forceFlush();
    await provider.shutdown();

    const reference = oracleLogs(oracleDecodeProto('logs', ProtobufLogsSerializer.serializeRequest(sent.flat())!));
    expect(reference).toHaveLength(2);
    const arrived = await eventually(() => {
      const all = oracleLogs({ resourceLogs: arrivedByOracle(cap, 'logs').flatMap((q) => q.resourceLogs ?? []) });
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'logs at the capture server');
    expect(arrived).toEqual(reference);
    const warn = arrived.find((x) => (x.record as Plain).severityText === 'WARN')!.record as Plain;
    expect(warn.timeUnixNano).toBe('1700000000000000042');
    expect(warn.attributes).toContainEqual({ key: 'bytes.attr', value: { bytesValue: Buffer.from([0, 1, 254, 255]).toString('base64') } });
    cap.requests.length = 0;
  });
});
