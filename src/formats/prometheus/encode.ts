import type { Attributes, Exemplar, Metric, NumberDataPoint, ResourceMetrics } from '../../model/index.js';
import { Temporality, valueToText } from '../../model/index.js';
import { exponentialToNative } from './native-histogram.js';
import { MetricType, type LabelPair } from './raw.js';
import { instanceOf, jobOf, RESOURCE_IDENTITY_KEYS, TARGET_INFO } from './resource.js';
import { prometheusName, sanitizeLabelName } from './sanitize.js';

/**
 * Model metrics → remote-write series (labels sorted, one series per label set with its samples
 * in time order). Gauges and sums are samples (non-monotonic sums are gauges); histograms become
 * `_bucket` (cumulative, `le` up to `+Inf`), `_sum` and `_count`; summaries `{quantile}`, `_sum`
 * and `_count`; exponential histograms native histograms. Delta temporality cannot be expressed
 * in Prometheus, so those points are skipped and reported through `skipped`.
 */
export interface OutSample { value: number; timestampMs: number; stale: boolean }
export interface OutExemplar { labels: LabelPair[]; value: number; timestampMs: number }
export interface OutSeries {
  labels: LabelPair[];
  samples: OutSample[];
  exemplars: OutExemplar[];
  histograms: Record<string, unknown>[];
}
export interface OutMetadata { type: number; family: string; help: string; unit: string }

export interface SeriesOptions {
  addUnitSuffix: boolean;
  skipped?(count: number, reason: string): void;
}

const NO_RECORDED_VALUE = 1;

export function toSeries(rms: readonly ResourceMetrics[], opts: SeriesOptions): { series: OutSeries[]; metadata: OutMetadata[] } {
  const series = new Map<string, OutSeries>();
  const metadata = new Map<string, OutMetadata>();

  const add = (labels: LabelPair[], sample?: OutSample, exemplars?: OutExemplar[], histogram?: Record<string, unknown>) => {
    labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const key = labels.map(([k, v]) => `${k}\u0001${v}`).join('\u0002');
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels, samples: [], exemplars: [], histograms: [] }));
    if (sample) s.samples.push(sample);
    if (exemplars) s.exemplars.push(...exemplars);
    if (histogram) s.histograms.push(histogram);
  };

  for (const rm of rms) {
    const res = rm.resource.attributes;
    const base: LabelPair[] = [];
    const job = jobOf(res);
    const instance = instanceOf(res);
    if (job) base.push(['job', job]);
    if (instance) base.push(['instance', instance]);
    let latestMs = -1;
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const t = exportMetric(m, base, opts, add, metadata);
        if (t > latestMs) latestMs = t;
      }
    }
    // target_info carries the resource attributes that are not job/instance, once per resource.
    const info = labelsOf(Object.fromEntries(Object.entries(res).filter(([k]) => !RESOURCE_IDENTITY_KEYS.has(k))), base);
    if (latestMs >= 0 && info.length > base.length) {
      add([['__name__', TARGET_INFO], ...info], { value: 1, timestampMs: latestMs, stale: false });
      metadata.set(TARGET_INFO, { type: MetricType.GAUGE, family: TARGET_INFO, help: 'Target metadata', unit: '' });
    }
  }
  const out = [...series.values()];
  for (const s of out) s.samples.sort((a, b) => a.timestampMs - b.timestampMs);
  return { series: out, metadata: [...metadata.values()] };
}

type Add = (labels: LabelPair[], sample?: OutSample, exemplars?: OutExemplar[], histogram?: Record<string, unknown>) => void;

