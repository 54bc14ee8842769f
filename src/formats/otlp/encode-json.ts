/**
 * Model → OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): ids as lowercase hex,
 * 64-bit integers as decimal strings, enums as integers, bytes as base64, non-finite doubles as
 * "NaN" / "Infinity" / "-Infinity", lowerCamelCase keys, default values left out.
 */
import {
  isKeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramBuckets, type InstrumentationScope,
  type LogRecord, type Metric, type NumberDataPoint, type Resource, type ResourceLogs, type ResourceMetrics, type ResourceSpans, type Span,
} from '../../model/index.js';
import { FLAG_NO_RECORDED_VALUE, idsOut, withOriginalIds } from './encode-shared.js';
import { toBase64 } from './wire.js';

type Obj = Record<string, unknown>;

export function tracesJsonObject(rs: readonly ResourceSpans[]): Obj {
  return { resourceSpans: rs.map(resourceSpansJson) };
}
export function metricsJsonObject(rm: readonly ResourceMetrics[]): Obj {
  return { resourceMetrics: rm.map(resourceMetricsJson) };
}
export function logsJsonObject(rl: readonly ResourceLogs[]): Obj {
  return { resourceLogs: rl.map(resourceLogsJson) };
}

export const encodeTracesJson = (rs: readonly ResourceSpans[]): string => JSON.stringify(tracesJsonObject(rs));
export const encodeMetricsJson = (rm: readonly ResourceMetrics[]): string => JSON.stringify(metricsJsonObject(rm));
export const encodeLogsJson = (rl: readonly ResourceLogs[]): string => JSON.stringify(logsJsonObject(rl));

/**
 * A double the proto3 JSON way: JSON has no NaN or Infinity literals, so those are strings; -0
 * is written as the string "-0" too (a number would print as 0), keeping the sign bit lossless.
 */
function dbl(n: number): number | string {
  if (Number.isFinite(n)) return n === 0 && Object.is(n, -0) ? '-0' : n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

export function anyJson(v: AnyValue): Obj {
  if (v === null) return {};
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: v.toString() };
    case 'number': return { doubleValue: dbl(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyJson) } };
  if (v instanceof Uint8Array) return { bytesValue: toBase64(v) };
  if (isKeyValueList(v)) return { kvlistValue: { values: attrsJson(v.values) } };
  return {};
}

export function attrsJson(attrs: Attributes): Obj[] {
  const out: Obj[] = [];
  for (const key in attrs) out.push({ key, value: anyJson(attrs[key]!) });
  return out;
}

