import { setOwn } from '../../model/attributes.js';
import type {
  Attributes, Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, SummaryDataPoint, Telemetry,
} from '../../model/index.js';
import { Temporality } from '../../model/index.js';
import type { ItemRejection } from '../types.js';
import { nativeToModel } from './native-histogram.js';
import { MetricType, type LabelPair, type RawExemplar, type RawMeta, type RawRequest, type RawSeries } from './raw.js';
import { resourceFromJobInstance, TARGET_INFO } from './resource.js';
import { describeSeries, seriesProblem } from './validate.js';

/**
 * Maps remote-write series onto the model, the reverse of the OpenTelemetry → Prometheus rules:
 * - `__name__` is the metric name; `job`/`instance` become the resource (service.name,
 *   service.namespace, service.instance.id) and `target_info`'s labels its other attributes;
 *   every other label is a point attribute.
 * - The type comes from metadata when the request has it, else from naming conventions:
 *   `_total` → monotonic cumulative sum; `_bucket{le}` + `_sum` + `_count` of one family with equal
 *   labels → one histogram point per timestamp; `{quantile}` + `_sum` + `_count` → summary;
 *   anything else → gauge. Names are kept as sent (`_total` stays), so a round trip is exact.
 *   A family only partly present in a request (Prometheus splits batches and shards by series) is
 *   not made into a point: a histogram needs `+Inf` and `_count`, a summary `_sum` and `_count`;
 *   otherwise its samples stay gauges under their own names, `le`/`quantile` as attributes.
 * - Stale markers are points with `stale: true` and flags NO_RECORDED_VALUE (1), as the Collector does.
 * - Native histograms: exponential histogram points (custom-bucket ones: explicit-bounds histograms).
 */
export interface MappedRequest {
  telemetry: Telemetry;
  samples: number;
  histograms: number;
  exemplars: number;
  rejected: ItemRejection[];
}

const NO_RECORDED_VALUE = 1;

interface Parsed {
  raw: RawSeries;
  name: string;
  resKey: string;
  job?: string;
  instance?: string;
  /** Labels other than __name__, job, instance (and with empty values dropped), sorted. */
  attrs: LabelPair[];
  le?: string;
  quantile?: string;
  meta?: RawMeta;
}

type Kind = 'gauge' | 'counter' | 'histogram' | 'summary';

/** One timestamp of a histogram/summary family, plus its samples as sent (for fragments). */
interface Slot {
  parts: Map<number, number>;
  sum?: number;
  count?: number;
  stale: boolean;
  samples: { name: string; label?: LabelPair; value: number; stale: boolean }[];
}

interface Group {
  kind: 'histogram' | 'summary';
  base: string;
  resKey: string;
  attrs: Attributes;
  meta?: RawMeta;
  /** Per timestamp: `le`/quantile → value, plus _sum and _count. */
  byTime: Map<bigint, Slot>;
  exemplars: RawExemplar[];
  index: number;
}

