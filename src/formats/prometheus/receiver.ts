import { countItems, lazyTelemetry } from '../../model/index.js';
import { InputError } from '../errors.js';
import type { DecodeLimits, DecodeResult, HttpReply, ReceiverDefinition, ReceiverFailure, RequestInfo, RouteDefinition } from '../types.js';
import { DecodeBudget, withBudget } from '../decode-budget.js';
import { decodeWriteRequest } from './decode-v1.js';
import { decodeV2Request } from './decode-v2.js';
import { toModel } from './decode.js';
import { scanPlainWriteRequest } from './scan-v1.js';
import { snappyDecode } from './wire.js';

/**
 * The remote-write receiver (spec 1.0, and 2.0 chosen by Content-Type's `proto=`).
 * - Body: snappy block format (decoded here: the shared server only knows gzip/deflate), then
 *   protobuf. Not snappy, not protobuf → 400.
 * - Series breaking the label rules are refused one by one: the valid series of the request are
 *   queued and written, and the answer is still 400 naming the bad series — the specification's
 *   "400 if any sample is invalid, even if valid ones were written". Prometheus does not retry a
 *   400, so nothing valid is lost and nothing is sent twice.
 * - Success is 204; 2.0 answers carry X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written.
 * - Back-pressure is 503 + Retry-After: Prometheus 2.x retries 5xx but drops a batch on 429 unless
 *   `retry_on_http_429` is set.
 */
export const V1_PROTO = 'prometheus.WriteRequest';
export const V2_PROTO = 'io.prometheus.write.v2.Request';

/** DecodeResult plus the 2.0 "written" counts, read back by reply(). */
export interface RemoteWriteDecodeResult extends DecodeResult {
  written: { samples: number; histograms: number; exemplars: number };
  version: 1 | 2;
}

export function protoVersion(contentType: string): 1 | 2 {
  const m = /;\s*proto\s*=\s*"?([^;"\s]+)"?/i.exec(contentType);
  if (!m) return 1;
  const proto = m[1]!;
  if (proto === V1_PROTO) return 1;
  if (proto === V2_PROTO) return 2;
  throw new InputError('Content-Type', `unsupported remote-write message proto=${proto}; use ${V1_PROTO} or ${V2_PROTO}`, 'unsupported_media_type');
}

/** Content-Encoding → raw protobuf bytes. gzip/deflate were already undone by the shared server. */
function unwrap(body: Buffer, req: RequestInfo, limits: DecodeLimits): Uint8Array {
  const enc = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'snappy') return snappyDecode(body, limits.maxDecompressedBytes);
  if (enc === 'identity' || enc === 'gzip' || enc === 'deflate' || enc === 'x-gzip') return body;
  void limits;
  throw new InputError('Content-Encoding', `unsupported Content-Encoding "${enc}"; remote-write bodies are snappy`, 'unsupported_media_type');
}

export function decodeRemoteWrite(body: Buffer, req: RequestInfo, limits: DecodeLimits): RemoteWriteDecodeResult {
  const version = protoVersion(req.contentType);
  const bytes = unwrap(body, req, limits);
  const samples = version === 1 ? scanPlainWriteRequest(bytes, limits) : undefined;
  if (samples !== undefined) return plainRequest(bytes, body, samples, limits);
  const mapped = fullDecode(bytes, version, limits);
  return {
    telemetry: mapped.telemetry,
    accepted: mapped.samples + mapped.histograms,
    rejected: mapped.rejected,
    samples: mapped.samples,
    written: { samples: mapped.samples, histograms: mapped.histograms, exemplars: mapped.exemplars },
    version,
  };
}

function fullDecode(bytes: Uint8Array, version: 1 | 2, limits: DecodeLimits) {
  return toModel(withBudget(new DecodeBudget(limits), () => (version === 2 ? decodeV2Request(bytes, limits.maxItems) : decodeWriteRequest(bytes, limits.maxItems))));
}

/**
 * A plain request (counters and gauges, all valid) is kept as its bytes; the model is built from
 * them only if a processor or a model-reading exporter asks (model/wire-original.ts).
 */
function plainRequest(bytes: Uint8Array, body: Buffer, samples: number, limits: DecodeLimits): RemoteWriteDecodeResult {
  // Unwrapped means the body was a snappy block, forwarded as it came; otherwise the bytes are
  // the request's own buffer, and the queue gets a copy of its own.
  const snappy = bytes !== body;
  const own = snappy ? bytes : Uint8Array.prototype.slice.call(bytes);
  const telemetry = lazyTelemetry(
    { format: V1_PROTO, signal: 'metrics', parts: [own], items: samples, bytes: own.length, ...(snappy ? { snappy: body } : {}) },
    () => fullDecode(own, 1, limits).telemetry.metrics ?? [],
  );
  return { telemetry, accepted: samples, rejected: [], samples, written: { samples, histograms: 0, exemplars: 0 }, version: 1 };
}

function writtenHeaders(result: DecodeResult | undefined, req: RequestInfo): Record<string, string> {
  let version: 1 | 2 = 1;
  try { version = protoVersion(req.contentType); } catch { /* reply to an unsupported proto: no 2.0 headers */ }
  if (version !== 2) return {};
  const r = result as Partial<RemoteWriteDecodeResult> | undefined;
  const w = r?.written ?? { samples: result ? countItems(result.telemetry) : 0, histograms: 0, exemplars: 0 };
  return {
    'x-prometheus-remote-write-samples-written': String(w.samples),
    'x-prometheus-remote-write-histograms-written': String(w.histograms),
    'x-prometheus-remote-write-exemplars-written': String(w.exemplars),
  };
}

function reply(result: DecodeResult | undefined, req: RequestInfo): HttpReply {
  const headers = writtenHeaders(result, req);
  if (result && result.rejected.length > 0) {
    const shown = result.rejected.slice(0, 10).map((r) => r.message);
    const more = result.rejected.length > 10 ? `\n… and ${result.rejected.length - 10} more` : '';
    return {
      status: 400,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
      body: `${result.rejected.length} invalid series refused (the ${result.accepted} valid samples were written):\n${shown.join('\n')}${more}\n`,
    };
  }
  return { status: 204, headers };
}

function errorReply(failure: ReceiverFailure, req: RequestInfo): HttpReply {
  if (failure.kind === 'backpressure') {
    return {
      status: 503,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(failure.retryAfterSeconds))), 'content-type': 'text/plain; charset=utf-8' },
      body: `${failure.message}\n`,
    };
  }
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  // 2.0: the written headers are required on every answer, errors included (0 when nothing was written).
  Object.assign(headers, writtenHeaders({ telemetry: {}, accepted: 0, rejected: [], written: { samples: 0, histograms: 0, exemplars: 0 }, version: 2 } as RemoteWriteDecodeResult, req));
  return { status: failure.error.status, headers, body: `${failure.error.message}\n` };
}

function route(path: string): RouteDefinition {
  return {
    method: 'POST',
    path,
    signals: ['metrics'],
    mediaTypes: ['application/x-protobuf'],
    decode: decodeRemoteWrite,
    reply,
  };
}

export const remoteWriteReceiver: ReceiverDefinition = {
  auth: { header: 'authorization', scheme: 'Bearer', required: false },
  routes: [route('/api/v1/write'), route('/api/v1/prometheus/write')],
  errorReply,
};
