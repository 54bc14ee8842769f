/**
 * OTLP/JSON → model, following the OTLP/JSON rules: trace and span ids are hex (not base64),
 * 64-bit integers come as decimal strings or numbers, enums as integers (names accepted too),
 * bytes as base64, doubles may be "NaN"/"Infinity"/"-Infinity", keys are lowerCamelCase and the
 * snake_case proto names are accepted as well. A field of the wrong type refuses the request
 * (400 naming the field); a bad id rejects only its item (partial success).
 */
import { fail } from '../errors.js';
import { asObject, isObject, parseJsonBody, typeName, type JsonObject } from '../json.js';
import type { DecodeLimits, DecodeResult } from '../types.js';
import {
  KeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramBuckets, type ExponentialHistogramDataPoint,
  type HistogramDataPoint, type InstrumentationScope, type LogRecord, type Metric, type MetricData, type NumberDataPoint, type Resource,
  type ResourceLogs, type ResourceMetrics, type ResourceSpans, type ScopeLogs, type ScopeMetrics, type ScopeSpans, type Span,
  type SpanEvent, type SpanKind, type SpanLink, type StatusCode, type SummaryDataPoint, type Temporality, type Telemetry,
} from '../../model/index.js';
import {
  ItemLedger, exemplarIdProblem, logIdProblem, restoreExemplarIds, restoreLogIds, restoreSpanIds, setAttr, spanIdProblem,
} from './decode-shared.js';
import { otlpTypes } from './proto-loader.js';
import { fromBase64 } from './wire.js';

// ---- entry points ----

export function decodeTracesJson(body: Buffer | Uint8Array, limits: DecodeLimits): DecodeResult {
  return tracesFromJson(requestObject(body, limits), limits);
}

export function decodeMetricsJson(body: Buffer | Uint8Array, limits: DecodeLimits): DecodeResult {
  return metricsFromJson(requestObject(body, limits), limits);
}

export function decodeLogsJson(body: Buffer | Uint8Array, limits: DecodeLimits): DecodeResult {
  return logsFromJson(requestObject(body, limits), limits);
}

/** Any OTLP/JSON request (or `TracesData`-style file): each signal key present is decoded. */
export function decodeAnyJson(body: Buffer | Uint8Array, limits: DecodeLimits): DecodeResult {
  const o = requestObject(body, limits);
  const telemetry: Telemetry = {};
  let accepted = 0;
  const rejected: DecodeResult['rejected'] = [];
  const add = (r: DecodeResult): void => {
    Object.assign(telemetry, r.telemetry);
    accepted += r.accepted;
    rejected.push(...r.rejected);
  };
  if (pick(o, 'resourceSpans', 'resource_spans') !== undefined) add(tracesFromJson(o, limits));
  if (pick(o, 'resourceMetrics', 'resource_metrics') !== undefined) add(metricsFromJson(o, limits));
  if (pick(o, 'resourceLogs', 'resource_logs') !== undefined) add(logsFromJson(o, limits));
  return { telemetry, accepted, rejected };
}

function requestObject(body: Buffer | Uint8Array, limits: DecodeLimits): JsonObject {
  const v = parseJsonBody(body, limits);
  if (!isObject(v)) fail('', `body must be a JSON object, got ${typeName(v)}`);
  return v;
}

// ---- field access: camelCase first, then the proto's snake_case name ----

/** A field's path: `a.b`, or just `b` at the top of the request. */
function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function pick(o: JsonObject, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function list(o: JsonObject, camel: string, snake: string, path: string): unknown[] {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return EMPTY;
  if (!Array.isArray(v)) fail(at(path, camel), `must be an array, got ${typeName(v)}`);
  return v;
}
const EMPTY: unknown[] = [];

function obj(o: JsonObject, camel: string, snake: string, path: string): JsonObject | undefined {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(at(path, camel), `must be an object, got ${typeName(v)}`);
  return v;
}

function str(o: JsonObject, camel: string, snake: string, path: string): string {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(at(path, camel), `must be a string, got ${typeName(v)}`);
  return v;
}

function bool(o: JsonObject, camel: string, snake: string, path: string): boolean {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(at(path, camel), `must be a boolean, got ${typeName(v)}`);
  return v;
}

const INT_RE = /^-?\d+$/;

/**
 * A client's value quoted in an error message, cut to a readable length: the message names the
 * field, it must not echo a multi-megabyte string back (or into a log line).
 */
export function quoted(v: string, max = 64): string {
  return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v) + (v.length > max ? ` (${v.length} characters)` : '');
}