/** Exports one metric; returns the latest timestamp (ms) written, or -1. */
function exportMetric(m: Metric, base: LabelPair[], opts: SeriesOptions, add: Add, metadata: Map<string, OutMetadata>): number {
  let latest = -1;
  const ms = (ns: bigint) => { const v = Number(ns / 1_000_000n); if (v > latest) latest = v; return v; };
  const d = m.data;
  const meta = (type: number, family: string) => metadata.set(family, { type, family, help: m.description ?? '', unit: m.unit ?? '' });
  switch (d.type) {
    case 'gauge':
    case 'sum': {
      const counter = d.type === 'sum' && d.isMonotonic;
      if (d.type === 'sum' && d.aggregationTemporality === Temporality.DELTA) {
        opts.skipped?.(d.dataPoints.length, `metric ${m.name}: delta sums cannot be sent to Prometheus`);
        return -1;
      }
      const name = prometheusName(m.name, { unit: m.unit, counter, gauge: !counter, addUnitSuffix: opts.addUnitSuffix });
      meta(counter ? MetricType.COUNTER : MetricType.GAUGE, counter ? name.slice(0, -6) : name);
      for (const p of d.dataPoints) {
        add([['__name__', name], ...labelsOf(p.attributes, base)], numberSample(p, ms(p.timeUnixNano)), exemplarsOf(p.exemplars));
      }
      return latest;
    }
    case 'histogram': {
      if (d.aggregationTemporality === Temporality.DELTA) {
        opts.skipped?.(d.dataPoints.length, `metric ${m.name}: delta histograms cannot be sent to Prometheus`);
        return -1;
      }
      const name = prometheusName(m.name, { unit: m.unit, counter: false, gauge: false, addUnitSuffix: opts.addUnitSuffix });
      meta(MetricType.HISTOGRAM, name);
      for (const p of d.dataPoints) {
        const t = ms(p.timeUnixNano);
        const stale = ((p.flags ?? 0) & NO_RECORDED_VALUE) !== 0;
        const labels = labelsOf(p.attributes, base);
        let cum = 0;
        const bounds = [...p.explicitBounds, Infinity];
        const xs = p.exemplars ?? [];
        bounds.forEach((le, i) => {
          cum += p.bucketCounts[i] ?? 0;
          // Each exemplar goes on the first bucket that holds its value, as Prometheus does.
          const mine = xs.filter((x) => Number(x.value) <= le && (i === 0 || Number(x.value) > bounds[i - 1]!));
          add([['__name__', name + '_bucket'], ...labels, ['le', formatBound(le)]], { value: le === Infinity ? p.count : cum, timestampMs: t, stale }, exemplarsOf(mine));
        });
        if (p.sum !== undefined) add([['__name__', name + '_sum'], ...labels], { value: p.sum, timestampMs: t, stale });
        add([['__name__', name + '_count'], ...labels], { value: p.count, timestampMs: t, stale });
      }
      return latest;
    }
    case 'summary': {
      const name = prometheusName(m.name, { unit: m.unit, counter: false, gauge: false, addUnitSuffix: opts.addUnitSuffix });
      meta(MetricType.SUMMARY, name);
      for (const p of d.dataPoints) {
        const t = ms(p.timeUnixNano);
        const stale = ((p.flags ?? 0) & NO_RECORDED_VALUE) !== 0;
        const labels = labelsOf(p.attributes, base);
        for (const q of p.quantileValues) add([['__name__', name], ...labels, ['quantile', formatBound(q.quantile)]], { value: q.value, timestampMs: t, stale });
        add([['__name__', name + '_sum'], ...labels], { value: p.sum, timestampMs: t, stale });
        add([['__name__', name + '_count'], ...labels], { value: p.count, timestampMs: t, stale });
      }
      return latest;
    }
    case 'exponentialHistogram': {
      if (d.aggregationTemporality === Temporality.DELTA) {
        opts.skipped?.(d.dataPoints.length, `metric ${m.name}: delta histograms cannot be sent to Prometheus`);
        return -1;
      }
      const name = prometheusName(m.name, { unit: m.unit, counter: false, gauge: false, addUnitSuffix: opts.addUnitSuffix });
      meta(MetricType.HISTOGRAM, name);
      for (const p of d.dataPoints) {
        if (p.scale < -4 || p.scale > 8) {
          opts.skipped?.(1, `metric ${m.name}: exponential scale ${p.scale} is outside Prometheus' -4..8`);
          continue;
        }
        const stale = ((p.flags ?? 0) & NO_RECORDED_VALUE) !== 0;
        add([['__name__', name], ...labelsOf(p.attributes, base)], undefined, exemplarsOf(p.exemplars), exponentialToNative(p, ms(p.timeUnixNano), stale));
      }
      return latest;
    }
  }
}

function numberSample(p: NumberDataPoint, timestampMs: number): OutSample {
  const stale = p.stale === true || ((p.flags ?? 0) & NO_RECORDED_VALUE) !== 0;
  return { value: stale ? NaN : Number(p.value), timestampMs, stale };
}

/** Point attributes → sanitised labels (names that collide after sanitising are joined with `;`, in key order). */
export function labelsOf(attrs: Attributes, base: LabelPair[]): LabelPair[] {
  const merged = new Map<string, string[]>();
  for (const k of Object.keys(attrs).sort()) {
    const v = valueToText(attrs[k]);
    if (v === '') continue;
    const name = sanitizeLabelName(k);
    if (name === 'job' || name === 'instance') {
      // A point attribute named job/instance would clash with the resource's; the resource wins
      // when it has one (the Collector does the same).
      if (base.some(([b]) => b === name)) continue;
    }
    const list = merged.get(name);
    if (list) list.push(v);
    else merged.set(name, [v]);
  }
  const out: LabelPair[] = [...base];
  for (const [k, vs] of merged) out.push([k, vs.join(';')]);
  return out;
}

function exemplarsOf(xs: Exemplar[] | undefined): OutExemplar[] | undefined {
  if (!xs || xs.length === 0) return undefined;
  return xs.map((x) => {
    const labels: LabelPair[] = labelsOf(x.filteredAttributes, []);
    if (x.traceId) labels.push(['trace_id', x.traceId]);
    if (x.spanId) labels.push(['span_id', x.spanId]);
    labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { labels, value: Number(x.value), timestampMs: Number(x.timeUnixNano / 1_000_000n) };
  });
}

/** Bounds as Prometheus writes them: `+Inf`, and Go's shortest float text otherwise. */
function formatBound(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}
