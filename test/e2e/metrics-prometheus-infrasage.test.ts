import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeMetricsJson } from '../../src/formats/otlp/decode-json.js';
import type { Attributes, ResourceMetrics } from '../../src/model/index.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { PROMETHEUS_BIN, startPrometheus, stopAllPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { selfMetric } from '../helpers/self-metrics.js';
import { startInfraSage, type InfraSageStandin } from '../standins/infrasage.js';

/**
 * Issue "metrics", done means 1: Debian's real Prometheus scrapes itself every second and
 * remote-writes to Switchyard's `prometheus_remote_write` receiver; the pipeline exports to the
 * strict InfraSage stand-in. Checked:
 * - known series arrive with their labels and values: `prometheus_build_info` with the labels
 *   Prometheus itself exposes, `up` = 1; every record carries every label of its series, `job`
 *   and `instance` included under those names (labels are user data, DESIGN §10); service_id is
 *   the job;
 * - the receiver's samples counter equals Prometheus' own prometheus_remote_storage_samples_total;
 * - values and timestamps equal what Prometheus stored in its own TSDB (read back through its
 *   query API), and every stored sample of those series reached InfraSage;
 * - nothing is lost: every data point the receiver counted in /metrics is accounted for as
 *   InfraSage records or as items the exporter reported skipped (NaN / stale).
 *   A second exporter in the same pipeline (otlp_http → a capture listener) shows the accepted
 *   points, so the record count can be derived per point: a gauge or counter point is one record,
 *   a histogram or summary point is `<name>_count` plus `<name>_sum` (InfraSage has no
 *   distribution type).
 * - max_samples_per_send is small, so Prometheus splits histogram families across requests, as
 *   it does under load with many shards: no point may come out with wrong counts or twice.
 */
const describeReal = PROMETHEUS_BIN ? describe : describe.skip;
if (!PROMETHEUS_BIN) console.warn('metrics-prometheus-infrasage: skipped — the `prometheus` binary is not installed (apt-get install -y prometheus)');

type Rec = { service_id: string; type?: string; metric_name: string; value: number; timestamp: string; attributes?: Record<string, unknown> };

