import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { PROMETHEUS_BIN, startPrometheus, stopAllPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { sendSdkMetrics } from '../helpers/sdk-metrics.js';
import { expectNoSeries, readSelfMetrics, seriesOf } from '../helpers/self-metrics.js';

/**
 * Issue "metrics", done means 2: OTLP in (the OpenTelemetry JS SDK over protobuf, and a hand-written
 * OTLP/JSON request) → Switchyard's `prometheus_remote_write` exporter → Debian's real Prometheus
 * started with --web.enable-remote-write-receiver; the series are read back through its query API.
 */
const describeReal = PROMETHEUS_BIN ? describe : describe.skip;
if (!PROMETHEUS_BIN) console.warn('metrics-otlp-to-prometheus: skipped — the `prometheus` binary is not installed (apt-get install -y prometheus)');

describeReal('OTLP → prometheus_remote_write exporter → real Prometheus', () => {
  let prom: RunningPrometheus;
  let h: Harness;

  beforeAll(async () => {
    prom = await startPrometheus('global: { scrape_interval: 1h, evaluation_interval: 1h }\n', { args: ['--web.enable-remote-write-receiver'] });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  prometheus_remote_write: { endpoint: ${prom.url} }
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    metrics: { receivers: [otlp], processors: [batch], exporters: [prometheus_remote_write] }
`);
  });
  afterAll(async () => {
    await h?.close();
    await stopAllPrometheus();
  });

  /** Instant query → { "label=value,…": value } with __name__ first. */
  const read = async (q: string) => Object.fromEntries((await prom.query(q)).map((r) => {
    const { __name__, ...rest } = r.metric;
    return [[__name__, ...Object.entries(rest).sort().map(([k, v]) => `${k}=${v}`)].join(','), r.value[1]];
  }));

  it('the SDK\'s counter, up-down counter, gauge and histogram come back with Prometheus names, labels and values', { timeout: 30_000 }, async () => {
    await sendSdkMetrics(`${h.service.receiverUrl('otlp')}/v1/metrics`);
    const id = 'instance=pod-1,job=shop/checkout';
    await eventually(async () => Object.keys(await read('op_duration_count')).length > 0, 15_000, 'op_duration_count in Prometheus');
    expect(await read('http_server_requests_total')).toEqual({
      [`http_server_requests_total,${id},route=/a`]: '5',
      [`http_server_requests_total,${id},route=/b`]: '1',
    });
    expect(await read('queue_items')).toEqual({ [`queue_items,${id}`]: '7' });
    expect(await read('temperature')).toEqual({ [`temperature,${id},room=lab`]: '21.5' });
    expect(await read('op_duration_bucket')).toEqual({
      [`op_duration_bucket,${id},le=0.1`]: '1',
      [`op_duration_bucket,${id},le=1`]: '3',
      [`op_duration_bucket,${id},le=10`]: '4',
      [`op_duration_bucket,${id},le=+Inf`]: '5',
    });
    expect(await read('op_duration_sum')).toEqual({ [`op_duration_sum,${id}`]: '26.25' });
    expect(await read('op_duration_count')).toEqual({ [`op_duration_count,${id}`]: '5' });
    // Resource attributes other than service.* travel on target_info.
    expect(await read('target_info{job="shop/checkout"}')).toEqual({ [`target_info,deployment_environment=test,${id}`]: '1' });
    // Histogram functions work on what we wrote: the median is in the (0.1, 1] bucket.
    const median = Number(Object.values(await read('histogram_quantile(0.5, op_duration_bucket)'))[0]);
    expect(median).toBeGreaterThan(0.1);
    expect(median).toBeLessThanOrEqual(1);
    // (Metadata is sent too, but Prometheus 2.x's remote-write receiver does not store it; the
    // Switchyard → Switchyard test reads it back instead.)
    // Nothing failed: the failure counter is declared and never counted (a renamed metric fails here).
    await expectNoSeries(h.service.telemetryUrl!, 'switchyard_exporter_send_failed_items_total');
  });

  it('an OTLP/JSON request: int and double values, monotonic sum → _total, non-monotonic sum → gauge, delta skipped and counted', { timeout: 30_000 }, async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }, { key: 'host.name', value: { stringValue: 'node-9' } }] };
    const point = (v: Record<string, unknown>, attrs: [string, unknown][] = []) => ({
      timeUnixNano: now, startTimeUnixNano: now, ...v,
      attributes: attrs.map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: String(value) } })),
    });
    const body = {
      resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'hand' }, metrics: [
        { name: 'jobs.done', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [point({ asInt: '42' }, [['queue', 'emails'], ['shard', 3]])] } },
        { name: 'pool.size', sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [point({ asDouble: -2.5 })] } },
        { name: 'load.avg', gauge: { dataPoints: [point({ asDouble: 0.125 }, [['cpu.id', 'all']])] } },
        { name: 'delta.hits', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point({ asInt: '9' })] } },
      ] }] }],
    };
    const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await eventually(async () => Object.keys(await read('load_avg')).length > 0, 15_000, 'load_avg in Prometheus');
    expect(await read('jobs_done_total')).toEqual({ 'jobs_done_total,job=json-svc,queue=emails,shard=3': '42' });
    expect(await read('pool_size')).toEqual({ 'pool_size,job=json-svc': '-2.5' });
    expect(await read('load_avg')).toEqual({ 'load_avg,cpu_id=all,job=json-svc': '0.125' });
    expect(await read('target_info{job="json-svc"}')).toEqual({ 'target_info,host_name=node-9,job=json-svc': '1' });
    // Delta sums cannot be expressed in Prometheus: not written, and counted as skipped.
    expect(await read('delta_hits_total')).toEqual({});
    // Exactly one transformation in this file so far: the delta point, skipped (no other event, no other count).
    expect(seriesOf(await readSelfMetrics(h.service.telemetryUrl!), 'switchyard_exporter_items_transformed_total')).toEqual([[{ exporter: 'prometheus_remote_write', event: 'skipped' }, 1]]);
  });
});