function resourceJson(r: Resource): Obj {
  const out: Obj = { attributes: attrsJson(r.attributes) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scopeJson(s: InstrumentationScope): Obj {
  const out: Obj = { name: s.name };
  if (s.version) out.version = s.version;
  if (s.attributes) out.attributes = attrsJson(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function schema(o: Obj, url: string | undefined): Obj {
  if (url) o.schemaUrl = url;
  return o;
}

// ---- traces ----

function resourceSpansJson(rs: ResourceSpans): Obj {
  return schema({
    resource: resourceJson(rs.resource),
    scopeSpans: rs.scopeSpans.map((ss) => schema({ scope: scopeJson(ss.scope), spans: ss.spans.map(spanJson) }, ss.schemaUrl)),
  }, rs.schemaUrl);
}

function spanJson(s: Span): Obj {
  const ids = idsOut(s.traceId, s.spanId, s.parentSpanId, true);
  const out: Obj = { traceId: ids.traceId, spanId: ids.spanId };
  if (s.traceState) out.traceState = s.traceState;
  if (ids.parentSpanId) out.parentSpanId = ids.parentSpanId;
  if (s.flags) out.flags = s.flags >>> 0;
  out.name = s.name;
  out.kind = s.kind;
  out.startTimeUnixNano = s.startTimeUnixNano.toString();
  out.endTimeUnixNano = s.endTimeUnixNano.toString();
  out.attributes = attrsJson(withOriginalIds(s.attributes, ids.extra));
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) {
    out.events = s.events.map((e) => {
      const eo: Obj = { timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: attrsJson(e.attributes) };
      if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
      return eo;
    });
  }
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) {
    out.links = s.links.map((l) => {
      const li = idsOut(l.traceId, l.spanId, undefined, true);
      const lo: Obj = { traceId: li.traceId, spanId: li.spanId };
      if (l.traceState) lo.traceState = l.traceState;
      lo.attributes = attrsJson(withOriginalIds(l.attributes, li.extra));
      if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
      if (l.flags) lo.flags = l.flags >>> 0;
      return lo;
    });
  }
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  const st: Obj = {};
  if (s.status.message) st.message = s.status.message;
  if (s.status.code) st.code = s.status.code;
  out.status = st;
  return out;
}

// ---- logs ----

function resourceLogsJson(rl: ResourceLogs): Obj {
  return schema({
    resource: resourceJson(rl.resource),
    scopeLogs: rl.scopeLogs.map((sl) => schema({ scope: scopeJson(sl.scope), logRecords: sl.logRecords.map(logJson) }, sl.schemaUrl)),
  }, rl.schemaUrl);
}

function logJson(r: LogRecord): Obj {
  const ids = idsOut(r.traceId, r.spanId, undefined, false);
  const out: Obj = { timeUnixNano: r.timeUnixNano.toString() };
  if (r.observedTimeUnixNano !== undefined) out.observedTimeUnixNano = r.observedTimeUnixNano.toString();
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  if (r.body !== undefined) out.body = anyJson(r.body);
  out.attributes = attrsJson(withOriginalIds(r.attributes, ids.extra));
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.flags) out.flags = r.flags >>> 0;
  if (ids.traceId) out.traceId = ids.traceId;
  if (ids.spanId) out.spanId = ids.spanId;
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

// ---- metrics ----

function resourceMetricsJson(rm: ResourceMetrics): Obj {
  return schema({
    resource: resourceJson(rm.resource),
    scopeMetrics: rm.scopeMetrics.map((sm) => schema({ scope: scopeJson(sm.scope), metrics: sm.metrics.map(metricJson) }, sm.schemaUrl)),
  }, rm.schemaUrl);
}

const count = (n: number): string => BigInt(Math.max(0, Math.trunc(Number.isFinite(n) ? n : 0))).toString();

function metricJson(m: Metric): Obj {
  const out: Obj = { name: m.name };
  if (m.description) out.description = m.description;
  if (m.unit) out.unit = m.unit;
  const d = m.data;
  switch (d.type) {
    case 'gauge':
      out.gauge = { dataPoints: d.dataPoints.map(numberPointJson) };
      break;
    case 'sum':
      out.sum = { dataPoints: d.dataPoints.map(numberPointJson), aggregationTemporality: d.aggregationTemporality, isMonotonic: d.isMonotonic };
      break;
    case 'histogram':
      out.histogram = {
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseJson(p);
          o.count = count(p.count);
          if (p.sum !== undefined) o.sum = dbl(p.sum);
          o.bucketCounts = p.bucketCounts.map(count);
          o.explicitBounds = p.explicitBounds.map(dbl);
          if (p.min !== undefined) o.min = dbl(p.min);
          if (p.max !== undefined) o.max = dbl(p.max);
          return o;
        }),
        aggregationTemporality: d.aggregationTemporality,
      };
      break;
    case 'exponentialHistogram':
      out.exponentialHistogram = {
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseJson(p);
          o.count = count(p.count);
          if (p.sum !== undefined) o.sum = dbl(p.sum);
          o.scale = p.scale;
          o.zeroCount = count(p.zeroCount);
          if (p.positive) o.positive = bucketsJson(p.positive);
          if (p.negative) o.negative = bucketsJson(p.negative);
          if (p.min !== undefined) o.min = dbl(p.min);
          if (p.max !== undefined) o.max = dbl(p.max);
          if (p.zeroThreshold) o.zeroThreshold = dbl(p.zeroThreshold);
          return o;
        }),
        aggregationTemporality: d.aggregationTemporality,
      };
      break;
    case 'summary':
      out.summary = {
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseJson(p);
          o.count = count(p.count);
          o.sum = dbl(p.sum);
          o.quantileValues = p.quantileValues.map((q) => ({ quantile: dbl(q.quantile), value: dbl(q.value) }));
          return o;
        }),
      };
      break;
  }
  if (m.metadata) out.metadata = attrsJson(m.metadata);
  return out;
}

interface PointLike {
  attributes: Attributes;
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  flags?: number;
  exemplars?: Exemplar[];
}

function pointBaseJson(p: PointLike): Obj {
  const o: Obj = { attributes: attrsJson(p.attributes) };
  if (p.startTimeUnixNano !== undefined) o.startTimeUnixNano = p.startTimeUnixNano.toString();
  o.timeUnixNano = p.timeUnixNano.toString();
  if (p.exemplars?.length) o.exemplars = p.exemplars.map(exemplarJson);
  if (p.flags) o.flags = p.flags >>> 0;
  return o;
}

function numberPointJson(p: NumberDataPoint): Obj {
  const o = pointBaseJson(p);
  if (typeof p.value === 'bigint') o.asInt = p.value.toString();
  else o.asDouble = dbl(p.value);
  if (p.stale) o.flags = ((p.flags ?? 0) | FLAG_NO_RECORDED_VALUE) >>> 0;
  return o;
}

function bucketsJson(b: ExponentialHistogramBuckets): Obj {
  return { offset: b.offset, bucketCounts: b.bucketCounts.map(count) };
}

function exemplarJson(e: Exemplar): Obj {
  const ids = idsOut(e.traceId, e.spanId, undefined, false);
  const o: Obj = { filteredAttributes: attrsJson(withOriginalIds(e.filteredAttributes, ids.extra)), timeUnixNano: e.timeUnixNano.toString() };
  if (typeof e.value === 'bigint') o.asInt = e.value.toString();
  else o.asDouble = dbl(e.value);
  if (ids.spanId) o.spanId = ids.spanId;
  if (ids.traceId) o.traceId = ids.traceId;
  return o;
}
