/**
 * Model → OTLP/protobuf. Builds the plain objects protobufjs' generated encoder accepts (no
 * `create`/`fromObject` pass: the shapes are already right) and encodes the export request.
 * 64-bit fields are given as `{low, high}` pairs, ids as bytes.
 */
import {
  isKeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramBuckets, type InstrumentationScope,
  type LogRecord, type Metric, type NumberDataPoint, type Resource, type ResourceLogs, type ResourceMetrics, type ResourceSpans, type Span,
} from '../../model/index.js';
import { FLAG_NO_RECORDED_VALUE, idsOut, withOriginalIds } from './encode-shared.js';
import { otlpTypes } from './proto-loader.js';
import { fromHex, longOf, longOfNumber } from './wire.js';

type Obj = Record<string, unknown>;

export function encodeTracesProto(rs: readonly ResourceSpans[]): Uint8Array {
  return otlpTypes().traceRequest.encode({ resourceSpans: rs.map(resourceSpansOut) }).finish();
}

export function encodeMetricsProto(rm: readonly ResourceMetrics[]): Uint8Array {
  return otlpTypes().metricsRequest.encode({ resourceMetrics: rm.map(resourceMetricsOut) }).finish();
}

export function encodeLogsProto(rl: readonly ResourceLogs[]): Uint8Array {
  return otlpTypes().logsRequest.encode({ resourceLogs: rl.map(resourceLogsOut) }).finish();
}

// ---- common ----

export function anyOut(v: AnyValue): Obj {
  if (v === null) return {};
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: longOf(v) };
    case 'number': return { doubleValue: v };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyOut) } };
  if (v instanceof Uint8Array) return { bytesValue: v };
  if (isKeyValueList(v)) return { kvlistValue: { values: attrsOut(v.values) } };
  return {};
}

export function attrsOut(attrs: Attributes): Obj[] {
  const out: Obj[] = [];
  for (const key in attrs) out.push({ key, value: anyOut(attrs[key]!) });
  return out;
}

