/**
 * OTLP/protobuf → model. protobufjs' generated decoders read the request once (attributes are
 * decoded straight into model values by decode-attributes.ts); the message objects are then read
 * field by field into the model, with no toObject or JSON step. Unset proto3 fields read as their
 * prototype defaults, which map to "absent" in the model (the canonical form is in index.ts).
 */
import { DecodeBudget, withBudget } from '../decode-budget.js';
import { InputError } from '../errors.js';
import type { DecodeLimits, DecodeResult } from '../types.js';
import {
  KeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramBuckets, type InstrumentationScope,
  type LogRecord, type Metric, type MetricData, type NumberDataPoint, type Resource, type ResourceLogs, type ResourceMetrics,
  type ResourceSpans, type Span, type SpanEvent, type SpanLink, type SpanKind, type StatusCode, type Temporality,
  type HistogramDataPoint, type ExponentialHistogramDataPoint, type SummaryDataPoint, type ScopeSpans, type ScopeMetrics, type ScopeLogs,
} from '../../model/index.js';
import {
  ItemLedger, exemplarIdProblem, logIdProblem, restoreExemplarIds, restoreLogIds, restoreSpanIds, setAttr, spanIdProblem,
} from './decode-shared.js';
import type { DecodedKeyValue } from './decode-attributes.js';
import { otlpDecodeTypes, readerOf, type OtlpReader } from './proto-loader.js';
import { i64, toHex, u64, u64Number, type LongLike } from './wire.js';

// ---- the shapes protobufjs' decoded messages have (only what is read) ----

type L = LongLike | number;
/** A log body as the patched AnyValue decoder yields it: boxed, so that an empty value (null) differs from no body. */
interface PBody { value: AnyValue }
type PKeyValue = DecodedKeyValue;
interface PResource { attributes: PKeyValue[]; droppedAttributesCount: number }
interface PScope { name: string; version: string; attributes: PKeyValue[]; droppedAttributesCount: number }
interface PEvent { timeUnixNano: L; name: string; attributes: PKeyValue[]; droppedAttributesCount: number }
interface PLink { traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PKeyValue[]; droppedAttributesCount: number; flags: number }
interface PSpan {
  traceId: Uint8Array; spanId: Uint8Array; traceState: string; parentSpanId: Uint8Array; flags: number; name: string; kind: number;
  startTimeUnixNano: L; endTimeUnixNano: L; attributes: PKeyValue[]; droppedAttributesCount: number;
  events: PEvent[]; droppedEventsCount: number; links: PLink[]; droppedLinksCount: number;
  status: { message: string; code: number } | null;
}
interface PScopeSpans { scope: PScope | null; spans: PSpan[]; schemaUrl: string }
interface PResourceSpans { resource: PResource | null; scopeSpans: PScopeSpans[]; schemaUrl: string }
interface PExemplar { filteredAttributes: PKeyValue[]; timeUnixNano: L; asDouble: number; asInt: L; spanId: Uint8Array; traceId: Uint8Array }
interface PPointBase { attributes: PKeyValue[]; startTimeUnixNano: L; timeUnixNano: L; flags: number; exemplars: PExemplar[] }
interface PNumberPoint extends PPointBase { asDouble: number; asInt: L }
interface PHistPoint extends PPointBase { count: L; sum: number | null; bucketCounts: L[]; explicitBounds: number[]; min: number | null; max: number | null }
interface PBuckets { offset: number; bucketCounts: L[] }
interface PExpPoint extends PPointBase {
  count: L; sum: number | null; scale: number; zeroCount: L; positive: PBuckets | null; negative: PBuckets | null;
  min: number | null; max: number | null; zeroThreshold: number;
}
interface PSummaryPoint extends PPointBase { count: L; sum: number; quantileValues: { quantile: number; value: number }[] }
interface PMetric {
  name: string; description: string; unit: string; data?: string; metadata: PKeyValue[];
  gauge: { dataPoints: PNumberPoint[] } | null;
  sum: { dataPoints: PNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: PHistPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: PExpPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: PSummaryPoint[] } | null;
}
interface PScopeMetrics { scope: PScope | null; metrics: PMetric[]; schemaUrl: string }
interface PResourceMetrics { resource: PResource | null; scopeMetrics: PScopeMetrics[]; schemaUrl: string }
interface PLogRecord {
  timeUnixNano: L; observedTimeUnixNano: L; severityNumber: number; severityText: string; body: PBody | null;
  attributes: PKeyValue[]; droppedAttributesCount: number; flags: number; traceId: Uint8Array; spanId: Uint8Array; eventName: string;
}
interface PScopeLogs { scope: PScope | null; logRecords: PLogRecord[]; schemaUrl: string }
interface PResourceLogs { resource: PResource | null; scopeLogs: PScopeLogs[]; schemaUrl: string }

