/**
 * OTLP/HTTP response bodies: Export*ServiceResponse on success (with partial_success when items
 * were rejected) and google.rpc.Status on failure, each in the request's encoding: protobuf for
 * application/x-protobuf, JSON otherwise (an unknown media type gets JSON, which any client can
 * at least log).
 */
import type { Signal } from '../../model/index.js';
import type { HttpReply } from '../types.js';
import { isProtobufType, JSON_TYPE, PROTOBUF } from './contract.js';
import { otlpTypes } from './proto-loader.js';

const REJECTED_FIELD: Record<Signal, { proto: string; json: string }> = {
  traces: { proto: 'rejectedSpans', json: 'rejectedSpans' },
  metrics: { proto: 'rejectedDataPoints', json: 'rejectedDataPoints' },
  logs: { proto: 'rejectedLogRecords', json: 'rejectedLogRecords' },
};

function responseType(signal: Signal) {
  const t = otlpTypes();
  return signal === 'traces' ? t.traceResponse : signal === 'metrics' ? t.metricsResponse : t.logsResponse;
}

/** 200 with Export*ServiceResponse; partial_success only when something was rejected. */
export function exportResponse(signal: Signal, rejected: number, errorMessage: string, mediaType: string): HttpReply {
  const partial = rejected > 0 ? { [REJECTED_FIELD[signal].proto]: rejected, errorMessage } : undefined;
  if (isProtobufType(mediaType)) {
    const body = responseType(signal).encode(partial ? { partialSuccess: partial } : {}).finish();
    return { status: 200, headers: { 'content-type': PROTOBUF }, body };
  }
  // OTLP/JSON writes int64 as a string.
  const json = partial ? { partialSuccess: { [REJECTED_FIELD[signal].json]: String(rejected), errorMessage } } : {};
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(json) };
}

/** google.rpc.Code values used in error bodies. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function statusReply(status: number, code: number, message: string, mediaType: string, headers: Record<string, string> = {}): HttpReply {
  if (isProtobufType(mediaType)) {
    const body = otlpTypes().status.encode({ code, message }).finish();
    return { status, headers: { ...headers, 'content-type': PROTOBUF }, body };
  }
  return { status, headers: { ...headers, 'content-type': JSON_TYPE }, body: JSON.stringify({ code, message }) };
}

/** Reads partial_success from an Export*ServiceResponse body (either encoding); 0 when absent. */
export function readPartialSuccess(body: Uint8Array, contentType: string): { rejected: number; message: string } {
  if (body.length === 0) return { rejected: 0, message: '' };
  if (contentType.includes('json')) {
    try {
      const o = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
      const p = (o.partialSuccess ?? o.partial_success) as Record<string, unknown> | undefined;
      if (!p || typeof p !== 'object') return { rejected: 0, message: '' };
      const n = p.rejectedSpans ?? p.rejected_spans ?? p.rejectedDataPoints ?? p.rejected_data_points ?? p.rejectedLogRecords ?? p.rejected_log_records;
      const msg = p.errorMessage ?? p.error_message;
      return { rejected: Number(n ?? 0) || 0, message: typeof msg === 'string' ? msg : '' };
    } catch {
      return { rejected: 0, message: '' };
    }
  }
  try {
    // The three responses share one wire shape: field 1 { int64 rejected = 1; string error_message = 2 }.
    const m = otlpTypes().traceResponse.decode(body) as unknown as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string } | null };
    const p = m.partialSuccess;
    if (!p) return { rejected: 0, message: '' };
    return { rejected: Number(String(p.rejectedSpans ?? 0)) || 0, message: p.errorMessage ?? '' };
  } catch {
    return { rejected: 0, message: '' };
  }
}

/** The message of a google.rpc.Status error body, when there is one. */
export function readStatusMessage(body: Uint8Array, contentType: string): string | undefined {
  if (body.length === 0) return undefined;
  try {
    if (contentType.includes('json')) {
      const o = JSON.parse(Buffer.from(body).toString('utf8')) as { message?: unknown };
      return typeof o.message === 'string' ? o.message : undefined;
    }
    if (contentType.includes('protobuf')) {
      const m = otlpTypes().status.decode(body) as unknown as { message?: string };
      return m.message || undefined;
    }
  } catch {
    /* fall through: an unreadable body is reported by status alone */
  }
  const text = Buffer.from(body.subarray(0, 200)).toString('utf8');
  return /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : undefined;
}
