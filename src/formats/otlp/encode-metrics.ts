/** Model → the OTLP metrics export-request tree: metrics and their data points, in either wire flavor. */
import type {
  Attributes, Exemplar, ExponentialHistogramBuckets, ExponentialHistogramDataPoint, HistogramDataPoint, Metric,
  NumberDataPoint, ResourceMetrics, ScopeMetrics, SummaryDataPoint,
} from '../../model/index.js';
import { FLAG_NO_RECORDED_VALUE, idsOut, withOriginalIds } from './encode-shared.js';
import { attributes, each, resource, schema, scope, type Obj, type WireFlavor } from './encode-tree.js';

export function metricsTree(rm: readonly ResourceMetrics[], w: WireFlavor): Obj {
  return { resourceMetrics: each(rm, resourceMetrics, w) };
}

function resourceMetrics(rm: ResourceMetrics, w: WireFlavor): Obj {
  return schema({ resource: resource(rm.resource, w), scopeMetrics: each(rm.scopeMetrics, scopeMetrics, w) }, rm.schemaUrl);
}

function scopeMetrics(sm: ScopeMetrics, w: WireFlavor): Obj {
  return schema({ scope: scope(sm.scope, w), metrics: each(sm.metrics, metric, w) }, sm.schemaUrl);
}

function metric(m: Metric, w: WireFlavor): Obj {
  const out: Obj = { name: m.name };
  if (m.description) out.description = m.description;
  if (m.unit) out.unit = m.unit;
  const d = m.data;
  switch (d.type) {
    case 'gauge':
      out.gauge = { dataPoints: each(d.dataPoints, numberPoint, w) };
      break;
    case 'sum':
      out.sum = { dataPoints: each(d.dataPoints, numberPoint, w), aggregationTemporality: d.aggregationTemporality, isMonotonic: d.isMonotonic };
      break;
    case 'histogram':
      out.histogram = { dataPoints: each(d.dataPoints, histogramPoint, w), aggregationTemporality: d.aggregationTemporality };
      break;
    case 'exponentialHistogram':
      out.exponentialHistogram = { dataPoints: each(d.dataPoints, expHistogramPoint, w), aggregationTemporality: d.aggregationTemporality };
      break;
    case 'summary':
      out.summary = { dataPoints: each(d.dataPoints, summaryPoint, w) };
      break;
  }
  if (m.metadata) out.metadata = attributes(m.metadata, w);
  return out;
}

interface PointLike {
  attributes: Attributes;
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  flags?: number;
  exemplars?: Exemplar[];
}

function pointBase(p: PointLike, w: WireFlavor): Obj {
  const o: Obj = { attributes: attributes(p.attributes, w) };
  if (p.startTimeUnixNano !== undefined) o.startTimeUnixNano = w.int64(p.startTimeUnixNano);
  o.timeUnixNano = w.int64(p.timeUnixNano);
  if (p.exemplars?.length) o.exemplars = each(p.exemplars, exemplar, w);
  if (p.flags) o.flags = p.flags >>> 0;
  return o;
}

function numberPoint(p: NumberDataPoint, w: WireFlavor): Obj {
  const o = pointBase(p, w);
  if (typeof p.value === 'bigint') o.asInt = w.int64(p.value);
  else o.asDouble = w.double(p.value);
  if (p.stale) o.flags = ((p.flags ?? 0) | FLAG_NO_RECORDED_VALUE) >>> 0;
  return o;
}

function histogramPoint(p: HistogramDataPoint, w: WireFlavor): Obj {
  const o = pointBase(p, w);
  o.count = w.count(p.count);
  if (p.sum !== undefined) o.sum = w.double(p.sum);
  o.bucketCounts = w.counts(p.bucketCounts);
  o.explicitBounds = w.doubles(p.explicitBounds);
  if (p.min !== undefined) o.min = w.double(p.min);
  if (p.max !== undefined) o.max = w.double(p.max);
  return o;
}

function expHistogramPoint(p: ExponentialHistogramDataPoint, w: WireFlavor): Obj {
  const o = pointBase(p, w);
  o.count = w.count(p.count);
  if (p.sum !== undefined) o.sum = w.double(p.sum);
  o.scale = p.scale;
  o.zeroCount = w.count(p.zeroCount);
  if (p.positive) o.positive = buckets(p.positive, w);
  if (p.negative) o.negative = buckets(p.negative, w);
  if (p.min !== undefined) o.min = w.double(p.min);
  if (p.max !== undefined) o.max = w.double(p.max);
  if (p.zeroThreshold) o.zeroThreshold = w.double(p.zeroThreshold);
  return o;
}

function summaryPoint(p: SummaryDataPoint, w: WireFlavor): Obj {
  const o = pointBase(p, w);
  o.count = w.count(p.count);
  o.sum = w.double(p.sum);
  const qs = p.quantileValues;
  const out: Obj[] = [];
  for (let i = 0; i < qs.length; i++) out.push({ quantile: w.double(qs[i]!.quantile), value: w.double(qs[i]!.value) });
  o.quantileValues = out;
  return o;
}

function buckets(b: ExponentialHistogramBuckets, w: WireFlavor): Obj {
  return { offset: b.offset, bucketCounts: w.counts(b.bucketCounts) };
}

function exemplar(e: Exemplar, w: WireFlavor): Obj {
  const ids = idsOut(e.traceId, e.spanId, undefined, false);
  const o: Obj = { filteredAttributes: attributes(withOriginalIds(e.filteredAttributes, ids.extra), w), timeUnixNano: w.int64(e.timeUnixNano) };
  if (typeof e.value === 'bigint') o.asInt = w.int64(e.value);
  else o.asDouble = w.double(e.value);
  if (ids.spanId) o.spanId = w.id(ids.spanId);
  if (ids.traceId) o.traceId = w.id(ids.traceId);
  return o;
}
