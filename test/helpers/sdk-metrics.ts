import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

/**
 * Drives the real OpenTelemetry JS SDK (sdk-metrics + the OTLP/protobuf metrics exporter) with one
 * instrument of each kind and known values, and shuts down, which exports exactly once to `url` (…/v1/metrics).
 * What a Prometheus-side reader must see (default naming, no unit suffix):
 *   http_server_requests_total{route="/a"} 5, {route="/b"} 1      (counter)
 *   queue_items 7                                                  (up-down counter → gauge)
 *   temperature{room="lab"} 21.5                                   (gauge)
 *   op_duration_bucket{le="0.1"} 1, {le="1"} 3, {le="10"} 4, {le="+Inf"} 5, _sum 26.25, _count 5
 *   job="shop/checkout", instance="pod-1"; target_info{deployment_environment="test"}
 */
export const SDK_RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'pod-1',
  'deployment.environment': 'test',
};
export const SDK_HISTOGRAM = { bounds: [0.1, 1, 10], values: [0.05, 0.5, 0.7, 5, 20], bucketCounts: [1, 2, 1, 1], sum: 26.25, count: 5 };

export async function sendSdkMetrics(url: string): Promise<void> {
  const exporter = new OTLPMetricExporter({ url, temporalityPreference: AggregationTemporality.CUMULATIVE });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(SDK_RESOURCE), readers: [reader] });
  const meter = provider.getMeter('switchyard-e2e', '1.0.0');
  const requests = meter.createCounter('http.server.requests', { description: 'Requests served' });
  requests.add(3, { route: '/a' });
  requests.add(2, { route: '/a' });
  requests.add(1, { route: '/b' });
  const items = meter.createUpDownCounter('queue.items');
  items.add(10);
  items.add(-3);
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
  const hist = meter.createHistogram('op.duration', { unit: 's', advice: { explicitBucketBoundaries: SDK_HISTOGRAM.bounds } });
  for (const v of SDK_HISTOGRAM.values) hist.record(v);
  // shutdown() collects and exports once more (forceFlush + shutdown would export twice).
  await provider.shutdown();
}
