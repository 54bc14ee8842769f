import { nanoFromIso } from '../../model/index.js';
import { isObject } from '../json.js';
import type { AuthSpec } from '../types.js';

/** The Ingestion Gateway's routes, media type and key header (vendor-apis InfraSage document). */
export const INFRASAGE_PATH = '/api/v1/telemetry';
export const INFRASAGE_BATCH_PATH = '/api/v1/telemetry/batch';
export const INFRASAGE_TYPES_PATH = '/api/v1/telemetry-types';
export const INFRASAGE_MEDIA_TYPE = 'application/json';
export const INFRASAGE_AUTH: AuthSpec = { header: 'x-api-key', required: false };

/**
 * One InfraSage telemetry record and its validation, per the Ingestion Gateway document. Each
 * failure has the vendor's machine code; the documented ones are `missing_service_id`,
 * `invalid_value` and `timestamp_too_old` (with the documented messages). The document lists
 * required fields without naming their codes, so Switchyard chose, in the same style:
 *   invalid_record      the record is not a JSON object
 *   invalid_service_id  service_id is not a string
 *   invalid_type        type is not one of metric, log, trace, event, profile, slo
 *   missing_metric_name metric_name absent/empty for metric, trace, slo, profile
 *   missing_value       value absent for metric, trace, slo, profile
 *   missing_body        body absent for log, event
 *   invalid_body        body is not a string
 *   missing_timestamp   timestamp absent
 *   invalid_timestamp   timestamp is not an RFC 3339 string
 *   invalid_attributes  attributes is not an object
 *   invalid_trace_id    trace_id is not a string
 * Checks run in field order (service_id, type, metric_name, value, body, trace_id, timestamp,
 * attributes); the first failure is reported.
 */
export const TELEMETRY_TYPES = ['metric', 'log', 'trace', 'event', 'profile', 'slo'] as const;
export type TelemetryType = (typeof TELEMETRY_TYPES)[number];
export const DEFAULT_TYPE: TelemetryType = 'metric';
export const MAX_BATCH_RECORDS = 10_000;
export const MAX_AGE_NS = 24n * 3600n * 1_000_000_000n;

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['metric', 'trace', 'slo', 'profile']);
const TEXT_TYPES: ReadonlySet<string> = new Set(['log', 'event']);

export interface ValidRecord {
  serviceId: string;
  type: TelemetryType;
  metricName?: string;
  value?: number;
  body?: string;
  traceId?: string;
  timeUnixNano: bigint;
  attributes: Record<string, unknown>;
}

export interface RecordFailure {
  code: string;
  field: string;
  message: string;
}

export function isFailure(r: ValidRecord | RecordFailure): r is RecordFailure {
  return 'code' in r;
}

export function validateRecord(v: unknown, nowNs: bigint): ValidRecord | RecordFailure {
  const bad = (code: string, field: string, message: string): RecordFailure => ({ code, field, message });
  if (!isObject(v)) return bad('invalid_record', '', 'a telemetry record must be a JSON object');
  const sid = v['service_id'];
  if (sid === undefined || sid === null || sid === '') return bad('missing_service_id', 'service_id', 'service_id is required');
  if (typeof sid !== 'string') return bad('invalid_service_id', 'service_id', `service_id must be a string; got ${kind(sid)}`);
  const t = v['type'] ?? DEFAULT_TYPE;
  if (typeof t !== 'string' || !(TELEMETRY_TYPES as readonly string[]).includes(t)) {
    return bad('invalid_type', 'type', `type must be one of ${TELEMETRY_TYPES.join(', ')}; got ${typeof t === 'string' ? quoted(t) : kind(t)}`);
  }
  const type = t as TelemetryType;
  const out: ValidRecord = { serviceId: sid, type, timeUnixNano: 0n, attributes: {} };
  const name = v['metric_name'];
  if (NUMERIC_TYPES.has(type)) {
    if (name === undefined || name === null || name === '') return bad('missing_metric_name', 'metric_name', `metric_name is required for type ${type}`);
  }
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string') return bad('missing_metric_name', 'metric_name', `metric_name must be a string; got ${kind(name)}`);
    if (name !== '') out.metricName = name;
  }
  const value = v['value'];
  if (NUMERIC_TYPES.has(type) && (value === undefined || value === null)) return bad('missing_value', 'value', `value is required for type ${type}`);
  if (value !== undefined && value !== null) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return bad('invalid_value', 'value', `value must be a finite float64; got ${describeValue(value)}`);
    out.value = value;
  }
  const body = v['body'];
  if (TEXT_TYPES.has(type) && (body === undefined || body === null)) return bad('missing_body', 'body', `body is required for type ${type}`);
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') return bad('invalid_body', 'body', `body must be a string; got ${kind(body)}`);
    out.body = body;
  }
  const traceId = v['trace_id'];
  if (traceId !== undefined && traceId !== null) {
    if (typeof traceId !== 'string') return bad('invalid_trace_id', 'trace_id', `trace_id must be a string; got ${kind(traceId)}`);
    if (traceId !== '') out.traceId = traceId;
  }
  const ts = v['timestamp'];
  if (ts === undefined || ts === null || ts === '') return bad('missing_timestamp', 'timestamp', 'timestamp is required');
  const ns = typeof ts === 'string' && RFC3339.test(ts) ? nanoFromIso(ts) : undefined;
  if (ns === undefined) return bad('invalid_timestamp', 'timestamp', `timestamp must be an RFC3339 string; got ${typeof ts === 'string' ? quoted(ts) : kind(ts)}`);
  if (nowNs - ns > MAX_AGE_NS) return bad('timestamp_too_old', 'timestamp', 'Timestamp is more than 24h in the past');
  out.timeUnixNano = ns;
  const attrs = v['attributes'];
  if (attrs !== undefined && attrs !== null) {
    if (!isObject(attrs)) return bad('invalid_attributes', 'attributes', `attributes must be an object; got ${kind(attrs)}`);
    out.attributes = attrs;
  }
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** A client's string in a message, cut to 40 characters: the message must not echo megabytes back. */
function quoted(v: string): string {
  return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** "NaN", "+Inf", or the JSON type: strings such as "NaN" are how JSON clients send non-finite values. */
function describeValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (typeof v === 'string') {
    const n = Number(v.trim());
    if (/^[+-]?(nan|inf(inity)?)$/i.test(v.trim())) return Number.isNaN(n) || /nan/i.test(v) ? 'NaN' : v.trim().startsWith('-') ? '-Inf' : '+Inf';
    return `string ${quoted(v)}`;
  }
  return kind(v);
}
