/**
 * Foglamp: POST /ingest {"version":"v1","traces":[…]} in and out, Authorization: Bearer.
 * Mapping and token arithmetic: docs/mapping.md (Foglamp column) and decode.ts.
 */
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type {
  FormatDefinition, HttpReply, ReceiverDefinition, ReceiverFailure,
  TranslateCodec,
} from '../types.js';
import type { Telemetry } from '../../model/index.js';
import {
  FOGLAMP_AUTH, FOGLAMP_BACKPRESSURE_STATUS, FOGLAMP_MEDIA_TYPE, FOGLAMP_PATH,
} from './contract.js';
import { decodeFoglampBody, decodeFoglampDocument } from './decode.js';
import { encodeFoglamp } from './encode.js';
import { foglampExporter } from './exporter.js';

export { decodeFoglampBody, decodeFoglampDocument } from './decode.js';
export { encodeFoglamp, encodeFoglampTraces } from './encode.js';
export { foglampExporter } from './exporter.js';
export { foglampOptions } from './config.js';

/** Foglamp-style error body: {"error": message, "field": path}. */
export function foglampErrorReply(failure: ReceiverFailure): HttpReply {
  if (failure.kind === 'backpressure') {
    return {
      status: FOGLAMP_BACKPRESSURE_STATUS,
      headers: { 'retry-after': String(failure.retryAfterSeconds) },
      body: { error: failure.message, code: 'overloaded' },
    };
  }
  const e = failure.error;
  const body: Record<string, unknown> = { error: e.message };
  if (e.field) body.field = e.field;
  body.code = e.code ?? e.kind;
  return { status: e.status, body };
}

export const foglampReceiver: ReceiverDefinition = {
  auth: FOGLAMP_AUTH,
  routes: [
    {
      method: 'POST',
      path: FOGLAMP_PATH,
      signals: ['traces'],
      mediaTypes: [FOGLAMP_MEDIA_TYPE],
      decode: (body, _req, limits) => decodeFoglampBody(body, limits),
      reply: (result) => ({ status: 200, body: { accepted: result?.accepted ?? 0 } }),
    },
  ],
  errorReply: (failure) => foglampErrorReply(failure),
};

export const foglampTranslate: TranslateCodec = {
  name: 'foglamp',
  decode: (input: Buffer) => decodeFoglampDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode: (data: Telemetry) => encodeFoglamp(data).map((b) => JSON.stringify(b.body)).join('\n'),
};

export const foglamp: FormatDefinition = {
  type: 'foglamp',
  receiver: foglampReceiver,
  exporter: foglampExporter,
  translate: foglampTranslate,
};
