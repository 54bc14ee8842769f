/**
 * An OTLP judge that is not the product: protobufjs *reflection* over the .proto files in proto/
 * (a Root of its own, no generated or patched decoders, none of src/), and a strict OTLP/JSON
 * reader written here against the same reflected schema. Both yield one canonical plain form, so
 * what the SDK sent and what Switchyard forwarded can be compared field by field:
 *
 * - keys are the proto fields' lowerCamelCase JSON names;
 * - 64-bit integers are decimal strings, enums integers, doubles numbers;
 * - trace/span ids (traceId, spanId, parentSpanId) are lowercase hex; other bytes base64;
 * - fields at their proto3 default (0, "", false, empty list) are dropped, as the OTLP spec says
 *   they mean "not set" — except oneof and proto3 `optional` members, where 0 is a value.
 *
 * The JSON reader follows the OTLP/JSON rules an exporter must write by: lowerCamelCase keys only
 * (snake_case, or any key that is not a field, is an error), ids as hex strings of the right
 * length, enums as integers, int64 as a decimal string or a safe integer number.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export type Signal = 'traces' | 'metrics' | 'logs';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../proto');
const REQUEST: Record<Signal, [string, string]> = {
  traces: ['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'],
  metrics: ['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'],
  logs: ['opentelemetry/proto/collector/logs/v1/logs_service.proto', 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'],
};
/** Hex length of each id field, by the messages that carry them (OTLP: 16-byte trace, 8-byte span ids). */
const ID_HEX: Record<string, number> = { traceId: 32, spanId: 16, parentSpanId: 16 };

let types: Record<Signal, protobuf.Type> | undefined;

function requestType(signal: Signal): protobuf.Type {
  if (!types) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') || target.startsWith(PROTO_DIR) ? target : join(PROTO_DIR, target));
    protobuf.loadSync(Object.values(REQUEST).map(([file]) => file), root);
    root.resolveAll();
    types = {
      traces: root.lookupType(REQUEST.traces[1]),
      metrics: root.lookupType(REQUEST.metrics[1]),
      logs: root.lookupType(REQUEST.logs[1]),
    };
  }
  return types[signal];
}

type Plain = Record<string, unknown>;

/** Decodes an OTLP/protobuf request body with reflection, into the canonical form. */
export function oracleDecodeProto(signal: Signal, body: Uint8Array): Plain {
  const type = requestType(signal);
  const obj = type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number, defaults: false });
  return canon(type, obj, 'proto', '$') as Plain;
}

/** Reads an OTLP/JSON request body strictly, into the canonical form; throws naming the path of the first violation. */
export function oracleReadJson(signal: Signal, body: string | Uint8Array): Plain {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return canon(requestType(signal), JSON.parse(text), 'json', '$') as Plain;
}

const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(path: string, msg: string): never {
  throw new Error(`OTLP oracle: ${path}: ${msg}`);
}

function canon(type: protobuf.Type, obj: unknown, from: 'proto' | 'json', path: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail(path, `expected an object for ${type.name}, got ${JSON.stringify(obj)}`);
  const out: Plain = {};
  for (const [key, value] of Object.entries(obj as Plain)) {
    const field = type.fields[key];
    if (!field) fail(`${path}.${key}`, `not a field of ${type.name}${key.includes('_') ? ' (snake_case keys are not OTLP/JSON as exporters write it)' : ''}`);
    const p = `${path}.${key}`;
    const keepDefault = field.partOf !== null && field.partOf !== undefined;
    if (field.repeated) {
      if (!Array.isArray(value)) fail(p, 'a repeated field must be a list');
      const list = value.map((v, i) => scalarOrMessage(field, v, from, `${p}[${i}]`));
      if (list.length > 0) out[key] = list;
      continue;
    }
    if (from === 'json' && value === null) fail(p, 'null is not a value');
    const v = scalarOrMessage(field, value, from, p);
    if (!keepDefault && isDefault(field, v)) continue;
    out[key] = v;
  }
  return out;
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Type) return false;
  return v === 0 || v === '0' || v === '' || v === false;
}

