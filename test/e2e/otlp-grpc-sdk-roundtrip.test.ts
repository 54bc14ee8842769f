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
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { flattenSpans, type ResourceLogs, type ResourceMetrics } from '../../src/model/index.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { decodeArrived, RICH_ATTRS, tee } from '../helpers/otlp-roundtrip.js';

/**
 * The OpenTelemetry JS SDK's gRPC exporters → Switchyard's OTLP/gRPC port → otlp_http → a
 * capture server. What arrives must be what the SDK sent, field for field: the SDK's own
 * serializer gives the reference, both are decoded by the project's decoder and compared.
 */
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
    const reference = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans)!, DEFAULT_DECODE_LIMITS).telemetry;
    const arrived = await eventually(() => {
      const all = decodeArrived(cap, '/v1/traces').flatMap((t) => flattenSpans(t.traces ?? []));
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'spans at the capture server');
    const byId = (l: ReturnType<typeof flattenSpans>) => [...l].sort((a, b) => a.span.spanId.localeCompare(b.span.spanId));
    expect(byId(arrived)).toEqual(byId(flattenSpans(reference.traces!)));
    const rootOut = arrived.find((x) => x.span.spanId === root.spanContext().spanId)!.span;
    expect(rootOut.attributes['big.int']).toBe(9007199254740991n);
    expect(rootOut.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
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

    const reference: ResourceMetrics[] = sent.flatMap((rm) => decodeMetricsProto(ProtobufMetricsSerializer.serializeRequest(rm)!, DEFAULT_DECODE_LIMITS).telemetry.metrics ?? []);
    const metricsOf = (rms: ResourceMetrics[]) =>
      rms.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ resource: r.resource, scope: s.scope, m })))).filter((x) => x.m.data.dataPoints.length > 0).sort((a, b) => a.m.name.localeCompare(b.m.name));
    // forceFlush and shutdown each export the (cumulative) metrics: twice the three instruments.
    const expected = metricsOf(reference);
    expect(new Set(expected.map((x) => x.m.name)).size).toBe(3);
    const arrived = await eventually(() => {
      const all = metricsOf(decodeArrived(cap, '/v1/metrics').flatMap((t) => t.metrics ?? []));
      return all.length >= expected.length ? all : undefined;
    }, 10_000, 'metrics at the capture server');
    expect(arrived).toEqual(metricsOf(reference));
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

    const reference: ResourceLogs[] = decodeLogsProto(ProtobufLogsSerializer.serializeRequest(sent.flat())!, DEFAULT_DECODE_LIMITS).telemetry.logs ?? [];
    const flat = (rls: ResourceLogs[]) => rls.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => ({ resource: r.resource, scope: s.scope, l })))).sort((a, b) => String(a.l.severityNumber).localeCompare(String(b.l.severityNumber)));
    expect(flat(reference)).toHaveLength(2);
    const arrived = await eventually(() => {
      const all = flat(decodeArrived(cap, '/v1/logs').flatMap((t) => t.logs ?? []));
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'logs at the capture server');
    expect(arrived).toEqual(flat(reference));
    cap.requests.length = 0;
  });
});