function resourceOut(r: Resource): Obj {
  const out: Obj = { attributes: attrsOut(r.attributes) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scopeOut(s: InstrumentationScope): Obj {
  const out: Obj = { name: s.name };
  if (s.version) out.version = s.version;
  if (s.attributes) out.attributes = attrsOut(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function withSchemaOut(o: Obj, schemaUrl: string | undefined): Obj {
  if (schemaUrl) o.schemaUrl = schemaUrl;
  return o;
}

const bytesOf = (hex: string): Uint8Array => (hex ? fromHex(hex) : EMPTY);
const EMPTY = new Uint8Array(0);

// ---- traces ----

function resourceSpansOut(rs: ResourceSpans): Obj {
  return withSchemaOut({
    resource: resourceOut(rs.resource),
    scopeSpans: rs.scopeSpans.map((ss) => withSchemaOut({ scope: scopeOut(ss.scope), spans: ss.spans.map(spanOut) }, ss.schemaUrl)),
  }, rs.schemaUrl);
}

function spanOut(s: Span): Obj {
  const ids = idsOut(s.traceId, s.spanId, s.parentSpanId, true);
  const out: Obj = {
    traceId: bytesOf(ids.traceId),
    spanId: bytesOf(ids.spanId),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: longOf(s.startTimeUnixNano),
    endTimeUnixNano: longOf(s.endTimeUnixNano),
    attributes: attrsOut(withOriginalIds(s.attributes, ids.extra)),
  };
  if (ids.parentSpanId) out.parentSpanId = bytesOf(ids.parentSpanId);
  if (s.traceState) out.traceState = s.traceState;
  if (s.flags) out.flags = s.flags >>> 0;
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) {
    out.events = s.events.map((e) => {
      const eo: Obj = { timeUnixNano: longOf(e.timeUnixNano), name: e.name, attributes: attrsOut(e.attributes) };
      if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
      return eo;
    });
  }
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) {
    out.links = s.links.map((l) => {
      const li = idsOut(l.traceId, l.spanId, undefined, true);
      const lo: Obj = { traceId: bytesOf(li.traceId), spanId: bytesOf(li.spanId), attributes: attrsOut(withOriginalIds(l.attributes, li.extra)) };
      if (l.traceState) lo.traceState = l.traceState;
      if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
      if (l.flags) lo.flags = l.flags >>> 0;
      return lo;
    });
  }
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  // Always present, as the SDKs write it: an unset status is an empty message.
  const st: Obj = {};
  if (s.status.code) st.code = s.status.code;
  if (s.status.message) st.message = s.status.message;
  out.status = st;
  return out;
}

// ---- logs ----

function resourceLogsOut(rl: ResourceLogs): Obj {
  return withSchemaOut({
    resource: resourceOut(rl.resource),
    scopeLogs: rl.scopeLogs.map((sl) => withSchemaOut({ scope: scopeOut(sl.scope), logRecords: sl.logRecords.map(logOut) }, sl.schemaUrl)),
  }, rl.schemaUrl);
}

function logOut(r: LogRecord): Obj {
  const ids = idsOut(r.traceId, r.spanId, undefined, false);
  const out: Obj = { timeUnixNano: longOf(r.timeUnixNano), attributes: attrsOut(withOriginalIds(r.attributes, ids.extra)) };
  if (r.observedTimeUnixNano !== undefined) out.observedTimeUnixNano = longOf(r.observedTimeUnixNano);
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  if (r.body !== undefined) out.body = anyOut(r.body);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.flags) out.flags = r.flags >>> 0;
  if (ids.traceId) out.traceId = bytesOf(ids.traceId);
  if (ids.spanId) out.spanId = bytesOf(ids.spanId);
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

// ---- metrics ----

function resourceMetricsOut(rm: ResourceMetrics): Obj {
  return withSchemaOut({
    resource: resourceOut(rm.resource),
    scopeMetrics: rm.scopeMetrics.map((sm) => withSchemaOut({ scope: scopeOut(sm.scope), metrics: sm.metrics.map(metricOut) }, sm.schemaUrl)),
  }, rm.schemaUrl);
}

function metricOut(m: Metric): Obj {
  const out: Obj = { name: m.name };
  if (m.description) out.description = m.description;
  if (m.unit) out.unit = m.unit;
  if (m.metadata) out.metadata = attrsOut(m.metadata);
  const d = m.data;
  switch (d.type) {
    case 'gauge':
      out.gauge = { dataPoints: d.dataPoints.map(numberPointOut) };
      break;
    case 'sum':
      out.sum = { dataPoints: d.dataPoints.map(numberPointOut), aggregationTemporality: d.aggregationTemporality, isMonotonic: d.isMonotonic };
      break;
    case 'histogram':
      out.histogram = {
        aggregationTemporality: d.aggregationTemporality,
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseOut(p);
          o.count = longOfNumber(p.count);
          if (p.sum !== undefined) o.sum = p.sum;
          o.bucketCounts = p.bucketCounts.map(longOfNumber);
          o.explicitBounds = p.explicitBounds;
          if (p.min !== undefined) o.min = p.min;
          if (p.max !== undefined) o.max = p.max;
          return o;
        }),
      };
      break;
    case 'exponentialHistogram':
      out.exponentialHistogram = {
        aggregationTemporality: d.aggregationTemporality,
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseOut(p);
          o.count = longOfNumber(p.count);
          if (p.sum !== undefined) o.sum = p.sum;
          o.scale = p.scale;
          o.zeroCount = longOfNumber(p.zeroCount);
          if (p.positive) o.positive = bucketsOut(p.positive);
          if (p.negative) o.negative = bucketsOut(p.negative);
          if (p.min !== undefined) o.min = p.min;
          if (p.max !== undefined) o.max = p.max;
          if (p.zeroThreshold) o.zeroThreshold = p.zeroThreshold;
          return o;
        }),
      };
      break;
    case 'summary':
      out.summary = {
        dataPoints: d.dataPoints.map((p) => {
          const o = pointBaseOut(p);
          o.count = longOfNumber(p.count);
          o.sum = p.sum;
          o.quantileValues = p.quantileValues.map((q) => ({ quantile: q.quantile, value: q.value }));
          return o;
        }),
      };
      break;
  }
  return out;
}

interface PointLike {
  attributes: Attributes;
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  flags?: number;
  exemplars?: Exemplar[];
}

function pointBaseOut(p: PointLike): Obj {
  const o: Obj = { attributes: attrsOut(p.attributes), timeUnixNano: longOf(p.timeUnixNano) };
  if (p.startTimeUnixNano !== undefined) o.startTimeUnixNano = longOf(p.startTimeUnixNano);
  if (p.flags) o.flags = p.flags >>> 0;
  if (p.exemplars?.length) o.exemplars = p.exemplars.map(exemplarOut);
  return o;
}

function numberPointOut(p: NumberDataPoint): Obj {
  const o = pointBaseOut(p);
  if (typeof p.value === 'bigint') o.asInt = longOf(p.value);
  else o.asDouble = p.value;
  if (p.stale) o.flags = ((p.flags ?? 0) | FLAG_NO_RECORDED_VALUE) >>> 0;
  return o;
}

function bucketsOut(b: ExponentialHistogramBuckets): Obj {
  return { offset: b.offset, bucketCounts: b.bucketCounts.map(longOfNumber) };
}

function exemplarOut(e: Exemplar): Obj {
  const ids = idsOut(e.traceId, e.spanId, undefined, false);
  const o: Obj = { timeUnixNano: longOf(e.timeUnixNano), filteredAttributes: attrsOut(withOriginalIds(e.filteredAttributes, ids.extra)) };
  if (typeof e.value === 'bigint') o.asInt = longOf(e.value);
  else o.asDouble = e.value;
  if (ids.traceId) o.traceId = bytesOf(ids.traceId);
  if (ids.spanId) o.spanId = bytesOf(ids.spanId);
  return o;
}
