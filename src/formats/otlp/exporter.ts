/**
 * The `otlp_http` exporter: one OTLP/HTTP request per signal, protobuf (default) or JSON, gzip by
 * default, to `<endpoint>/v1/traces|metrics|logs`. Responses follow the
 * OTLP rule, not the generic one: only 429, 502, 503 and 504 are retried (honouring
 * Retry-After), and a 2xx with partial_success is a success that is not retried.
 * (Per-signal `traces_endpoint`-style URLs are not offered: the shared HTTP transport holds one
 * connection pool per exporter endpoint and appends the request path to it.)
 */
import { z } from 'zod';
import { countLogRecords, countMetricPoints, countSpans, type Signal, type Telemetry } from '../../model/index.js';
import type { EncodeContext, ExporterDefinition, OutboundRequest, SendResult } from '../types.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './encode-json.js';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from './encode-proto.js';
import { JSON_TYPE, PROTOBUF, readPartialSuccess, readStatusMessage } from './responses.js';
import { splitInHalf } from './split.js';

export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export const otlpHttpConfigSchema = {
  encoding: z.enum(['proto', 'json']).default('proto'),
  compression: z.enum(['gzip', 'zstd', 'none']).default('gzip'),
  /**
   * Largest uncompressed body per request; a larger batch is split in halves until it fits
   * (the Collector's receivers refuse bodies over 20 MiB by default).
   */
  max_request_bytes: z.number().int().positive().default(DEFAULT_MAX_REQUEST_BYTES),
};

const SIGNAL_PATH: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

/** The OTLP/HTTP body for one signal of `data`, or undefined when that signal is empty. */
export function encodeSignal(data: Telemetry, signal: Signal, encoding: 'proto' | 'json'): { body: Uint8Array | string; items: number } | undefined {
  const proto = encoding === 'proto';
  if (signal === 'traces' && data.traces?.length) {
    const items = countSpans(data.traces);
    return { body: proto ? encodeTracesProto(data.traces) : encodeTracesJson(data.traces), items };
  }
  if (signal === 'metrics' && data.metrics?.length) {
    const items = countMetricPoints(data.metrics);
    return { body: proto ? encodeMetricsProto(data.metrics) : encodeMetricsJson(data.metrics), items };
  }
  if (signal === 'logs' && data.logs?.length) {
    const items = countLogRecords(data.logs);
    return { body: proto ? encodeLogsProto(data.logs) : encodeLogsJson(data.logs), items };
  }
  return undefined;
}

export function encodeOtlpHttp(data: Telemetry, ctx: EncodeContext): OutboundRequest[] {
  const cfg = ctx.config;
  const encoding = cfg.encoding === 'json' ? 'json' : 'proto';
  const compression = cfg.compression === 'none' ? undefined : cfg.compression === 'zstd' ? 'zstd' : 'gzip';
  const maxBytes = typeof cfg.max_request_bytes === 'number' ? cfg.max_request_bytes : DEFAULT_MAX_REQUEST_BYTES;
  const out: OutboundRequest[] = [];
  const emit = (signal: Signal, part: Telemetry): void => {
    const enc = encodeSignal(part, signal, encoding);
    if (!enc) return;
    const size = typeof enc.body === 'string' ? Buffer.byteLength(enc.body) : enc.body.length;
    if (size > maxBytes) {
      // Split by spans, metrics or log records; a single one too large is sent as it is.
      const [a, b] = splitInHalf(part[signal]!);
      if (b.length > 0) {
        ctx.note?.('split', enc.items, `${signal} request of ${size} bytes is over max_request_bytes (${maxBytes})`);
        emit(signal, { [signal]: a } as Telemetry);
        emit(signal, { [signal]: b } as Telemetry);
        return;
      }
    }
    const req: OutboundRequest = {
      path: SIGNAL_PATH[signal],
      contentType: encoding === 'proto' ? PROTOBUF : JSON_TYPE,
      body: enc.body,
      items: enc.items,
    };
    if (compression) req.contentEncoding = compression;
    out.push(req);
  };
  for (const signal of ['traces', 'metrics', 'logs'] as const) emit(signal, data);
  return out;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function header(headers: Record<string, string>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  for (const k in headers) if (k.toLowerCase() === name) return headers[k];
  return undefined;
}

/** OTLP/HTTP's retryable statuses; everything else that is not 2xx is permanent. */
export const OTLP_RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * Result of a 2xx: `ok`, plus the partial_success count when the server rejected some items, so
 * that it can be counted and logged (OTLP does not say which items, so none is dead-lettered).
 */
export type OtlpSendResult = SendResult & { partialRejected?: number; partialMessage?: string };

export function interpretOtlpResponse(status: number, headers: Record<string, string>, body: Buffer, request: OutboundRequest): OtlpSendResult {
  const contentType = header(headers, 'content-type') ?? request.contentType;
  if (status >= 200 && status < 300) {
    const partial = readPartialSuccess(body, contentType);
    if (partial.rejected > 0) return { kind: 'ok', partialRejected: partial.rejected, partialMessage: partial.message };
    return { kind: 'ok' };
  }
  const message = readStatusMessage(body, contentType);
  const reason = `HTTP ${status}${message ? `: ${message}` : ''}`;
  if (OTLP_RETRYABLE.has(status)) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'));
    return retryAfterMs === undefined ? { kind: 'retry', reason, status } : { kind: 'retry', reason, status, retryAfterMs };
  }
  return { kind: 'reject', reason, status };
}

export const otlpHttpExporter: ExporterDefinition = {
  signals: ['traces', 'metrics', 'logs'],
  configSchema: otlpHttpConfigSchema,
  // api_key, when set, goes out as a bearer token; `headers` carries anything else.
  auth: { header: 'authorization', scheme: 'Bearer', required: false },
  encode: encodeOtlpHttp,
  interpret: interpretOtlpResponse,
};
