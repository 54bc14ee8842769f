/**
 * Model → the OTLP export-request object tree (resource → scope → spans / metrics / logs), shared
 * by the JSON and protobuf encoders. The tree's shape is the same for both; only how scalars are
 * written differs, and that is left to a {@link WireFlavor}. Keys are added in the order OTLP/JSON
 * output is expected in (protobufjs encodes by field number, so order does not matter there);
 * default values are left out.
 *
 * This is the exporter's hot path: the flavor is passed down as an argument (no closures are
 * made per item) and the tree is built in one pass.
 */
import {
  isKeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramBuckets, type ExponentialHistogramDataPoint,
  type HistogramDataPoint, type InstrumentationScope, type LogRecord, type Metric, type NumberDataPoint, type Resource, type ResourceLogs,
  type ResourceMetrics, type ResourceSpans, type ScopeLogs, type ScopeMetrics, type ScopeSpans, type Span, type SpanEvent, type SpanLink,
  type SummaryDataPoint,
} from '../../model/index.js';
import { FLAG_NO_RECORDED_VALUE, idsOut, withOriginalIds } from './encode-shared.js';

export type Obj = Record<string, unknown>;

/** How one encoding writes the scalars whose wire form differs between OTLP/JSON and protobuf. */
export interface WireFlavor {
  /** A 64-bit integer held as bigint: timestamps, int values. */
  int64(v: bigint): unknown;
  /** A 64-bit unsigned count held as a JS number. */
  count(n: number): unknown;
  /** A list of counts (bucket counts). */
  counts(ns: readonly number[]): unknown;
  double(n: number): unknown;
  /** A list of doubles (explicit bounds). */
  doubles(ns: readonly number[]): unknown;
  /** A bytes value. */
  bytes(b: Uint8Array): unknown;
  /** A trace or span id, given as lowercase hex ('' only for a required id that is empty). */
  id(hex: string): unknown;
}

type Build<T> = (x: T, w: WireFlavor) => Obj;

/** `xs.map((x) => fn(x, w))` without a closure per call. */
function each<T>(xs: readonly T[], fn: Build<T>, w: WireFlavor): Obj[] {
  const out: Obj[] = [];
  for (let i = 0; i < xs.length; i++) out.push(fn(xs[i]!, w));
  return out;
}

export function tracesTree(rs: readonly ResourceSpans[], w: WireFlavor): Obj {
  return { resourceSpans: each(rs, resourceSpans, w) };
}
export function metricsTree(rm: readonly ResourceMetrics[], w: WireFlavor): Obj {
  return { resourceMetrics: each(rm, resourceMetrics, w) };
}
export function logsTree(rl: readonly ResourceLogs[], w: WireFlavor): Obj {
  return { resourceLogs: each(rl, resourceLogs, w) };
}

// ---- common ----

export function anyValue(v: AnyValue, w: WireFlavor): Obj {
  if (v === null) return {};
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: w.int64(v) };
    case 'number': return { doubleValue: w.double(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: each(v, anyValue, w) } };
  if (v instanceof Uint8Array) return { bytesValue: w.bytes(v) };
  if (isKeyValueList(v)) return { kvlistValue: { values: attributes(v.values, w) } };
  return {};
}

export function attributes(attrs: Attributes, w: WireFlavor): Obj[] {
  const out: Obj[] = [];
  for (const key in attrs) out.push({ key, value: anyValue(attrs[key]!, w) });
  return out;
}

function resource(r: Resource, w: WireFlavor): Obj {
  const out: Obj = { attributes: attributes(r.attributes, w) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scope(s: InstrumentationScope, w: WireFlavor): Obj {
  const out: Obj = { name: s.name };
  if (s.version) out.version = s.version;
  if (s.attributes) out.attributes = attributes(s.attributes, w);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function schema(o: Obj, url: string | undefined): Obj {
  if (url) o.schemaUrl = url;
  return o;
}

// ---- traces ----

function resourceSpans(rs: ResourceSpans, w: WireFlavor): Obj {
  return schema({ resource: resource(rs.resource, w), scopeSpans: each(rs.scopeSpans, scopeSpans, w) }, rs.schemaUrl);
}

function scopeSpans(ss: ScopeSpans, w: WireFlavor): Obj {
  return schema({ scope: scope(ss.scope, w), spans: each(ss.spans, span, w) }, ss.schemaUrl);
}

function span(s: Span, w: WireFlavor): Obj {
  const ids = idsOut(s.traceId, s.spanId, s.parentSpanId, true);
  const out: Obj = { traceId: w.id(ids.traceId), spanId: w.id(ids.spanId) };
  if (s.traceState) out.traceState = s.traceState;
  if (ids.parentSpanId) out.parentSpanId = w.id(ids.parentSpanId);
  if (s.flags) out.flags = s.flags >>> 0;
  out.name = s.name;
  out.kind = s.kind;
  out.startTimeUnixNano = w.int64(s.startTimeUnixNano);
  out.endTimeUnixNano = w.int64(s.endTimeUnixNano);
  out.attributes = attributes(withOriginalIds(s.attributes, ids.extra), w);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) out.events = each(s.events, event, w);
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) out.links = each(s.links, link, w);
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  // Always present, as the SDKs write it: an unset status is an empty message.
  const st: Obj = {};
  if (s.status.message) st.message = s.status.message;
  if (s.status.code) st.code = s.status.code;
  out.status = st;
  return out;
}

function event(e: SpanEvent, w: WireFlavor): Obj {
  const eo: Obj = { timeUnixNano: w.int64(e.timeUnixNano), name: e.name, attributes: attributes(e.attributes, w) };
  if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
  return eo;
}

function link(l: SpanLink, w: WireFlavor): Obj {
  const li = idsOut(l.traceId, l.spanId, undefined, true);
  const lo: Obj = { traceId: w.id(li.traceId), spanId: w.id(li.spanId) };
  if (l.traceState) lo.traceState = l.traceState;
  lo.attributes = attributes(withOriginalIds(l.attributes, li.extra), w);
  if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) lo.flags = l.flags >>> 0;
  return lo;
}

// ---- logs ----

function resourceLogs(rl: ResourceLogs, w: WireFlavor): Obj {
  return schema({ resource: resource(rl.resource, w), scopeLogs: each(rl.scopeLogs, scopeLogs, w) }, rl.schemaUrl);
}

function scopeLogs(sl: ScopeLogs, w: WireFlavor): Obj {
  return schema({ scope: scope(sl.scope, w), logRecords: each(sl.logRecords, logRecord, w) }, sl.schemaUrl);
}

function logRecord(r: LogRecord, w: WireFlavor): Obj {
  const ids = idsOut(r.traceId, r.spanId, undefined, false);
  const out: Obj = { timeUnixNano: w.int64(r.timeUnixNano) };
  if (r.observedTimeUnixNano !== undefined) out.observedTimeUnixNano = w.int64(r.observedTimeUnixNano);
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  if (r.body !== undefined) out.body = anyValue(r.body, w);
  out.attributes = attributes(withOriginalIds(r.attributes, ids.extra), w);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.flags) out.flags = r.flags >>> 0;
  if (ids.traceId) out.traceId = w.id(ids.traceId);
  if (ids.spanId) out.spanId = w.id(ids.spanId);
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

// ---- metrics ----

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
