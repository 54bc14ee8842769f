import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeMetricsJson } from '../../src/formats/otlp/decode-json.js';
import { Temporality, type HistogramDataPoint, type Metric, type NumberDataPoint, type ResourceMetrics } from '../../src/model/index.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { SDK_HISTOGRAM, sendSdkMetrics } from '../helpers/sdk-metrics.js';
import { expectNoSeries, selfMetric } from '../helpers/self-metrics.js';

/**
 * Issue "metrics", done means 3: the OpenTelemetry JS SDK → OTLP → Switchyard A (otlp receiver →
 * prometheus_remote_write exporter) → Switchyard B (prometheus_remote_write receiver → otlp_http
 * exporter) → a capture listener. What arrives is the SDK's data after the Prometheus naming
 * rules: dots → `_`, counters with `_total`, resource → job/instance (+ target_info) and back.
 */
describe('SDK → Switchyard A (otlp → remote-write) → Switchyard B (remote-write → otlp_http)', () => {
  let cap: CaptureServer;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    cap = await startCaptureServer();
    b = await startSwitchyard(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http: { endpoint: ${cap.url}, encoding: json, compression: none }
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    metrics: { receivers: [prometheus_remote_write], processors: [batch], exporters: [otlp_http] }
`);
    a = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  prometheus_remote_write: { endpoint: ${b.service.receiverUrl('prometheus_remote_write')} }
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    metrics: { receivers: [otlp], processors: [batch], exporters: [prometheus_remote_write] }
`);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cap?.close();
  });

  it('names, labels, values and histogram buckets survive the remote-write hop', { timeout: 20_000 }, async () => {
    const started = Date.now();
    await sendSdkMetrics(`${a.service.receiverUrl('otlp')}/v1/metrics`);
    const arrived = await eventually(() => {
      const rms = cap.accepted().flatMap((r) => (decodeMetricsJson(r.body, DEFAULT_DECODE_LIMITS).telemetry.metrics ?? []) as ResourceMetrics[]);
      const names = new Set(rms.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name))));
      return ['http_server_requests_total', 'queue_items', 'temperature', 'op_duration'].every((n) => names.has(n)) ? rms : undefined;
    }, 10_000, 'all four metrics at the capture listener');

    // One resource: job "shop/checkout" → service.namespace + service.name, instance → service.instance.id,
    // target_info's labels → the other attributes (with Prometheus label names).
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.resource.attributes).toEqual({
      'service.namespace': 'shop', 'service.name': 'checkout', 'service.instance.id': 'pod-1', deployment_environment: 'test',
    });
    const byName = new Map<string, Metric>(arrived[0]!.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.name, m] as const)));
    expect([...byName.keys()].sort()).toEqual(['http_server_requests_total', 'op_duration', 'queue_items', 'temperature']);

    // Counter: a monotonic cumulative sum (A sent its metadata; B reads the type from it), _total kept.
    const requests = byName.get('http_server_requests_total')!;
    expect(requests.description).toBe('Requests served');
    expect(requests.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: Temporality.CUMULATIVE });
    expect(points(requests)).toEqual([[{ route: '/a' }, 5], [{ route: '/b' }, 1]]);
    // Up-down counter: not monotonic, so a Prometheus gauge, and a gauge again.
    expect(byName.get('queue_items')!.data.type).toBe('gauge');
    expect(points(byName.get('queue_items')!)).toEqual([[{}, 7]]);
    expect(byName.get('temperature')!.data.type).toBe('gauge');
    expect(points(byName.get('temperature')!)).toEqual([[{ room: 'lab' }, 21.5]]);

    // Histogram: _bucket/_sum/_count grouped back into one point with the SDK's bounds and counts.
    const hist = byName.get('op_duration')!;
    expect(hist.data).toMatchObject({ type: 'histogram', aggregationTemporality: Temporality.CUMULATIVE });
    const hp = hist.data.dataPoints as HistogramDataPoint[];
    expect(hp).toHaveLength(1);
    expect(hp[0]).toMatchObject({ attributes: {}, count: SDK_HISTOGRAM.count, sum: SDK_HISTOGRAM.sum, explicitBounds: SDK_HISTOGRAM.bounds, bucketCounts: SDK_HISTOGRAM.bucketCounts });
    // Timestamps survive at millisecond precision (remote-write's unit).
    expect(Number(hp[0]!.timeUnixNano % 1_000_000n)).toBe(0);
    expect(Number(hp[0]!.timeUnixNano / 1_000_000n)).toBeGreaterThanOrEqual(started - 1_000);

    // Accounting on both hops: A sent every sample, B accepted every point and forwarded them.
    // A: 3 counter/gauge points + 1 target_info + histogram (4 buckets + sum + count) = 2+1+1+6+1 samples.
    expect(await selfMetric(a.service.telemetryUrl!, 'switchyard_exporter_sent_items_total', { exporter: 'prometheus_remote_write', signal: 'metrics' })).toBe(11);
    expect(await selfMetric(b.service.telemetryUrl!, 'switchyard_receiver_accepted_items_total', { receiver: 'prometheus_remote_write', signal: 'metrics' })).toBe(5);
    expect(await selfMetric(b.service.telemetryUrl!, 'switchyard_exporter_sent_items_total', { exporter: 'otlp_http', signal: 'metrics' })).toBe(5);
    await expectNoSeries(b.service.telemetryUrl!, 'switchyard_receiver_refused_items_total');
  });
});

function points(m: Metric): [Record<string, unknown>, number][] {
  return (m.data.dataPoints as NumberDataPoint[]).map((p) => [p.attributes, Number(p.value)] as [Record<string, unknown>, number]).sort((x, y) => (JSON.stringify(x[0]) < JSON.stringify(y[0]) ? -1 : 1));
}
