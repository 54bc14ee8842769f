/**
 * The `otlp_http` exporter: one OTLP/HTTP request per signal, protobuf (default) or JSON, gzip by
 * default, to `<endpoint>/v1/traces|metrics|logs`. Responses follow the
 * OTLP rule, not the generic one: only 429, 502, 503 and 504 are retried (honouring
 * Retry-After), and a 2xx with partial_success is a success that is not retried.
 * (Per-signal `traces_endpoint`-style URLs are not offered: the shared HTTP transport holds one
 * connection pool per exporter endpoint and appends the request path to it.)
 */
import { countLogRecords, countMetricPoints, countSpans, type Signal, type Telemetry } from '../../model/index.js';
import { defineExporter, type AnswerRules, type EncodeContext, type OutboundRequest } from '../types.js';
import { otlpHttpExporterConfig, type OtlpHttpExporterOptions } from './config.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './encode-json.js';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from './encode-proto.js';
import { JSON_TYPE, OTLP_AUTH, OTLP_RETRYABLE, PROTOBUF, SIGNAL_PATH } from './contract.js';
import { readPartialSuccess, readStatusMessage } from './responses.js';
import { splitInHalf } from './split.js';

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

export function encodeOtlpHttp(data: Telemetry, ctx: EncodeContext<OtlpHttpExporterOptions>): OutboundRequest[] {
  const { encoding, max_request_bytes: maxBytes } = ctx.config;
  const compression = ctx.config.compression === 'none' ? undefined : ctx.config.compression;
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

/**
 * How an OTLP/HTTP server answers: the retryable set above, partial_success in a 2xx (a count,
 * not which items: OTLP does not say), and google.rpc.Status messages in errors.
 */
export const otlpAnswers: AnswerRules = {
  retryableStatuses: OTLP_RETRYABLE,
  refusedItems(body, contentType, request) {
    const partial = readPartialSuccess(body, contentType ?? request.contentType);
    return partial.rejected > 0 ? { count: partial.rejected, message: partial.message } : undefined;
  },
  errorText: (body, contentType) => readStatusMessage(body, contentType ?? PROTOBUF),
};

export const otlpHttpExporter = defineExporter({
  signals: ['traces', 'metrics', 'logs'],
  configSchema: otlpHttpExporterConfig,
  // api_key, when set, goes out as a bearer token; `headers` carries anything else.
  auth: OTLP_AUTH,
  encode: encodeOtlpHttp,
  answers: otlpAnswers,
});
