/**
 * Netra Bulk Ingest (POST /v1/bulk, gzip NDJSON, Authorization: Bearer, 202).
 * Mapping and policies: docs/mapping.md#netra.
 */
import type { DecodeResult, HttpReply, ReceiverDefinition, ReceiverFailure } from '../types.js';
import { NETRA_AUTH, NETRA_MEDIA_TYPE, NETRA_PATH } from './contract.js';
import { decodeNetraNdjson } from './decode.js';

export function netraReply(result: DecodeResult | undefined): HttpReply {
  const body: Record<string, unknown> = { status: 'accepted', accepted: result?.accepted ?? 0 };
  if (result && result.rejected.length) {
    body.rejected = result.rejected.map((r) => ({ line: r.index + 1, field: r.field, message: r.message }));
  }
  return { status: 202, headers: { 'content-type': 'application/json' }, body };
}

export function netraErrorReply(failure: ReceiverFailure): HttpReply {
  if (failure.kind === 'backpressure') {
    // Netra's clients retry 429 and 5xx; 429 with Retry-After is the documented throttle.
    return {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': String(Math.max(1, Math.ceil(failure.retryAfterSeconds))) },
      body: { error: { code: 'too_many_requests', message: failure.message } },
    };
  }
  const e = failure.error;
  const error: Record<string, unknown> = { code: e.code ?? e.kind, message: e.message };
  if (e.field) error.field = e.field;
  return { status: e.status, headers: { 'content-type': 'application/json' }, body: { error } };
}

export const netraReceiver: ReceiverDefinition = {
  auth: NETRA_AUTH,
  routes: [
    {
      method: 'POST',
      path: NETRA_PATH,
      signals: ['traces'],
      mediaTypes: [NETRA_MEDIA_TYPE],
      decode: (body, _req, limits) => decodeNetraNdjson(body, limits),
      reply: (result) => netraReply(result),
    },
  ],
  errorReply: (failure) => netraErrorReply(failure),
};