// ---- entry points ----

function decodeMessage<T>(type: { decode(r: OtlpReader): unknown }, body: Uint8Array, what: string, limits: DecodeLimits): T {
  try {
    return withBudget(new DecodeBudget(limits), () => type.decode(readerOf(body)) as T);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('', `body is not a valid ${what} protobuf message: ${(e as Error).message}`);
  }
}

export function decodeTracesProto(body: Uint8Array, limits: DecodeLimits): DecodeResult {
  const req = decodeMessage<{ resourceSpans: PResourceSpans[] }>(otlpDecodeTypes().traceRequest, body, 'ExportTraceServiceRequest', limits);
  const ledger = new ItemLedger(limits.maxItems, 'spans');
  const out: ResourceSpans[] = [];
  const rsl = req.resourceSpans;
  for (let i = 0; i < rsl.length; i++) {
    const rs = rsl[i]!;
    const scopeSpans: ScopeSpans[] = [];
    for (let j = 0; j < rs.scopeSpans.length; j++) {
      const ss = rs.scopeSpans[j]!;
      const spans: Span[] = [];
      for (let k = 0; k < ss.spans.length; k++) {
        const idx = ledger.next();
        const span = spanFromProto(ss.spans[k]!);
        const bad = spanIdProblem(span);
        if (bad) {
          ledger.reject(idx, `resourceSpans[${i}].scopeSpans[${j}].spans[${k}].${bad[0]}`, bad[1]);
          continue;
        }
        restoreSpanIds(span);
        spans.push(span);
        ledger.accepted++;
      }
      scopeSpans.push(withSchema<ScopeSpans>({ scope: scopeFromProto(ss.scope), spans }, ss.schemaUrl));
    }
    out.push(withSchema<ResourceSpans>({ resource: resourceFromProto(rs.resource), scopeSpans }, rs.schemaUrl));
  }
  return ledger.result({ traces: out });
}

export function decodeMetricsProto(body: Uint8Array, limits: DecodeLimits): DecodeResult {
  const req = decodeMessage<{ resourceMetrics: PResourceMetrics[] }>(otlpDecodeTypes().metricsRequest, body, 'ExportMetricsServiceRequest', limits);
  const ledger = new ItemLedger(limits.maxItems, 'data points');
  const out: ResourceMetrics[] = [];
  const rml = req.resourceMetrics;
  for (let i = 0; i < rml.length; i++) {
    const rm = rml[i]!;
    const scopeMetrics: ScopeMetrics[] = [];
    for (let j = 0; j < rm.scopeMetrics.length; j++) {
      const sm = rm.scopeMetrics[j]!;
      const metrics: Metric[] = [];
      for (let k = 0; k < sm.metrics.length; k++) {
        const m = metricFromProto(sm.metrics[k]!, ledger, `resourceMetrics[${i}].scopeMetrics[${j}].metrics[${k}]`);
        if (m) metrics.push(m);
      }
      scopeMetrics.push(withSchema<ScopeMetrics>({ scope: scopeFromProto(sm.scope), metrics }, sm.schemaUrl));
    }
    out.push(withSchema<ResourceMetrics>({ resource: resourceFromProto(rm.resource), scopeMetrics }, rm.schemaUrl));
  }
  return ledger.result({ metrics: out });
}