export function toModel(req: RawRequest): MappedRequest {
  const rejected: ItemRejection[] = [];
  const parsed: Parsed[] = [];
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  for (const s of req.series) {
    const problem = seriesProblem(s);
    if (problem) {
      rejected.push({ index: s.index, field: `timeseries[${s.index}]`, message: `timeseries[${s.index}] ${describeSeries(s.labels)} ${problem}` });
      continue;
    }
    const p = parse(s, req.metadata);
    if (p.le !== undefined && p.name.endsWith('_bucket') && Number.isNaN(parseBound(p.le))) {
      rejected.push({ index: s.index, field: `timeseries[${s.index}].labels.le`, message: `timeseries[${s.index}] ${describeSeries(s.labels)} has a non-numeric le label "${p.le}"` });
      continue;
    }
    parsed.push(p);
    samples += s.samples.length;
    histograms += s.histograms.length;
    exemplars += s.exemplars.length;
  }

  // Pass 1: which families (per resource) are classic histograms and summaries.
  const histBases = new Set<string>();
  const summaryBases = new Set<string>();
  for (const p of parsed) {
    const t = p.meta?.type ?? MetricType.UNKNOWN;
    if (p.le !== undefined && p.name.endsWith('_bucket') && (t === MetricType.UNKNOWN || t === MetricType.HISTOGRAM || t === MetricType.GAUGEHISTOGRAM)) {
      histBases.add(p.resKey + '\0' + p.name.slice(0, -7));
    } else if (p.quantile !== undefined && (t === MetricType.UNKNOWN || t === MetricType.SUMMARY)) {
      summaryBases.add(p.resKey + '\0' + p.name);
    }
  }

  const out = new Builder();
  const groups = new Map<string, Group>();
  for (const p of parsed) {
    if (p.name === TARGET_INFO) {
      out.resource(p).extra = Object.fromEntries(p.attrs);
      continue;
    }
    const attrs: Attributes = {};
    for (const [k, v] of p.attrs) if (k !== 'le' && k !== 'quantile') setOwn(attrs, k, v);
    const { kind, base } = classify(p, histBases, summaryBases);
    if (kind === 'histogram' || kind === 'summary') {
      const key = `${kind}\0${p.resKey}\0${base}\0${labelKey(p.attrs)}`;
      let g = groups.get(key);
      if (!g) {
        g = { kind, base, resKey: p.resKey, attrs, byTime: new Map(), exemplars: [], index: p.raw.index };
        groups.set(key, g);
        out.order(p, kind, base);
      }
      g.meta ??= p.meta;
      g.exemplars.push(...p.raw.exemplars);
      for (const smp of p.raw.samples) {
        let slot = g.byTime.get(smp.timestampMs);
        if (!slot) g.byTime.set(smp.timestampMs, (slot = { parts: new Map(), stale: false, samples: [] }));
        slot.stale ||= smp.stale;
        const label: LabelPair | undefined = p.name === base + '_sum' || p.name === base + '_count' ? undefined
          : kind === 'histogram' ? ['le', p.le!] : ['quantile', p.quantile!];
        slot.samples.push(label ? { name: p.name, label, value: smp.value, stale: smp.stale } : { name: p.name, value: smp.value, stale: smp.stale });
        if (p.name === base + '_sum') slot.sum = smp.value;
        else if (p.name === base + '_count') slot.count = smp.value;
        else if (kind === 'histogram') slot.parts.set(parseBound(p.le!), smp.value);
        else slot.parts.set(parseBound(p.quantile!), smp.value);
      }
    } else if (p.raw.samples.length) {
      const metric = out.metric(p, kind, p.name);
      const points = metric.data.dataPoints as NumberDataPoint[];
      const first = points.length;
      for (const smp of p.raw.samples) {
        const pt: NumberDataPoint = { attributes: { ...attrs }, timeUnixNano: nanos(smp.timestampMs), value: smp.value };
        if (p.raw.createdMs !== undefined) pt.startTimeUnixNano = nanos(p.raw.createdMs);
        if (smp.stale) { pt.stale = true; pt.flags = NO_RECORDED_VALUE; }
        points.push(pt);
      }
      attachExemplars(points.slice(first), p.raw.exemplars);
    }
    for (const h of p.raw.histograms) {
      const stale = Number.isNaN(h.sum);
      const r = nativeToModel(h, { ...attrs }, nanos(h.timestampMs), stale);
      if (p.raw.createdMs !== undefined) r.point.startTimeUnixNano = nanos(p.raw.createdMs);
      if (r.kind === 'histogram') (out.metric(p, 'histogram', p.name).data.dataPoints as HistogramDataPoint[]).push(r.point);
      else (out.metric(p, 'exponential', p.name).data.dataPoints as ExponentialHistogramDataPoint[]).push(r.point);
    }
  }
  for (const g of groups.values()) {
    const metric = out.metricByKey(g.resKey, g.kind, g.base, g.meta);
    for (const [ts, slot] of [...g.byTime.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (!complete(g.kind, slot)) {
        // Prometheus splits a family's series across requests (batch size, shards by series
        // hash), so one request may hold only part of a histogram: a point made from it would
        // have wrong counts. The part is kept as the samples it is, one gauge per series.
        for (const smp of slot.samples) {
          const pt: NumberDataPoint = { attributes: smp.label ? { ...g.attrs, [smp.label[0]]: smp.label[1] } : { ...g.attrs }, timeUnixNano: nanos(ts), value: smp.value };
          if (smp.stale) { pt.stale = true; pt.flags = NO_RECORDED_VALUE; }
          (out.metricByKey(g.resKey, 'gauge', smp.name, undefined).data.dataPoints as NumberDataPoint[]).push(pt);
        }
        continue;
      }
      const parts = [...slot.parts.entries()].sort((a, b) => a[0] - b[0]);
      if (g.kind === 'histogram') {
        const pt = histogramPoint(g.attrs, nanos(ts), parts, slot.sum, slot.count);
        if (slot.stale) pt.flags = NO_RECORDED_VALUE;
        (metric.data.dataPoints as HistogramDataPoint[]).push(pt);
      } else {
        const pt: SummaryDataPoint = {
          attributes: { ...g.attrs }, timeUnixNano: nanos(ts), count: slot.count ?? 0, sum: slot.sum ?? 0,
          quantileValues: parts.map(([quantile, value]) => ({ quantile, value })),
        };
        if (slot.stale) pt.flags = NO_RECORDED_VALUE;
        (metric.data.dataPoints as SummaryDataPoint[]).push(pt);
      }
    }
    if (g.kind === 'histogram') attachExemplars(metric.data.dataPoints as HistogramDataPoint[], g.exemplars);
  }
  return { telemetry: out.telemetry(), samples, histograms, exemplars, rejected };
}

/**
 * Whether one timestamp of a family is whole: a histogram needs its `+Inf` bucket and `_count`
 * (the last series Prometheus writes), a summary its `_sum` and `_count`.
 */
function complete(kind: 'histogram' | 'summary', slot: Slot): boolean {
  if (slot.count === undefined) return false;
  return kind === 'histogram' ? slot.parts.has(Infinity) : slot.sum !== undefined;
}

function parse(s: RawSeries, metadata: Map<string, RawMeta>): Parsed {
  let name = '';
  let job: string | undefined;
  let instance: string | undefined;
  let le: string | undefined;
  let quantile: string | undefined;
  const attrs: LabelPair[] = [];
  for (const [k, v] of s.labels) {
    if (k === '__name__') name = v;
    else if (v === '') continue;
    else if (k === 'job') job = v;
    else if (k === 'instance') instance = v;
    else {
      if (k === 'le') le = v;
      else if (k === 'quantile') quantile = v;
      attrs.push([k, v]);
    }
  }
  const p: Parsed = { raw: s, name, resKey: `${job ?? ''}\0${instance ?? ''}`, attrs };
  if (job !== undefined) p.job = job;
  if (instance !== undefined) p.instance = instance;
  if (le !== undefined) p.le = le;
  if (quantile !== undefined) p.quantile = quantile;
  const meta = s.meta && s.meta.type !== MetricType.UNKNOWN ? s.meta : lookupMeta(name, metadata);
  if (meta) p.meta = meta;
  return p;
}

/** 1.0 metadata is per family: try the name, then the name without a conventional suffix. */
function lookupMeta(name: string, metadata: Map<string, RawMeta>): RawMeta | undefined {
  if (metadata.size === 0) return undefined;
  const direct = metadata.get(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_info']) {
    if (name.endsWith(suffix)) {
      const m = metadata.get(name.slice(0, -suffix.length));
      if (m) return m;
    }
  }
  return undefined;
}

function classify(p: Parsed, histBases: Set<string>, summaryBases: Set<string>): { kind: Kind; base: string } {
  const t = p.meta?.type ?? MetricType.UNKNOWN;
  const key = (b: string) => p.resKey + '\0' + b;
  if (p.le !== undefined && p.name.endsWith('_bucket') && histBases.has(key(p.name.slice(0, -7)))) return { kind: 'histogram', base: p.name.slice(0, -7) };
  if (p.quantile !== undefined && summaryBases.has(key(p.name))) return { kind: 'summary', base: p.name };
  for (const suffix of ['_sum', '_count']) {
    if (!p.name.endsWith(suffix)) continue;
    const base = p.name.slice(0, -suffix.length);
    if (histBases.has(key(base)) || (t === MetricType.HISTOGRAM && p.raw.histograms.length === 0)) return { kind: 'histogram', base };
    if (summaryBases.has(key(base)) || t === MetricType.SUMMARY) return { kind: 'summary', base };
  }
  if (t === MetricType.COUNTER || (t === MetricType.UNKNOWN && p.name.endsWith('_total'))) return { kind: 'counter', base: p.name };
  return { kind: 'gauge', base: p.name };
}

/** Cumulative `le` buckets → OTLP per-bucket counts; the +Inf bucket is the last one. */
function histogramPoint(attributes: Attributes, timeUnixNano: bigint, buckets: [number, number][], sum: number | undefined, count: number | undefined): HistogramDataPoint {
  const finite = buckets.filter(([le]) => le !== Infinity);
  const inf = buckets.find(([le]) => le === Infinity)?.[1];
  const total = count ?? inf ?? (finite.length ? finite[finite.length - 1]![1] : 0);
  const counts: number[] = [];
  let prev = 0;
  for (const [, cum] of finite) {
    counts.push(Math.max(0, cum - prev));
    prev = Math.max(prev, cum);
  }
  counts.push(Math.max(0, (inf ?? total) - prev));
  const pt: HistogramDataPoint = { attributes: { ...attributes }, timeUnixNano, count: total, bucketCounts: counts, explicitBounds: finite.map(([le]) => le) };
  if (sum !== undefined) pt.sum = sum;
  return pt;
}

function attachExemplars(points: { timeUnixNano: bigint; exemplars?: Exemplar[] }[], xs: RawExemplar[]): void {
  if (points.length === 0 || xs.length === 0) return;
  for (const x of xs) {
    const ns = nanos(x.timestampMs);
    const target = points.find((p) => p.timeUnixNano === ns) ?? points[points.length - 1]!;
    const e: Exemplar = { timeUnixNano: ns, value: x.value, filteredAttributes: {} };
    for (const [k, v] of x.labels) {
      if (k === 'trace_id') e.traceId = v;
      else if (k === 'span_id') e.spanId = v;
      else setOwn(e.filteredAttributes, k, v);
    }
    (target.exemplars ??= []).push(e);
  }
}

function parseBound(text: string): number {
  if (text === '+Inf' || text === 'Inf' || text === '+inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return text.trim() === '' ? NaN : Number(text);
}

function labelKey(attrs: LabelPair[]): string {
  return attrs.filter(([k]) => k !== 'le' && k !== 'quantile').map(([k, v]) => `${k}\u0001${v}`).join('\u0002');
}

function nanos(ms: bigint): bigint {
  return ms * 1_000_000n;
}

/** Collects metrics per resource in the order they first appear. */
class Builder {
  private readonly resources = new Map<string, { job?: string; instance?: string; extra?: Attributes; metrics: Map<string, Metric> }>();

  resource(p: Parsed) {
    let r = this.resources.get(p.resKey);
    if (!r) {
      r = { metrics: new Map() };
      if (p.job !== undefined) r.job = p.job;
      if (p.instance !== undefined) r.instance = p.instance;
      this.resources.set(p.resKey, r);
    }
    return r;
  }

  order(p: Parsed, kind: 'histogram' | 'summary', base: string): void {
    this.metric(p, kind, base);
  }

  metric(p: Parsed, kind: Kind | 'exponential', name: string): Metric {
    this.resource(p);
    return this.metricByKey(p.resKey, kind, name, p.meta);
  }

  metricByKey(resKey: string, kind: Kind | 'exponential', name: string, meta: RawMeta | undefined): Metric {
    const r = this.resources.get(resKey)!;
    const key = `${kind}\0${name}`;
    let m = r.metrics.get(key);
    if (!m) {
      m = { name, data: emptyData(kind) };
      if (meta?.help) m.description = meta.help;
      if (meta?.unit) m.unit = meta.unit;
      r.metrics.set(key, m);
    }
    return m;
  }

  telemetry(): Telemetry {
    const rms: ResourceMetrics[] = [];
    for (const r of this.resources.values()) {
      const metrics = [...r.metrics.values()].filter((m) => m.data.dataPoints.length > 0);
      if (metrics.length === 0) continue;
      const attributes: Attributes = { ...(r.extra ?? {}), ...resourceFromJobInstance(r.job, r.instance) };
      rms.push({ resource: { attributes }, scopeMetrics: [{ scope: { name: 'switchyard/prometheus_remote_write' }, metrics }] });
    }
    return rms.length ? { metrics: rms } : {};
  }
}

function emptyData(kind: Kind | 'exponential'): Metric['data'] {
  switch (kind) {
    case 'counter': return { type: 'sum', dataPoints: [], aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true };
    case 'histogram': return { type: 'histogram', dataPoints: [], aggregationTemporality: Temporality.CUMULATIVE };
    case 'exponential': return { type: 'exponentialHistogram', dataPoints: [], aggregationTemporality: Temporality.CUMULATIVE };
    case 'summary': return { type: 'summary', dataPoints: [] };
    default: return { type: 'gauge', dataPoints: [] };
  }
}