function scalarOrMessage(field: protobuf.Field, v: unknown, from: 'proto' | 'json', path: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return canon(rt, v, from, path);
  if (rt instanceof protobuf.Enum) {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `an enum must be an integer, got ${JSON.stringify(v)}`);
    return v;
  }
  const t = field.type;
  if (t === 'string') {
    if (typeof v !== 'string') fail(path, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${JSON.stringify(v)}`);
    return v;
  }
  if (INT32.has(t)) {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${JSON.stringify(v)}`);
    return v;
  }
  if (INT64.has(t)) {
    const signed = !t.startsWith('u') && t !== 'fixed64';
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) fail(path, `an int64 number must be a safe integer, got ${v}`);
      return String(v);
    }
    if (typeof v !== 'string' || !(signed ? /^-?\d+$/ : /^\d+$/).test(v)) fail(path, `an int64 must be a decimal string or number, got ${JSON.stringify(v)}`);
    return BigInt(v).toString();
  }
  if (t === 'double' || t === 'float') {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    fail(path, `expected a number, got ${JSON.stringify(v)}`);
  }
  if (t === 'bytes') {
    if (typeof v !== 'string') fail(path, `bytes must be a string, got ${JSON.stringify(v)}`);
    const hexLen = ID_HEX[field.name];
    if (hexLen !== undefined) {
      if (from === 'proto') {
        const hex = Buffer.from(v, 'base64').toString('hex');
        if (hex.length !== 0 && hex.length !== hexLen) fail(path, `an id of ${hex.length / 2} bytes (want ${hexLen / 2})`);
        return hex;
      }
      if (v !== '' && !new RegExp(`^[0-9a-f]{${hexLen}}$`).test(v)) fail(path, `an id must be ${hexLen} lowercase hex characters, got ${JSON.stringify(v)}`);
      return v;
    }
    if (!B64.test(v)) fail(path, `bytes must be base64, got ${JSON.stringify(v)}`);
    return Buffer.from(v, 'base64').toString('base64');
  }
  return fail(path, `unhandled proto type ${t}`);
}

// ---- flattening, so that batching and regrouping do not matter to the comparison ----

type Group = { resource?: unknown; schemaUrl?: unknown };
type ScopeGroup = { scope?: unknown; schemaUrl?: unknown };

/** One entry per span with its resource and scope, sorted by span id. */
export function oracleSpans(req: Plain): Plain[] {
  const out: Plain[] = [];
  for (const rs of (req.resourceSpans ?? []) as (Group & { scopeSpans?: (ScopeGroup & { spans?: Plain[] })[] })[]) {
    for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) out.push({ resource: rs.resource, resourceSchemaUrl: rs.schemaUrl, scope: ss.scope, scopeSchemaUrl: ss.schemaUrl, span });
  }
  return out.sort((a, b) => String((a.span as Plain).spanId).localeCompare(String((b.span as Plain).spanId)));
}

/** One entry per metric with its resource and scope, sorted by name (metrics without points left out). */
export function oracleMetrics(req: Plain): Plain[] {
  const out: Plain[] = [];
  for (const rm of (req.resourceMetrics ?? []) as (Group & { scopeMetrics?: (ScopeGroup & { metrics?: Plain[] })[] })[]) {
    for (const sm of rm.scopeMetrics ?? []) for (const metric of sm.metrics ?? []) out.push({ resource: rm.resource, resourceSchemaUrl: rm.schemaUrl, scope: sm.scope, scopeSchemaUrl: sm.schemaUrl, metric });
  }
  // By name, then by the whole entry: the same metric exported twice (cumulative) sorts stably.
  return out.sort((a, b) => String((a.metric as Plain).name).localeCompare(String((b.metric as Plain).name)) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** One entry per log record with its resource and scope, sorted by a stable rendering of the record. */
export function oracleLogs(req: Plain): Plain[] {
  const out: Plain[] = [];
  for (const rl of (req.resourceLogs ?? []) as (Group & { scopeLogs?: (ScopeGroup & { logRecords?: Plain[] })[] })[]) {
    for (const sl of rl.scopeLogs ?? []) for (const record of sl.logRecords ?? []) out.push({ resource: rl.resource, resourceSchemaUrl: rl.schemaUrl, scope: sl.scope, scopeSchemaUrl: sl.schemaUrl, record });
  }
  return out.sort((a, b) => JSON.stringify(a.record).localeCompare(JSON.stringify(b.record)));
}