describeReal('real Prometheus → prometheus_remote_write → infrasage', () => {
  let standin: InfraSageStandin;
  let tap: CaptureServer;
  let h: Harness;
  let prom: RunningPrometheus;
  let telemetry: string;

  beforeAll(async () => {
    standin = await startInfraSage();
    tap = await startCaptureServer();
    h = await startSwitchyard(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0 }
exporters:
  infrasage: { endpoint: ${standin.url} }
  otlp_http/tap: { endpoint: ${tap.url}, encoding: json, compression: none }
processors:
  batch: { send_batch_size: 2000, timeout: 100ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    metrics: { receivers: [prometheus_remote_write], processors: [batch], exporters: [infrasage, otlp_http/tap] }
`);
    telemetry = h.service.telemetryUrl!;
    prom = await startPrometheus(`
global: { scrape_interval: 1s, evaluation_interval: 1h }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:__PORT__'] }]
remote_write:
  - url: ${h.service.receiverUrl('prometheus_remote_write')}/api/v1/write
    queue_config: { batch_send_deadline: 1s, max_shards: 1, max_samples_per_send: 100 }
`);
  });

  afterAll(async () => {
    await stopAllPrometheus();
    await h?.close();
    await tap?.close();
    await standin?.close();
  });

  const records = () => standin.received as unknown as Rec[];
  const named = (n: string) => records().filter((r) => r.metric_name === n);

  it('known series arrive with labels and values; values equal Prometheus\' own TSDB; nothing is lost', { timeout: 40_000 }, async () => {
    const started = Date.now();
    const instance = `127.0.0.1:${prom.port}`;
    // At least three scrapes' worth of `up` (about 3 s of traffic), and the build info.
    await eventually(() => new Set(named('up').map((r) => r.timestamp)).size >= 3 && named('prometheus_build_info').length > 0, 25_000, 'up ×3 and prometheus_build_info at InfraSage');

    // prometheus_build_info: the labels Prometheus exposes on its own /metrics, value 1.
    const exposition = await (await fetch(`${prom.url}/metrics`)).text();
    const line = /^prometheus_build_info\{(.*)\} 1$/m.exec(exposition);
    expect(line, 'prometheus_build_info in /metrics').not.toBeNull();
    const buildLabels = Object.fromEntries([...line![1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(buildLabels)).toEqual(expect.arrayContaining(['version', 'goversion', 'revision', 'branch']));
    const build = named('prometheus_build_info')[0]!;
    expect(build).toMatchObject({ service_id: 'self', type: 'metric', value: 1 });
    expect(build.attributes).toEqual({ ...buildLabels, job: 'self', instance });

    // up{job="self",instance=…} = 1 on every scrape, with exactly its two labels.
    for (const r of named('up')) {
      expect(r).toMatchObject({ service_id: 'self', value: 1 });
      expect(r.attributes).toEqual({ job: 'self', instance });
    }

    // Every record carries every label of its series, as Prometheus stored it.
    const upSeries = await prom.samples('{job="self", __name__=~"up|prometheus_build_info|prometheus_tsdb_head_series"}');
    expect(upSeries.length).toBeGreaterThan(0);
    for (const s of upSeries) {
      const { __name__: name, ...labels } = s.metric;
      const got = named(name!);
      expect(got.length, name).toBeGreaterThan(0);
      for (const r of got) expect(r.attributes, name).toEqual(labels);
    }

    // Samples: what Switchyard counted equals what Prometheus says it sent. Both move every
    // second; at a moment between two sends they agree (Prometheus read first, then Switchyard).
    let promSent = 0;
    let ours = 0;
    await eventually(async () => {
      promSent = promMetric(await (await fetch(`${prom.url}/metrics`)).text(), 'prometheus_remote_storage_samples_total');
      ours = await selfMetric(telemetry, 'switchyard_receiver_samples_total', { receiver: 'prometheus_remote_write' });
      return promSent > 0 && promSent === ours;
    }, 20_000, "switchyard_receiver_samples_total = prometheus_remote_storage_samples_total");

    // Values and timestamps equal Prometheus' own stored samples, for a gauge set and a counter.
    const checked = ['up', 'scrape_samples_scraped', 'scrape_duration_seconds', 'prometheus_tsdb_head_samples_appended_total'];
    const stored = new Map<string, { ms: number; value: number }[]>();
    const queriedAt = Date.now();
    for (const name of checked) {
      const series = await prom.samples(`${name}{job="self"}`);
      expect(series.length, name).toBeGreaterThan(0);
      for (const s of series) {
        const key = `${name}|${JSON.stringify(attrsOf(s.metric))}`;
        stored.set(key, [...(stored.get(key) ?? []), ...s.values.map(([t, v]) => ({ ms: Math.round(t * 1000), value: Number(v) }))]);
      }
    }
    for (const name of checked) {
      const got = named(name);
      expect(got.length, name).toBeGreaterThan(0);
      for (const r of got) {
        const attrs = { ...r.attributes } as Record<string, string>;
        const key = `${name}|${JSON.stringify(attrsOf({ ...attrs, job: r.service_id }))}`;
        const match = stored.get(key)?.find((x) => x.ms === Date.parse(r.timestamp));
        expect(match, `${name} at ${r.timestamp} is in Prometheus' TSDB`).toBeDefined();
        expect(r.value).toBe(match!.value);
      }
    }

    // Stop Prometheus (it flushes its remote-write queue on SIGTERM), then let Switchyard drain.
    await prom.stop();
    await eventually(async () => {
      const queued = await selfMetric(telemetry, 'switchyard_exporter_queue_size');
      const accepted = await selfMetric(telemetry, 'switchyard_receiver_accepted_items_total', { receiver: 'prometheus_remote_write' });
      return queued === 0 && accepted > 0 && tapPoints(tap).length === accepted;
    }, 10_000, 'exporters drained');

    // Every sample Prometheus had stored (up to 2 s before the query) reached InfraSage.
    for (const [key, samples] of stored) {
      const [name] = key.split('|');
      const have = new Set(named(name!).filter((r) => `${name}|${JSON.stringify(attrsOf({ ...(r.attributes as Record<string, string>), job: r.service_id }))}` === key).map((r) => Date.parse(r.timestamp)));
      for (const s of samples) if (s.ms < queriedAt - 2_000) expect(have.has(s.ms), `${key} @${s.ms} delivered`).toBe(true);
    }

    // Nothing lost: accepted points → expected records (per the documented mapping) = received + skipped.
    const accepted = await selfMetric(telemetry, 'switchyard_receiver_accepted_items_total', { receiver: 'prometheus_remote_write', signal: 'metrics' });
    const skipped = await selfMetric(telemetry, 'switchyard_exporter_items_transformed_total', { exporter: 'infrasage', event: 'skipped' });
    const sent = await selfMetric(telemetry, 'switchyard_exporter_sent_items_total', { exporter: 'infrasage' });
    const points = tapPoints(tap);
    expect(points.length).toBe(accepted);
    const seen = new Set<string>();
    for (const p of points) {
      const key = JSON.stringify([sortObj(p.resource), p.name, p.type, sortObj(p.attributes), String(p.timeUnixNano)]);
      expect(seen.has(key), `one point per series and time: ${key}`).toBe(false);
      seen.add(key);
      if (p.type === 'histogram') {
        expect(p.sum, `${p.name} has its _sum`).toBeDefined();
        expect(p.bucketSum).toBe(p.count);
      }
    }
    const expected = points.flatMap(expectedRecords);
    // A gauge or counter point with a non-finite value is refused alone (dead-lettered).
    const refusedPoints = points.filter((p) => p.value !== undefined && !p.stale && !Number.isFinite(p.value)).length;
    const deadLettered = await selfMetric(telemetry, 'switchyard_exporter_dead_lettered_items_total');
    expect(deadLettered).toBe(refusedPoints);
    const expectedSkipped = expected.filter((e) => e.skip).length;
    const expectedDelivered = expected.filter((e) => !e.skip).map((e) => e.key).sort();
    expect(records().length + skipped + refusedPoints).toBe(expected.length);
    expect(skipped + refusedPoints).toBe(expectedSkipped);
    expect(sent).toBe(records().length);
    expect(records().map(recordKey).sort()).toEqual(expectedDelivered);
    // No refusals, failures or dead letters anywhere on the way.
    expect(await selfMetric(telemetry, 'switchyard_receiver_refused_items_total')).toBe(0);
    expect(await selfMetric(telemetry, 'switchyard_exporter_send_failed_items_total')).toBe(refusedPoints);
    expect(standin.requests.every((r) => r.status === 200 && r.path === '/api/v1/telemetry/batch')).toBe(true);
    console.info(`metrics e2e 1: ${accepted} points accepted → ${records().length} InfraSage records + ${skipped} skipped, in ${Date.now() - started} ms`);
  });
});

