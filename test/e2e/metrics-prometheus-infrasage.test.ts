import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleReadJson } from '../helpers/otlp-oracle.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { PROMETHEUS_BIN, startPrometheus, stopAllPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { counterOrZero, expectNoSeries, readSelfMetrics, selfMetric, seriesValue } from '../helpers/self-metrics.js';
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
 * - nothing is lost, by an independent count: every raw sample in Prometheus' TSDB (its query API,
 *   all series of the job) within the window that had certainly been sent is one sample of a point
 *   the tap received (read by the strict test-side OTLP/JSON reader, not the product's decoder),
 *   and the tap has no sample in that window that Prometheus did not store;
 * - and every data point the receiver counted in /metrics is accounted for as
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
    // The independent count: every raw sample of every series of the job, as Prometheus stored it.
    const tsdb = await prom.samples('{job="self"}');
    expect(tsdb.length).toBeGreaterThan(100);
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
      const e = await readSelfMetrics(telemetry);
      const queued = seriesValue(e, 'switchyard_exporter_queue_size', { exporter: 'infrasage' }) + seriesValue(e, 'switchyard_exporter_queue_size', { exporter: 'otlp_http/tap' });
      const accepted = seriesValue(e, 'switchyard_receiver_accepted_items_total', { receiver: 'prometheus_remote_write', signal: 'metrics' });
      return queued === 0 && accepted > 0 && tapPoints(tap).length === accepted;
    }, 10_000, 'exporters drained');

    // Every sample Prometheus had stored (up to 2 s before the query) reached InfraSage.
    for (const [key, samples] of stored) {
      const [name] = key.split('|');
      const have = new Set(named(name!).filter((r) => `${name}|${JSON.stringify(attrsOf({ ...(r.attributes as Record<string, string>), job: r.service_id }))}` === key).map((r) => Date.parse(r.timestamp)));
      for (const s of samples) if (s.ms < queriedAt - 2_000) expect(have.has(s.ms), `${key} @${s.ms} delivered`).toBe(true);
    }

    // Nothing lost, judged by Prometheus' own TSDB: in the window [first stored sample, query − 2 s)
    // the samples the tap received are exactly the samples Prometheus stored (stale markers are not
    // stored samples; a NaN value is, and compares as "NaN").
    const cutoff = queriedAt - 2_000;
    const tsdbKeys = tsdb.flatMap((s) => s.values.map(([t, v]) => ({ ms: Math.round(t * 1000), key: sampleKey(s.metric.__name__!, s.metric, Math.round(t * 1000), Number(v)) })));
    const from = Math.min(...tsdbKeys.map((k) => k.ms));
    const inWindow = (ms: number) => ms >= from && ms < cutoff;
    const wantSamples = [...new Set(tsdbKeys.filter((k) => inWindow(k.ms)).map((k) => k.key))].sort();
    const tapSamples = tapPoints(tap).filter((p) => !p.stale).flatMap(promSamples).filter((k) => inWindow(k.ms)).map((k) => k.key);
    expect(new Set(tapSamples).size, 'no sample twice at the tap').toBe(tapSamples.length);
    expect(wantSamples.length).toBeGreaterThan(500);
    expect(tapSamples.sort()).toEqual(wantSamples);

    // Nothing lost: accepted points → expected records (per the documented mapping) = received + skipped.
    const self = await readSelfMetrics(telemetry);
    const accepted = seriesValue(self, 'switchyard_receiver_accepted_items_total', { receiver: 'prometheus_remote_write', signal: 'metrics' });
    // Prometheus may or may not have produced a NaN or stale sample in this window: 0 skipped is real.
    const skipped = counterOrZero(self, 'switchyard_exporter_items_transformed_total', { exporter: 'infrasage', event: 'skipped' });
    const sent = seriesValue(self, 'switchyard_exporter_sent_items_total', { exporter: 'infrasage', signal: 'metrics' });
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
    const deadLettered = counterOrZero(await readSelfMetrics(telemetry), 'switchyard_exporter_dead_lettered_items_total', { exporter: 'infrasage', reason: 'contract' });
    expect(deadLettered).toBe(refusedPoints);
    const expectedSkipped = expected.filter((e) => e.skip).length;
    const expectedDelivered = expected.filter((e) => !e.skip).map((e) => e.key).sort();
    expect(records().length + skipped + refusedPoints).toBe(expected.length);
    expect(skipped + refusedPoints).toBe(expectedSkipped);
    expect(sent).toBe(records().length);
    expect(records().map(recordKey).sort()).toEqual(expectedDelivered);
    // No refusals, failures or dead letters anywhere on the way.
    await expectNoSeries(telemetry, 'switchyard_receiver_refused_items_total');
    // Points InfraSage's contract cannot take (NaN, ±Inf values) are refused alone, nothing else fails.
    expect(counterOrZero(await readSelfMetrics(telemetry), 'switchyard_exporter_send_failed_items_total', { exporter: 'infrasage', signal: 'metrics' })).toBe(refusedPoints);
    expect(new Set(standin.requests.map((r) => `${r.status} ${r.path}`))).toEqual(new Set(['200 /api/v1/telemetry/batch']));
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

