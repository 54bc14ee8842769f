import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
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
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { flattenSpans, type ResourceLogs, type ResourceMetrics } from '../../src/model/index.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { decodeArrived, RICH_ATTRS, tee } from '../helpers/otlp-roundtrip.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * The real OpenTelemetry JS SDK → Switchyard (otlp receiver) → otlp_http exporter → a second
 * listener. What arrives must be exactly what the SDK sent: the SDK's own serializer gives the
 * reference bytes, both sides are decoded and compared field for field.
 */
type Enc = 'proto' | 'json';
const CASES: [Enc, Enc][] = [['proto', 'proto'], ['json', 'json'], ['proto', 'json'], ['json', 'proto']];

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
    const reference = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans)!, DEFAULT_DECODE_LIMITS).telemetry;
    const arrived = await eventually(() => {
      const all = decodeArrived(cap, '/v1/traces').flatMap((t) => flattenSpans(t.traces ?? []));
      return all.length >= 5 ? all : undefined;
    }, 10_000, 'spans at the second listener');
    const byId = (list: ReturnType<typeof flattenSpans>) => [...list].sort((a, b) => a.span.spanId.localeCompare(b.span.spanId));
    expect(byId(arrived)).toEqual(byId(flattenSpans(reference.traces!)));

    // And directly against the SDK's objects, for the facts users rely on.
    const got = new Map(arrived.map((x) => [x.span.spanId, x]));
    for (const s of spans) {
      const a = got.get(s.spanContext().spanId)!;
      expect(a.span.traceId).toBe(s.spanContext().traceId);
      expect(a.span.parentSpanId ?? '').toBe(s.parentSpanContext?.spanId ?? '');
      expect(a.span.name).toBe(s.name);
      expect(a.span.kind).toBe(s.kind + 1);
      expect(a.span.startTimeUnixNano).toBe(BigInt(s.startTime[0]) * 1_000_000_000n + BigInt(s.startTime[1]));
      expect(a.span.endTimeUnixNano).toBe(BigInt(s.endTime[0]) * 1_000_000_000n + BigInt(s.endTime[1]));
      expect(a.span.status.code).toBe(s.status.code);
      expect(a.resource['service.name']).toBe('roundtrip');
      expect(a.scope).toMatchObject({ name: 'roundtrip-scope', version: '0.9.1' });
    }
    const rootOut = got.get(root.spanContext().spanId)!.span;
    expect(rootOut.attributes['int']).toBe(42n);
    expect(rootOut.attributes['double']).toBe(3.25);
    expect(rootOut.attributes['arr.int']).toEqual([1n, 2n, 3n]);
    expect(rootOut.attributes['empty.str']).toBe('');
    const childOut = got.get(child.spanContext().spanId)!.span;
    expect(childOut.status).toEqual({ code: 2, message: 'rate limited' });
    expect(childOut.events[0]!.timeUnixNano).toBe(1_700_000_000_999_999_999n);
    expect(childOut.links[0]!.spanId).toBe(root.spanContext().spanId);
    expect(cap.requests.find((r) => r.path === '/v1/traces')!.headers['x-tenant']).toBe('acme');
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
    const reference: ResourceMetrics[] = sent.flatMap((rm) => decodeMetricsProto(ProtobufMetricsSerializer.serializeRequest(rm)!, DEFAULT_DECODE_LIMITS).telemetry.metrics ?? []);
    const metricsOf = (rms: ResourceMetrics[]) =>
      rms.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ resource: r.resource, scope: s.scope, m })))).filter((x) => x.m.data.dataPoints.length > 0).sort((a, b) => a.m.name.localeCompare(b.m.name));
    // forceFlush and shutdown each export the cumulative metrics: wait for all of them, not the first.
    const want = metricsOf(reference).length;
    const arrived = await eventually(() => {
      const all = metricsOf(decodeArrived(cap, '/v1/metrics').flatMap((t) => t.metrics ?? []));
      return all.length >= want ? all : undefined;
    }, 10_000, 'metrics at the second listener');
    expect(arrived).toEqual(metricsOf(reference));
    const h2 = arrived.find((x) => x.m.name === 'gen_ai.client.operation.duration')!.m.data;
    expect(h2.type).toBe('histogram');
    if (h2.type === 'histogram') expect(h2.dataPoints[0]!.count).toBe(5);
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
    const reference: ResourceLogs[] = decodeLogsProto(ProtobufLogsSerializer.serializeRequest(records)!, DEFAULT_DECODE_LIMITS).telemetry.logs ?? [];
    const flat = (rls: ResourceLogs[]) => rls.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => ({ resource: r.resource, scope: s.scope, l })))).sort((a, b) => String(a.l.severityNumber).localeCompare(String(b.l.severityNumber)));
    const arrived = await eventually(() => {
      const all = flat(decodeArrived(cap, '/v1/logs').flatMap((t) => t.logs ?? []));
      return all.length >= 2 ? all : undefined;
    }, 10_000, 'logs at the second listener');
    expect(arrived).toEqual(flat(reference));
    const warn = arrived.find((x) => x.l.severityText === 'WARN')!.l;
    expect(warn.timeUnixNano).toBe(1_700_000_000_000_000_042n);
    expect(warn.attributes['bytes.attr']).toEqual(new Uint8Array([0, 1, 254, 255]));
  });
});