export function decodeLogsProto(body: Uint8Array, limits: DecodeLimits): DecodeResult {
  const req = decodeMessage<{ resourceLogs: PResourceLogs[] }>(otlpDecodeTypes().logsRequest, body, 'ExportLogsServiceRequest', limits);
  const ledger = new ItemLedger(limits.maxItems, 'log records');
  const out: ResourceLogs[] = [];
  const rll = req.resourceLogs;
  for (let i = 0; i < rll.length; i++) {
    const rl = rll[i]!;
    const scopeLogs: ScopeLogs[] = [];
    for (let j = 0; j < rl.scopeLogs.length; j++) {
      const sl = rl.scopeLogs[j]!;
      const logRecords: LogRecord[] = [];
      for (let k = 0; k < sl.logRecords.length; k++) {
        const idx = ledger.next();
        const r = logFromProto(sl.logRecords[k]!);
        const bad = logIdProblem(r);
        if (bad) {
          ledger.reject(idx, `resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}].${bad[0]}`, bad[1]);
          continue;
        }
        restoreLogIds(r);
        logRecords.push(r);
        ledger.accepted++;
      }
      scopeLogs.push(withSchema<ScopeLogs>({ scope: scopeFromProto(sl.scope), logRecords }, sl.schemaUrl));
    }
    out.push(withSchema<ResourceLogs>({ resource: resourceFromProto(rl.resource), scopeLogs }, rl.schemaUrl));
  }
  return ledger.result({ logs: out });
}

// ---- pieces ----

function withSchema<T extends { schemaUrl?: string }>(o: T, schemaUrl: string): T {
  if (schemaUrl) o.schemaUrl = schemaUrl;
  return o;
}

const has = Object.prototype.hasOwnProperty;

/** The `value` oneof of number points and exemplars, read by own property (see decode-attributes.ts). */
function numberOf(p: { asDouble: number; asInt: L }): number | bigint {
  if (has.call(p, 'asDouble')) return p.asDouble;
  if (has.call(p, 'asInt')) return i64(p.asInt);
  return 0;
}

/** KeyValues arrive already decoded into model values by the patched KeyValue decoder. */
export function attrsFromProto(kvs: DecodedKeyValue[]): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i]!;
    setAttr(out, kv.key, kv.value);
  }
  return out;
}