function significantDigits(v: string): number {
  let i = v.charCodeAt(0) === 0x2d /* - */ ? 1 : 0;
  while (i < v.length - 1 && v.charCodeAt(i) === 0x30 /* 0 */) i++;
  return v.length - i;
}

/** A 32-bit integer field (counts, flags, scale, offsets): a JSON number or a decimal string. */
function int32(v: unknown, field: string, unsigned: boolean): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_RE.test(v)) n = Number(v);
  else fail(field, `must be an integer, got ${typeName(v)}`);
  if (!Number.isInteger(n) || (unsigned ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff)) {
    fail(field, `must be a ${unsigned ? 'uint32' : 'int32'}, got ${typeof v === 'string' ? quoted(v) : v}`);
  }
  return n;
}

function u32(o: JsonObject, camel: string, snake: string, path: string): number {
  const v = pick(o, camel, snake);
  return v === undefined || v === null ? 0 : int32(v, at(path, camel), true);
}

/** A 64-bit integer: decimal string (the OTLP/JSON form) or an integral number. */
function int64(v: unknown, field: string, unsigned: boolean): bigint {
  let b: bigint;
  if (typeof v === 'string' && INT_RE.test(v)) {
    // No 64-bit value has more than 20 significant digits, and BigInt() of a long digit string
    // takes time quadratic in its length (4 M digits: seconds of a blocked event loop).
    if (significantDigits(v) > 20) fail(field, `is out of range for ${unsigned ? 'uint64' : 'int64'}`);
    b = BigInt(v);
  } else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else fail(field, `must be an integer or a decimal string, got ${typeof v === 'string' ? quoted(v) : typeName(v)}`);
  if (unsigned ? b < 0n || b > 0xffffffffffffffffn : b < -0x8000000000000000n || b > 0x7fffffffffffffffn) {
    fail(field, `is out of range for ${unsigned ? 'uint64' : 'int64'}`);
  }
  return b;
}

function u64(o: JsonObject, camel: string, snake: string, path: string): bigint {
  const v = pick(o, camel, snake);
  return v === undefined || v === null ? 0n : int64(v, at(path, camel), true);
}

function u64num(o: JsonObject, camel: string, snake: string, path: string): number {
  return Number(u64(o, camel, snake, path));
}

/** A double: a JSON number, or one of the proto3 JSON strings ("NaN", "Infinity", "1.5"). */
function double(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return fail(field, `must be a number, got ${typeof v === 'string' ? quoted(v) : typeName(v)}`);
}

function optDouble(o: JsonObject, camel: string, snake: string, path: string): number | undefined {
  const v = pick(o, camel, snake);
  return v === undefined || v === null ? undefined : double(v, at(path, camel));
}

/** An enum: its integer (the OTLP/JSON form) or its name. */
function enumValue(o: JsonObject, camel: string, snake: string, path: string, enumName: string): number {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && !INT_RE.test(v)) {
    const n = enumValues(enumName)[v];
    if (n === undefined) fail(at(path, camel), `is not a known ${enumName.split('.').pop()} name: ${quoted(v)}`);
    return n;
  }
  return int32(v, at(path, camel), false);
}

const enumCache = new Map<string, Record<string, number>>();
function enumValues(name: string): Record<string, number> {
  let e = enumCache.get(name);
  if (!e) enumCache.set(name, (e = otlpTypes().root.lookupEnum(name).values));
  return e;
}