type Attributes = Record<string, unknown>;

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

type Plain = Record<string, any>;
/** OTLP KeyValue list → record of plain values (remote-write labels are strings). */
const kv = (list: Plain[] | undefined): Attributes => Object.fromEntries((list ?? []).map((a) => [a.key, a.value?.stringValue ?? a.value?.intValue ?? a.value?.doubleValue ?? a.value?.boolValue]));

/**
 * Every point the tap received, read by the strict test-side OTLP/JSON reader (not the product's
 * decoder). The reader drops proto3 defaults, so a missing count/sum/quantile/flags is 0 — except
 * a histogram's `sum`, which is `optional` and so absent only when not sent.
 */
function tapPoints(tap: CaptureServer): TapPoint[] {
  const out: TapPoint[] = [];
  for (const r of tap.accepted()) {
    const req = oracleReadJson('metrics', r.body);
    for (const rm of (req.resourceMetrics ?? []) as Plain[]) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const type = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'].find((t) => m[t] !== undefined)!;
          for (const p of (m[type].dataPoints ?? []) as Plain[]) {
            const stale = ((p.flags ?? 0) & 1) !== 0;
            const base = { resource: kv(rm.resource?.attributes), name: m.name as string, type, attributes: kv(p.attributes), timeUnixNano: BigInt(p.timeUnixNano ?? '0'), stale };
            if (type === 'gauge' || type === 'sum') out.push({ ...base, value: p.asDouble !== undefined ? p.asDouble : Number(p.asInt) });
            else if (type === 'histogram') {
              const q: TapPoint = { ...base, count: Number(p.count ?? 0) };
              if (p.sum !== undefined) q.sum = p.sum;
              const counts = ((p.bucketCounts ?? []) as string[]).map(Number);
              const bounds = (p.explicitBounds ?? []) as number[];
              q.bucketSum = counts.reduce((a, b) => a + b, 0);
              let cum = 0;
              q.buckets = counts.map((c, i) => [i < bounds.length ? String(bounds[i]) : '+Inf', (cum += c)]);
              out.push(q);
            } else if (type === 'summary') {
              out.push({ ...base, count: Number(p.count ?? 0), sum: p.sum ?? 0, quantiles: ((p.quantileValues ?? []) as Plain[]).map((v) => [String(v.quantile ?? 0), v.value ?? 0]) });
            } else throw new Error(`unexpected ${type} point from Prometheus remote-write: ${m.name}`);
          }
        }
      }
    }
  }
  return out;
}

/** A Prometheus sample's identity: name, labels other than job/instance (le/quantile numeric), ms, value. */
function sampleKey(name: string, labels: Record<string, unknown>, ms: number, value: number): string {
  const norm = Object.entries(labels)
    .filter(([k]) => k !== '__name__' && k !== 'job' && k !== 'instance')
    .map(([k, v]) => [k, (k === 'le' || k === 'quantile') && v !== '+Inf' ? String(Number(v)) : String(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return JSON.stringify([name, norm, ms, String(value)]);
}

/** The samples Prometheus stored that one tap point stands for (remote-write's series view). */
function promSamples(p: TapPoint): { ms: number; key: string }[] {
  const ms = Number(p.timeUnixNano / 1_000_000n);
  const one = (name: string, value: number, extra: Record<string, string> = {}) => ({ ms, key: sampleKey(name, { ...p.attributes, ...extra }, ms, value) });
  if (p.value !== undefined) return [one(p.name, p.value)];
  const out = [one(`${p.name}_count`, p.count!)];
  if (p.sum !== undefined) out.push(one(`${p.name}_sum`, p.sum));
  for (const [le, v] of p.buckets ?? []) out.push(one(`${p.name}_bucket`, v, { le }));
  for (const [quantile, v] of p.quantiles ?? []) out.push(one(p.name, v, { quantile }));
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
