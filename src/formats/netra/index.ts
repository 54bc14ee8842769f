/**
 * Netra Bulk Ingest (POST /v1/bulk, gzip NDJSON, Authorization: Bearer, 202).
 * Mapping and policies: docs/mapping.md#netra.
 */
import { z } from 'zod';
import type { Telemetry } from '../../model/index.js';
import { InputError } from '../errors.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { DecodeResult, FormatDefinition, HttpReply, ReceiverFailure } from '../types.js';
import { NETRA_AUTH, NETRA_MAX_REQUEST_BYTES, NETRA_MEDIA_TYPE, NETRA_PATH } from './contract.js';
import { decodeNetraNdjson } from './decode.js';
import { encodeNetra, encodeNetraBodies, netraOptions } from './encode.js';
import { fidelityOf } from '../shared/fidelity.js';

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

export const netraFormat: FormatDefinition = {
  type: 'netra',
  receiver: {
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
  },
  exporter: {
    signals: ['traces'],
    auth: NETRA_AUTH,
    configSchema: {
      /** `llm_only` (default): only LLM operations are sent; `all`: every span, span_kind set. */
      span_policy: z.enum(['llm_only', 'all']).default('llm_only'),
      /** Uncompressed bytes per request; Netra's documented ceiling is 5 MB. */
      max_request_bytes: z.number().int().min(1024).max(NETRA_MAX_REQUEST_BYTES).default(NETRA_MAX_REQUEST_BYTES),
      /** gzip level 1 (cheapest) … 9. */
      compression_level: z.number().int().min(1).max(9).default(1),
    },
    encode: encodeNetra,
  },
  translate: {
    name: 'netra',
    decode(input: Buffer): Telemetry {
      const r = decodeNetraNdjson(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER });
      if (r.rejected.length) {
        const first = r.rejected[0]!;
        throw new InputError(first.field, `${r.rejected.length} invalid line(s); first: ${first.message}`);
      }
      return r.telemetry;
    },
    encode(data: Telemetry, ctx): string {
      const fidelity = fidelityOf(ctx);
      const out = encodeNetraBodies(data, netraOptions({}), ctx?.note, fidelity).map((b) => b.ndjson).join('');
      fidelity.flush();
      return out;
    },
  },
};

export default netraFormat;
export { decodeNetraEvent, decodeNetraNdjson } from './decode.js';
export { encodeNetraBodies, encodeNetraEvent, encodeNetra, netraOptions } from './encode.js';