/** An id: hex text, lowercased. Non-hex text is kept as is so that the id check rejects the item. */
function hexId(o: JsonObject, camel: string, snake: string, path: string): string {
  const v = str(o, camel, snake, path);
  if (v === '') return v;
  const lower = v.toLowerCase();
  return /^[0-9a-f]*$/.test(lower) ? lower : NOT_HEX + v;
}
/** Marks an id that is not hex, so that the item is rejected naming it (see nonHexId). */
const NOT_HEX = '\u0000';


// ---- common ----

export function anyFromJson(v: unknown, path: string): AnyValue {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) fail(path, `must be an AnyValue object, got ${typeName(v)}`);
  for (const k in v) {
    const x = v[k];
    switch (k) {
      case 'stringValue': case 'string_value':
        if (typeof x !== 'string') fail(`${path}.stringValue`, `must be a string, got ${typeName(x)}`);
        return x;
      case 'boolValue': case 'bool_value':
        if (typeof x !== 'boolean') fail(`${path}.boolValue`, `must be a boolean, got ${typeName(x)}`);
        return x;
      case 'intValue': case 'int_value':
        return int64(x, `${path}.intValue`, false);
      case 'doubleValue': case 'double_value':
        return double(x, `${path}.doubleValue`);
      case 'arrayValue': case 'array_value': {
        const a = asObject(x, `${path}.arrayValue`);
        const vals = list(a, 'values', 'values', `${path}.arrayValue`);
        const out: AnyValue[] = new Array(vals.length);
        for (let i = 0; i < vals.length; i++) out[i] = anyFromJson(vals[i], `${path}.arrayValue.values[${i}]`);
        return out;
      }
      case 'kvlistValue': case 'kvlist_value': {
        const a = asObject(x, `${path}.kvlistValue`);
        return new KeyValueList(attrsFromJson(list(a, 'values', 'values', `${path}.kvlistValue`), `${path}.kvlistValue.values`));
      }
      case 'bytesValue': case 'bytes_value': {
        if (typeof x !== 'string') fail(`${path}.bytesValue`, `must be a base64 string, got ${typeName(x)}`);
        const b = fromBase64(x);
        if (!b) fail(`${path}.bytesValue`, 'must be base64');
        return b;
      }
    }
  }
  // No known value field: the empty value.
  return null;
}

/** `path` names the list (`...spans[0].attributes`). */
export function attrsFromJson(kvs: unknown[], path: string): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    if (!isObject(kv)) fail(`${path}[${i}]`, `must be a KeyValue object, got ${typeName(kv)}`);
    const key = kv.key;
    if (typeof key !== 'string') fail(`${path}[${i}].key`, key === undefined ? 'is required' : `must be a string, got ${typeName(key)}`);
    const value = kv.value;
    setAttr(out, key, value === undefined || value === null ? null : anyFromJson(value, `${path}[${i}].value`));
  }
  return out;
}

function attrsOf(o: JsonObject, camel: string, snake: string, path: string): Attributes {
  const l = list(o, camel, snake, path);
  return l.length ? attrsFromJson(l, `${path}.${camel}`) : {};
}

