/**
 * The OTLP/HTTP receiver contract: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON
 * (gzip is undone by the shared machinery before `decode`), 200 with an Export*ServiceResponse
 * in the request's encoding, partial_success when some items were rejected, google.rpc.Status
 * error bodies, and back-pressure as 503 + Retry-After, which OTLP clients retry.
 */
import { otlpProtocolsShape } from './grpc-config.js';
import { InputError, type InputErrorKind } from '../errors.js';
import type { DecodeLimits, DecodeResult, HttpReply, ReceiverDefinition, ReceiverFailure, RequestInfo, RouteDefinition } from '../types.js';
import type { Signal } from '../../model/index.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './decode-json.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from './decode-proto.js';
import { isProtobufType, JSON_TYPE, OTLP_AUTH, OTLP_BACKPRESSURE_STATUS, OTLP_MEDIA_TYPES, PROTOBUF, SIGNAL_PATH } from './contract.js';
import { exportResponse, RpcCode, statusReply } from './responses.js';

type Decoder = (body: Buffer, limits: DecodeLimits) => DecodeResult;

const DECODERS: Record<Signal, { proto: Decoder; json: Decoder }> = {
  traces: { proto: decodeTracesProto, json: decodeTracesJson },
  metrics: { proto: decodeMetricsProto, json: decodeMetricsJson },
  logs: { proto: decodeLogsProto, json: decodeLogsJson },
};

/** Decodes one OTLP/HTTP request body by its media type. */
export function decodeOtlpRequest(signal: Signal, body: Buffer, mediaType: string, limits: DecodeLimits): DecodeResult {
  if (isProtobufType(mediaType)) return DECODERS[signal].proto(body, limits);
  if (mediaType === JSON_TYPE) return DECODERS[signal].json(body, limits);
  throw new InputError('content-type', `content-type ${JSON.stringify(mediaType)} is not supported; use ${PROTOBUF} or ${JSON_TYPE}`, 'unsupported_media_type');
}

/** The partial_success error_message: how many, and the first few reasons with their fields. */
export function partialMessage(result: DecodeResult, unit: string): string {
  const r = result.rejected;
  const shown = r.slice(0, 3).map((x) => x.message).join('; ');
  return `${r.length} ${unit} rejected: ${shown}${r.length > 3 ? `; and ${r.length - 3} more` : ''}`;
}

const UNIT: Record<Signal, string> = { traces: 'spans', metrics: 'data points', logs: 'log records' };

function route(signal: Signal, path: string): RouteDefinition {
  return {
    method: 'POST',
    path,
    signals: [signal],
    mediaTypes: OTLP_MEDIA_TYPES,
    decode: (body, req, limits) => decodeOtlpRequest(signal, body, req.mediaType, limits),
    reply: (result, req) => {
      const rejected = result?.rejected.length ?? 0;
      return exportResponse(signal, rejected, rejected ? partialMessage(result!, UNIT[signal]) : '', req.mediaType);
    },
  };
}

function rpcCodeOf(kind: InputErrorKind): number {
  switch (kind) {
    case 'unauthorized': return RpcCode.UNAUTHENTICATED;
    case 'too_large': return RpcCode.RESOURCE_EXHAUSTED;
    case 'unsupported_media_type': return RpcCode.UNIMPLEMENTED;
    case 'not_found': return RpcCode.NOT_FOUND;
    default: return RpcCode.INVALID_ARGUMENT;
  }
}

export function otlpErrorReply(failure: ReceiverFailure, req: RequestInfo): HttpReply {
  if (failure.kind === 'backpressure') {
    const seconds = Math.max(1, Math.ceil(failure.retryAfterSeconds));
    return statusReply(OTLP_BACKPRESSURE_STATUS, RpcCode.UNAVAILABLE, failure.message, req.mediaType, { 'retry-after': String(seconds) });
  }
  const e = failure.error;
  return statusReply(e.status, rpcCodeOf(e.kind), e.message, req.mediaType);
}

export const otlpReceiver: ReceiverDefinition = {
  // `protocols: { grpc, http }` in the Collector's form; the gRPC half is src/server/grpc-server.ts.
  configSchema: otlpProtocolsShape,
  auth: OTLP_AUTH,
  routes: (['traces', 'metrics', 'logs'] as const).map((signal) => route(signal, SIGNAL_PATH[signal])),
  errorReply: otlpErrorReply,
};