function resourceFromProto(r: PResource | null): Resource {
  if (!r) return { attributes: {} };
  const out: Resource = { attributes: attrsFromProto(r.attributes) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scopeFromProto(s: PScope | null): InstrumentationScope {
  if (!s) return { name: '' };
  const out: InstrumentationScope = { name: s.name };
  if (s.version) out.version = s.version;
  if (s.attributes.length) out.attributes = attrsFromProto(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function spanFromProto(s: PSpan): Span {
  const span: Span = {
    traceId: toHex(s.traceId),
    spanId: toHex(s.spanId),
    name: s.name,
    kind: s.kind as SpanKind,
    startTimeUnixNano: u64(s.startTimeUnixNano),
    endTimeUnixNano: u64(s.endTimeUnixNano),
    attributes: attrsFromProto(s.attributes),
    events: s.events.length ? s.events.map(eventFromProto) : [],
    links: s.links.length ? s.links.map(linkFromProto) : [],
    status: s.status ? statusFromProto(s.status) : { code: 0 },
  };
  if (s.parentSpanId.length) span.parentSpanId = toHex(s.parentSpanId);
  if (s.traceState) span.traceState = s.traceState;
  if (s.flags) span.flags = s.flags;
  if (s.droppedAttributesCount) span.droppedAttributesCount = s.droppedAttributesCount;
  if (s.droppedEventsCount) span.droppedEventsCount = s.droppedEventsCount;
  if (s.droppedLinksCount) span.droppedLinksCount = s.droppedLinksCount;
  return span;
}

function statusFromProto(st: { message: string; code: number }): Span['status'] {
  const out: Span['status'] = { code: st.code as StatusCode };
  if (st.message) out.message = st.message;
  return out;
}

function eventFromProto(e: PEvent): SpanEvent {
  const out: SpanEvent = { timeUnixNano: u64(e.timeUnixNano), name: e.name, attributes: attrsFromProto(e.attributes) };
  if (e.droppedAttributesCount) out.droppedAttributesCount = e.droppedAttributesCount;
  return out;
}

function linkFromProto(l: PLink): SpanLink {
  const out: SpanLink = { traceId: toHex(l.traceId), spanId: toHex(l.spanId), attributes: attrsFromProto(l.attributes) };
  if (l.traceState) out.traceState = l.traceState;
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  return out;
}

function logFromProto(r: PLogRecord): LogRecord {
  const out: LogRecord = { timeUnixNano: u64(r.timeUnixNano), attributes: attrsFromProto(r.attributes) };
  const observed = u64(r.observedTimeUnixNano);
  if (observed !== 0n) out.observedTimeUnixNano = observed;
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  // An absent body stays undefined; a present but empty AnyValue is the empty value (null).
  if (r.body != null) out.body = r.body.value;
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.flags) out.flags = r.flags;
  if (r.traceId.length) out.traceId = toHex(r.traceId);
  if (r.spanId.length) out.spanId = toHex(r.spanId);
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

// ---- metrics ----

function metricFromProto(m: PMetric, ledger: ItemLedger, path: string): Metric | undefined {
  let data: MetricData;
  // Each data point is an item; a point with a bad exemplar id is rejected alone.
  const keep = <P extends object>(pts: P[], k: string): P[] => {
    const kept: P[] = [];
    for (let i = 0; i < pts.length; i++) {
      const idx = ledger.next();
      const p = pts[i]!;
      const bad = checkExemplars((p as { exemplars?: Exemplar[] }).exemplars);
      if (bad) {
        ledger.reject(idx, `${path}.${k}.dataPoints[${i}].exemplars[${bad[0]}].${bad[1]}`, bad[2]);
        continue;
      }
      kept.push(p);
      ledger.accepted++;
    }
    return kept;
  };
  // Message fields default to null on the prototype, so a non-null one is the oneof member set.
  const kind = m.gauge != null ? 'gauge' : m.sum != null ? 'sum' : m.histogram != null ? 'histogram'
    : m.exponentialHistogram != null ? 'exponentialHistogram' : m.summary != null ? 'summary' : undefined;
  switch (kind) {
    case 'gauge':
      data = { type: 'gauge', dataPoints: keep(m.gauge!.dataPoints.map(numberPointFromProto), 'gauge') };
      break;
    case 'sum': {
      const s = m.sum!;
      data = {
        type: 'sum', dataPoints: keep(s.dataPoints.map(numberPointFromProto), 'sum'),
        aggregationTemporality: s.aggregationTemporality as Temporality, isMonotonic: s.isMonotonic,
      };
      break;
    }
    case 'histogram': {
      const h = m.histogram!;
      data = { type: 'histogram', dataPoints: keep(h.dataPoints.map(histPointFromProto), 'histogram'), aggregationTemporality: h.aggregationTemporality as Temporality };
      break;
    }
    case 'exponentialHistogram': {
      const h = m.exponentialHistogram!;
      data = {
        type: 'exponentialHistogram', dataPoints: keep(h.dataPoints.map(expPointFromProto), 'exponentialHistogram'),
        aggregationTemporality: h.aggregationTemporality as Temporality,
      };
      break;
    }
    case 'summary':
      data = { type: 'summary', dataPoints: keep(m.summary!.dataPoints.map(summaryPointFromProto), 'summary') };
      break;
    default:
      // A metric with no data type cannot be represented anywhere; say so rather than drop it quietly.
      ledger.reject(ledger.next(), `${path}.data`, `is required (metric "${m.name}" has none of gauge, sum, histogram, exponentialHistogram, summary)`);
      return undefined;
  }
  const out: Metric = { name: m.name, data };
  if (m.description) out.description = m.description;
  if (m.unit) out.unit = m.unit;
  if (m.metadata.length) out.metadata = attrsFromProto(m.metadata);
  return out;
}

function checkExemplars(ex: Exemplar[] | undefined): [number, string, string] | undefined {
  if (!ex) return undefined;
  for (let i = 0; i < ex.length; i++) {
    const e = ex[i]!;
    const bad = exemplarIdProblem(e);
    if (bad) return [i, bad[0], bad[1]];
    restoreExemplarIds(e);
  }
  return undefined;
}

/** Fills the fields every point kind shares. */
function pointBase<T extends { attributes: Attributes; timeUnixNano: bigint; startTimeUnixNano?: bigint; flags?: number; exemplars?: Exemplar[] }>(
  p: PPointBase, out: T,
): T {
  const start = u64(p.startTimeUnixNano);
  if (start !== 0n) out.startTimeUnixNano = start;
  if (p.flags) out.flags = p.flags;
  if (p.exemplars && p.exemplars.length) out.exemplars = p.exemplars.map(exemplarFromProto);
  return out;
}

function numberPointFromProto(p: PNumberPoint): NumberDataPoint {
  const out = pointBase(p, {
    attributes: attrsFromProto(p.attributes),
    timeUnixNano: u64(p.timeUnixNano),
    value: numberOf(p),
  } as NumberDataPoint);
  // OTLP's "no recorded value" flag is how the Collector carries Prometheus' stale marker.
  if ((p.flags & 1) !== 0) out.stale = true;
  return out;
}

function histPointFromProto(p: PHistPoint): HistogramDataPoint {
  const out = pointBase(p, {
    attributes: attrsFromProto(p.attributes),
    timeUnixNano: u64(p.timeUnixNano),
    count: u64Number(p.count),
    bucketCounts: p.bucketCounts.map(u64Number),
    explicitBounds: p.explicitBounds.slice(),
  } as HistogramDataPoint);
  if (p.sum != null) out.sum = p.sum;
  if (p.min != null) out.min = p.min;
  if (p.max != null) out.max = p.max;
  return out;
}

function bucketsFromProto(b: PBuckets): ExponentialHistogramBuckets {
  return { offset: b.offset, bucketCounts: b.bucketCounts.map(u64Number) };
}

function expPointFromProto(p: PExpPoint): ExponentialHistogramDataPoint {
  const out = pointBase(p, {
    attributes: attrsFromProto(p.attributes),
    timeUnixNano: u64(p.timeUnixNano),
    count: u64Number(p.count),
    scale: p.scale,
    zeroCount: u64Number(p.zeroCount),
  } as ExponentialHistogramDataPoint);
  if (p.sum != null) out.sum = p.sum;
  if (p.positive) out.positive = bucketsFromProto(p.positive);
  if (p.negative) out.negative = bucketsFromProto(p.negative);
  if (p.min != null) out.min = p.min;
  if (p.max != null) out.max = p.max;
  if (p.zeroThreshold) out.zeroThreshold = p.zeroThreshold;
  return out;
}

function summaryPointFromProto(p: PSummaryPoint): SummaryDataPoint {
  const out = pointBase(p, {
    attributes: attrsFromProto(p.attributes),
    timeUnixNano: u64(p.timeUnixNano),
    count: u64Number(p.count),
    sum: p.sum,
    quantileValues: p.quantileValues.map((q) => ({ quantile: q.quantile, value: q.value })),
  } as SummaryDataPoint);
  return out;
}

function exemplarFromProto(e: PExemplar): Exemplar {
  const out: Exemplar = {
    timeUnixNano: u64(e.timeUnixNano),
    value: numberOf(e),
    filteredAttributes: attrsFromProto(e.filteredAttributes),
  };
  if (e.spanId.length) out.spanId = toHex(e.spanId);
  if (e.traceId.length) out.traceId = toHex(e.traceId);
  return out;
}