function resourceFromJson(o: JsonObject, path: string): Resource {
  const r = obj(o, 'resource', 'resource', path);
  if (!r) return { attributes: {} };
  const p = `${path}.resource`;
  const out: Resource = { attributes: attrsOf(r, 'attributes', 'attributes', p) };
  const d = u32(r, 'droppedAttributesCount', 'dropped_attributes_count', p);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function scopeFromJson(o: JsonObject, path: string): InstrumentationScope {
  const s = obj(o, 'scope', 'scope', path);
  if (!s) return { name: '' };
  const p = `${path}.scope`;
  const out: InstrumentationScope = { name: str(s, 'name', 'name', p) };
  const version = str(s, 'version', 'version', p);
  if (version) out.version = version;
  const attrs = list(s, 'attributes', 'attributes', p);
  if (attrs.length) out.attributes = attrsFromJson(attrs, `${p}.attributes`);
  const d = u32(s, 'droppedAttributesCount', 'dropped_attributes_count', p);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function schemaOf<T extends { schemaUrl?: string }>(target: T, o: JsonObject, path: string): T {
  const url = str(o, 'schemaUrl', 'schema_url', path);
  if (url) target.schemaUrl = url;
  return target;
}

function element(v: unknown, path: string): JsonObject {
  if (!isObject(v)) fail(path, `must be an object, got ${typeName(v)}`);
  return v;
}

/** Reports a non-hex id of an item as that item's rejection; returns true when one was found. */
function nonHexId(ledger: ItemLedger, idx: number, path: string, fields: [string, string | undefined][]): boolean {
  for (const [name, id] of fields) {
    if (id !== undefined && id.startsWith(NOT_HEX)) {
      ledger.reject(idx, `${path}.${name}`, `must be hex, got ${quoted(id.slice(1))}`);
      return true;
    }
  }
  return false;
}

// ---- traces ----

/** Cheap pre-check so that the common, valid span allocates nothing for the non-hex report. */
function spanHasNonHex(s: Span): boolean {
  if (s.traceId.startsWith(NOT_HEX) || s.spanId.startsWith(NOT_HEX) || s.parentSpanId?.startsWith(NOT_HEX)) return true;
  for (const l of s.links) if (l.traceId.startsWith(NOT_HEX) || l.spanId.startsWith(NOT_HEX)) return true;
  return false;
}

function tracesFromJson(req: JsonObject, limits: DecodeLimits): DecodeResult {
  const ledger = new ItemLedger(limits.maxItems, 'spans');
  const out: ResourceSpans[] = [];
  const rsl = list(req, 'resourceSpans', 'resource_spans', '');
  for (let i = 0; i < rsl.length; i++) {
    const rp = `resourceSpans[${i}]`;
    const rs = element(rsl[i], rp);
    const scopeSpans: ScopeSpans[] = [];
    const ssl = list(rs, 'scopeSpans', 'scope_spans', rp);
    for (let j = 0; j < ssl.length; j++) {
      const sp = `${rp}.scopeSpans[${j}]`;
      const ss = element(ssl[j], sp);
      const spans: Span[] = [];
      const sl = list(ss, 'spans', 'spans', sp);
      for (let k = 0; k < sl.length; k++) {
        const idx = ledger.next();
        const path = `${sp}.spans[${k}]`;
        const span = spanFromJson(element(sl[k], path), path);
        if (spanHasNonHex(span) && nonHexId(ledger, idx, path, [['traceId', span.traceId], ['spanId', span.spanId], ['parentSpanId', span.parentSpanId],
          ...span.links.flatMap((l, n): [string, string][] => [[`links[${n}].traceId`, l.traceId], [`links[${n}].spanId`, l.spanId]])])) continue;
        const bad = spanIdProblem(span);
        if (bad) {
          ledger.reject(idx, `${path}.${bad[0]}`, bad[1]);
          continue;
        }
        restoreSpanIds(span);
        spans.push(span);
        ledger.accepted++;
      }
      scopeSpans.push(schemaOf<ScopeSpans>({ scope: scopeFromJson(ss, sp), spans }, ss, sp));
    }
    out.push(schemaOf<ResourceSpans>({ resource: resourceFromJson(rs, rp), scopeSpans }, rs, rp));
  }
  return ledger.result({ traces: out });
}

function spanFromJson(s: JsonObject, path: string): Span {
  const statusObj = obj(s, 'status', 'status', path);
  const span: Span = {
    traceId: hexId(s, 'traceId', 'trace_id', path),
    spanId: hexId(s, 'spanId', 'span_id', path),
    name: str(s, 'name', 'name', path),
    kind: enumValue(s, 'kind', 'kind', path, 'opentelemetry.proto.trace.v1.Span.SpanKind') as SpanKind,
    startTimeUnixNano: u64(s, 'startTimeUnixNano', 'start_time_unix_nano', path),
    endTimeUnixNano: u64(s, 'endTimeUnixNano', 'end_time_unix_nano', path),
    attributes: attrsOf(s, 'attributes', 'attributes', path),
    events: list(s, 'events', 'events', path).map((e, n) => eventFromJson(element(e, `${path}.events[${n}]`), `${path}.events[${n}]`)),
    links: list(s, 'links', 'links', path).map((l, n) => linkFromJson(element(l, `${path}.links[${n}]`), `${path}.links[${n}]`)),
    status: { code: 0 },
  };
  const parent = hexId(s, 'parentSpanId', 'parent_span_id', path);
  if (parent) span.parentSpanId = parent;
  const traceState = str(s, 'traceState', 'trace_state', path);
  if (traceState) span.traceState = traceState;
  const flags = u32(s, 'flags', 'flags', path);
  if (flags) span.flags = flags;
  const da = u32(s, 'droppedAttributesCount', 'dropped_attributes_count', path);
  if (da) span.droppedAttributesCount = da;
  const de = u32(s, 'droppedEventsCount', 'dropped_events_count', path);
  if (de) span.droppedEventsCount = de;
  const dl = u32(s, 'droppedLinksCount', 'dropped_links_count', path);
  if (dl) span.droppedLinksCount = dl;
  if (statusObj) {
    const sp = `${path}.status`;
    span.status.code = enumValue(statusObj, 'code', 'code', sp, 'opentelemetry.proto.trace.v1.Status.StatusCode') as StatusCode;
    const message = str(statusObj, 'message', 'message', sp);
    if (message) span.status.message = message;
  }
  return span;
}

function eventFromJson(e: JsonObject, path: string): SpanEvent {
  const out: SpanEvent = {
    timeUnixNano: u64(e, 'timeUnixNano', 'time_unix_nano', path),
    name: str(e, 'name', 'name', path),
    attributes: attrsOf(e, 'attributes', 'attributes', path),
  };
  const d = u32(e, 'droppedAttributesCount', 'dropped_attributes_count', path);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function linkFromJson(l: JsonObject, path: string): SpanLink {
  const out: SpanLink = {
    traceId: hexId(l, 'traceId', 'trace_id', path),
    spanId: hexId(l, 'spanId', 'span_id', path),
    attributes: attrsOf(l, 'attributes', 'attributes', path),
  };
  const ts = str(l, 'traceState', 'trace_state', path);
  if (ts) out.traceState = ts;
  const d = u32(l, 'droppedAttributesCount', 'dropped_attributes_count', path);
  if (d) out.droppedAttributesCount = d;
  const flags = u32(l, 'flags', 'flags', path);
  if (flags) out.flags = flags;
  return out;
}

// ---- logs ----

function logsFromJson(req: JsonObject, limits: DecodeLimits): DecodeResult {
  const ledger = new ItemLedger(limits.maxItems, 'log records');
  const out: ResourceLogs[] = [];
  const rll = list(req, 'resourceLogs', 'resource_logs', '');
  for (let i = 0; i < rll.length; i++) {
    const rp = `resourceLogs[${i}]`;
    const rl = element(rll[i], rp);
    const scopeLogs: ScopeLogs[] = [];
    const sll = list(rl, 'scopeLogs', 'scope_logs', rp);
    for (let j = 0; j < sll.length; j++) {
      const sp = `${rp}.scopeLogs[${j}]`;
      const sl = element(sll[j], sp);
      const logRecords: LogRecord[] = [];
      const recs = list(sl, 'logRecords', 'log_records', sp);
      for (let k = 0; k < recs.length; k++) {
        const idx = ledger.next();
        const path = `${sp}.logRecords[${k}]`;
        const r = logFromJson(element(recs[k], path), path);
        if (nonHexId(ledger, idx, path, [['traceId', r.traceId], ['spanId', r.spanId]])) continue;
        const bad = logIdProblem(r);
        if (bad) {
          ledger.reject(idx, `${path}.${bad[0]}`, bad[1]);
          continue;
        }
        restoreLogIds(r);
        logRecords.push(r);
        ledger.accepted++;
      }
      scopeLogs.push(schemaOf<ScopeLogs>({ scope: scopeFromJson(sl, sp), logRecords }, sl, sp));
    }
    out.push(schemaOf<ResourceLogs>({ resource: resourceFromJson(rl, rp), scopeLogs }, rl, rp));
  }
  return ledger.result({ logs: out });
}

function logFromJson(r: JsonObject, path: string): LogRecord {
  const out: LogRecord = {
    timeUnixNano: u64(r, 'timeUnixNano', 'time_unix_nano', path),
    attributes: attrsOf(r, 'attributes', 'attributes', path),
  };
  const observed = u64(r, 'observedTimeUnixNano', 'observed_time_unix_nano', path);
  if (observed !== 0n) out.observedTimeUnixNano = observed;
  const sev = enumValue(r, 'severityNumber', 'severity_number', path, 'opentelemetry.proto.logs.v1.SeverityNumber');
  if (sev) out.severityNumber = sev;
  const sevText = str(r, 'severityText', 'severity_text', path);
  if (sevText) out.severityText = sevText;
  const body = pick(r, 'body', 'body');
  if (body !== undefined && body !== null) out.body = anyFromJson(body, `${path}.body`);
  const d = u32(r, 'droppedAttributesCount', 'dropped_attributes_count', path);
  if (d) out.droppedAttributesCount = d;
  const flags = u32(r, 'flags', 'flags', path);
  if (flags) out.flags = flags;
  const traceId = hexId(r, 'traceId', 'trace_id', path);
  if (traceId) out.traceId = traceId;
  const spanId = hexId(r, 'spanId', 'span_id', path);
  if (spanId) out.spanId = spanId;
  const eventName = str(r, 'eventName', 'event_name', path);
  if (eventName) out.eventName = eventName;
  return out;
}

// ---- metrics ----

function metricsFromJson(req: JsonObject, limits: DecodeLimits): DecodeResult {
  const ledger = new ItemLedger(limits.maxItems, 'data points');
  const out: ResourceMetrics[] = [];
  const rml = list(req, 'resourceMetrics', 'resource_metrics', '');
  for (let i = 0; i < rml.length; i++) {
    const rp = `resourceMetrics[${i}]`;
    const rm = element(rml[i], rp);
    const scopeMetrics: ScopeMetrics[] = [];
    const sml = list(rm, 'scopeMetrics', 'scope_metrics', rp);
    for (let j = 0; j < sml.length; j++) {
      const sp = `${rp}.scopeMetrics[${j}]`;
      const sm = element(sml[j], sp);
      const metrics: Metric[] = [];
      const ml = list(sm, 'metrics', 'metrics', sp);
      for (let k = 0; k < ml.length; k++) {
        const path = `${sp}.metrics[${k}]`;
        const m = metricFromJson(element(ml[k], path), path, ledger);
        if (m) metrics.push(m);
      }
      scopeMetrics.push(schemaOf<ScopeMetrics>({ scope: scopeFromJson(sm, sp), metrics }, sm, sp));
    }
    out.push(schemaOf<ResourceMetrics>({ resource: resourceFromJson(rm, rp), scopeMetrics }, rm, rp));
  }
  return ledger.result({ metrics: out });
}

const TEMPORALITY = 'opentelemetry.proto.metrics.v1.AggregationTemporality';

function metricFromJson(m: JsonObject, path: string, ledger: ItemLedger): Metric | undefined {
  const points = <P>(d: JsonObject, dp: string, read: (o: JsonObject, p: string) => P): P[] => {
    const kept: P[] = [];
    const l = list(d, 'dataPoints', 'data_points', dp);
    for (let i = 0; i < l.length; i++) {
      const idx = ledger.next();
      const pp = `${dp}.dataPoints[${i}]`;
      const point = read(element(l[i], pp), pp);
      const bad = exemplarProblem((point as { exemplars?: Exemplar[] }).exemplars);
      if (bad) {
        ledger.reject(idx, `${pp}.exemplars[${bad[0]}].${bad[1]}`, bad[2]);
        continue;
      }
      kept.push(point);
      ledger.accepted++;
    }
    return kept;
  };
  let data: MetricData | undefined;
  let d: JsonObject | undefined;
  if ((d = obj(m, 'gauge', 'gauge', path))) {
    data = { type: 'gauge', dataPoints: points(d, `${path}.gauge`, numberPointFromJson) };
  } else if ((d = obj(m, 'sum', 'sum', path))) {
    const p = `${path}.sum`;
    data = {
      type: 'sum', dataPoints: points(d, p, numberPointFromJson),
      aggregationTemporality: enumValue(d, 'aggregationTemporality', 'aggregation_temporality', p, TEMPORALITY) as Temporality,
      isMonotonic: bool(d, 'isMonotonic', 'is_monotonic', p),
    };
  } else if ((d = obj(m, 'histogram', 'histogram', path))) {
    const p = `${path}.histogram`;
    data = {
      type: 'histogram', dataPoints: points(d, p, histPointFromJson),
      aggregationTemporality: enumValue(d, 'aggregationTemporality', 'aggregation_temporality', p, TEMPORALITY) as Temporality,
    };
  } else if ((d = obj(m, 'exponentialHistogram', 'exponential_histogram', path))) {
    const p = `${path}.exponentialHistogram`;
    data = {
      type: 'exponentialHistogram', dataPoints: points(d, p, expPointFromJson),
      aggregationTemporality: enumValue(d, 'aggregationTemporality', 'aggregation_temporality', p, TEMPORALITY) as Temporality,
    };
  } else if ((d = obj(m, 'summary', 'summary', path))) {
    data = { type: 'summary', dataPoints: points(d, `${path}.summary`, summaryPointFromJson) };
  }
  const name = str(m, 'name', 'name', path);
  if (!data) {
    ledger.reject(ledger.next(), `${path}.data`, `is required (metric "${name}" has none of gauge, sum, histogram, exponentialHistogram, summary)`);
    return undefined;
  }
  const out: Metric = { name, data };
  const description = str(m, 'description', 'description', path);
  if (description) out.description = description;
  const unit = str(m, 'unit', 'unit', path);
  if (unit) out.unit = unit;
  const md = list(m, 'metadata', 'metadata', path);
  if (md.length) out.metadata = attrsFromJson(md, `${path}.metadata`);
  return out;
}

function exemplarProblem(ex: Exemplar[] | undefined): [number, string, string] | undefined {
  if (!ex) return undefined;
  for (let i = 0; i < ex.length; i++) {
    const e = ex[i]!;
    for (const [name, id] of [['traceId', e.traceId], ['spanId', e.spanId]] as const) {
      if (id !== undefined && id.startsWith(NOT_HEX)) return [i, name, `must be hex, got ${quoted(id.slice(1))}`];
    }
    const bad = exemplarIdProblem(e);
    if (bad) return [i, bad[0], bad[1]];
    restoreExemplarIds(e);
  }
  return undefined;
}

interface PointBase {
  attributes: Attributes;
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  flags?: number;
  exemplars?: Exemplar[];
}

function pointBase(o: JsonObject, path: string, withExemplars: boolean): PointBase {
  const out: PointBase = { attributes: attrsOf(o, 'attributes', 'attributes', path), timeUnixNano: u64(o, 'timeUnixNano', 'time_unix_nano', path) };
  const start = u64(o, 'startTimeUnixNano', 'start_time_unix_nano', path);
  if (start !== 0n) out.startTimeUnixNano = start;
  const flags = u32(o, 'flags', 'flags', path);
  if (flags) out.flags = flags;
  if (withExemplars) {
    const ex = list(o, 'exemplars', 'exemplars', path);
    if (ex.length) out.exemplars = ex.map((e, n) => exemplarFromJson(element(e, `${path}.exemplars[${n}]`), `${path}.exemplars[${n}]`));
  }
  return out;
}

/** The oneof `value` of number points and exemplars: asInt (int64) or asDouble. */
function numberValue(o: JsonObject, path: string): number | bigint {
  const i = pick(o, 'asInt', 'as_int');
  if (i !== undefined && i !== null) return int64(i, `${path}.asInt`, false);
  const d = pick(o, 'asDouble', 'as_double');
  if (d !== undefined && d !== null) return double(d, `${path}.asDouble`);
  return 0;
}

function numberPointFromJson(o: JsonObject, path: string): NumberDataPoint {
  const out = pointBase(o, path, true) as NumberDataPoint;
  out.value = numberValue(o, path);
  if (out.flags !== undefined && (out.flags & 1) !== 0) out.stale = true;
  return out;
}

function histPointFromJson(o: JsonObject, path: string): HistogramDataPoint {
  const out = pointBase(o, path, true) as HistogramDataPoint;
  out.count = u64num(o, 'count', 'count', path);
  const sum = optDouble(o, 'sum', 'sum', path);
  if (sum !== undefined) out.sum = sum;
  out.bucketCounts = list(o, 'bucketCounts', 'bucket_counts', path).map((c, n) => Number(int64(c, `${path}.bucketCounts[${n}]`, true)));
  out.explicitBounds = list(o, 'explicitBounds', 'explicit_bounds', path).map((b, n) => double(b, `${path}.explicitBounds[${n}]`));
  const min = optDouble(o, 'min', 'min', path);
  if (min !== undefined) out.min = min;
  const max = optDouble(o, 'max', 'max', path);
  if (max !== undefined) out.max = max;
  return out;
}

function bucketsFromJson(o: JsonObject, camel: string, snake: string, path: string): ExponentialHistogramBuckets | undefined {
  const b = obj(o, camel, snake, path);
  if (!b) return undefined;
  const p = `${path}.${camel}`;
  const offset = pick(b, 'offset', 'offset');
  return {
    offset: offset === undefined || offset === null ? 0 : int32(offset, `${p}.offset`, false),
    bucketCounts: list(b, 'bucketCounts', 'bucket_counts', p).map((c, n) => Number(int64(c, `${p}.bucketCounts[${n}]`, true))),
  };
}

function expPointFromJson(o: JsonObject, path: string): ExponentialHistogramDataPoint {
  const out = pointBase(o, path, true) as ExponentialHistogramDataPoint;
  out.count = u64num(o, 'count', 'count', path);
  const sum = optDouble(o, 'sum', 'sum', path);
  if (sum !== undefined) out.sum = sum;
  const scale = pick(o, 'scale', 'scale');
  out.scale = scale === undefined || scale === null ? 0 : int32(scale, `${path}.scale`, false);
  out.zeroCount = u64num(o, 'zeroCount', 'zero_count', path);
  const pos = bucketsFromJson(o, 'positive', 'positive', path);
  if (pos) out.positive = pos;
  const neg = bucketsFromJson(o, 'negative', 'negative', path);
  if (neg) out.negative = neg;
  const min = optDouble(o, 'min', 'min', path);
  if (min !== undefined) out.min = min;
  const max = optDouble(o, 'max', 'max', path);
  if (max !== undefined) out.max = max;
  const zt = optDouble(o, 'zeroThreshold', 'zero_threshold', path);
  if (zt) out.zeroThreshold = zt;
  return out;
}

function summaryPointFromJson(o: JsonObject, path: string): SummaryDataPoint {
  const out = pointBase(o, path, false) as SummaryDataPoint;
  out.count = u64num(o, 'count', 'count', path);
  out.sum = optDouble(o, 'sum', 'sum', path) ?? 0;
  out.quantileValues = list(o, 'quantileValues', 'quantile_values', path).map((q, n) => {
    const qp = `${path}.quantileValues[${n}]`;
    const qo = element(q, qp);
    return { quantile: optDouble(qo, 'quantile', 'quantile', qp) ?? 0, value: optDouble(qo, 'value', 'value', qp) ?? 0 };
  });
  return out;
}

function exemplarFromJson(o: JsonObject, path: string): Exemplar {
  const out: Exemplar = {
    timeUnixNano: u64(o, 'timeUnixNano', 'time_unix_nano', path),
    value: numberValue(o, path),
    filteredAttributes: attrsOf(o, 'filteredAttributes', 'filtered_attributes', path),
  };
  const spanId = hexId(o, 'spanId', 'span_id', path);
  if (spanId) out.spanId = spanId;
  const traceId = hexId(o, 'traceId', 'trace_id', path);
  if (traceId) out.traceId = traceId;
  return out;
}