/** A sample's value summed over every series of `name` in a Prometheus exposition. */
function promMetric(exposition: string, name: string): number {
  let sum = 0;
  for (const m of exposition.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/** Labels other than __name__, job and instance, sorted: the attribute part of a series key. */
function attrsOf(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).filter(([k]) => k !== '__name__' && k !== 'service.instance.id' && k !== 'instance').sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

interface TapPoint {
  resource: Attributes;
  name: string;
  type: string;
  attributes: Attributes;
  timeUnixNano: bigint;
  value?: number;
  count?: number;
  sum?: number;
  bucketSum?: number;
  /** Cumulative bucket values by `le`, and quantile values, as the exporter sends them. */
  buckets?: [string, number][];
  quantiles?: [string, number][];
  stale: boolean;
}

function tapPoints(tap: CaptureServer): TapPoint[] {
  const out: TapPoint[] = [];
  for (const r of tap.requests) {
    const res = decodeMetricsJson(r.body, DEFAULT_DECODE_LIMITS);
    for (const rm of (res.telemetry.metrics ?? []) as ResourceMetrics[]) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          for (const p of m.data.dataPoints) {
            const stale = (((p as { flags?: number }).flags ?? 0) & 1) !== 0;
            const base = { resource: rm.resource.attributes, name: m.name, type: m.data.type, attributes: p.attributes, timeUnixNano: p.timeUnixNano, stale };
            if ('value' in p) out.push({ ...base, value: Number(p.value) });
            else if ('count' in p) {
              const q: TapPoint = { ...base, count: Number(p.count) };
              if (p.sum !== undefined) q.sum = Number(p.sum);
              if ('bucketCounts' in p) {
                q.bucketSum = p.bucketCounts.reduce((a, b) => a + Number(b), 0);
                let cum = 0;
                q.buckets = p.bucketCounts.map((c, i) => [i < p.explicitBounds.length ? String(p.explicitBounds[i]) : '+Inf', (cum += Number(c))]);
              }
              if ('quantileValues' in p) q.quantiles = p.quantileValues.map((v) => [String(v.quantile), v.value]);
              out.push(q);
            }
          }
        }
      }
    }
  }
  return out;
}

/** The InfraSage records the documented mapping makes of one point (skip = NaN/±Inf/stale). */
function expectedRecords(p: TapPoint): { key: string; skip: boolean }[] {
  const { 'service.name': sid, 'service.instance.id': inst, ...res } = p.resource;
  // The resource identity travels as the series' job and instance labels.
  if (inst !== undefined) Object.assign(res, { job: sid, instance: inst });
  const one = (name: string, value: number, extra: Attributes = {}) => ({
    key: JSON.stringify([typeof sid === 'string' ? sid : 'unknown_service', name, value, Number(p.timeUnixNano / 1_000_000n), sortObj({ ...res, ...p.attributes, ...extra })]),
    skip: p.stale || !Number.isFinite(value),
  });
  if (p.value !== undefined) return [one(p.name, p.value)];
  const out = [one(`${p.name}_count`, p.count!)];
  if (p.sum !== undefined) out.push(one(`${p.name}_sum`, p.sum));
  for (const [le, v] of p.buckets ?? []) out.push(one(`${p.name}_bucket`, v, { le }));
  for (const [quantile, v] of p.quantiles ?? []) out.push(one(p.name, v, { quantile }));
  return out;
}

function recordKey(r: Rec): string {
  return JSON.stringify([r.service_id, r.metric_name, r.value, Date.parse(r.timestamp), sortObj(r.attributes ?? {})]);
}

function sortObj(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
