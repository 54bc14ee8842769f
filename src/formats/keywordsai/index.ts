/**
 * KeywordsAI: POST /api/traces/ingest (and /api/traces/ingest/) with a JSON array of logs, in and
 * out, Authorization: Bearer. Mapping and token arithmetic: docs/mapping.md and decode.ts.
 */
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type {
  FormatDefinition, HttpReply, ReceiverDefinition, ReceiverFailure,
  RouteDefinition, TranslateCodec,
} from '../types.js';
import {
  KEYWORDSAI_AUTH, KEYWORDSAI_BACKPRESSURE_STATUS, KEYWORDSAI_MEDIA_TYPE, KEYWORDSAI_PATH, KEYWORDSAI_PATHS,
} from './contract.js';
import { decodeKeywordsAiBody, decodeKeywordsAiDocument } from './decode.js';
import { encodeKeywordsAi } from './encode.js';
import { keywordsAiExporter } from './exporter.js';

export { decodeKeywordsAiBody, decodeKeywordsAiDocument } from './decode.js';
export { encodeKeywordsAi, encodeKeywordsAiLogs } from './encode.js';
export { keywordsAiExporter } from './exporter.js';
export { keywordsAiOptions } from './config.js';

/** KeywordsAI-style error body: {"success": false, "error": message, "field": path}. */
export function keywordsAiErrorReply(failure: ReceiverFailure): HttpReply {
  if (failure.kind === 'backpressure') {
    return {
      status: KEYWORDSAI_BACKPRESSURE_STATUS,
      headers: { 'retry-after': String(failure.retryAfterSeconds) },
      body: { success: false, error: failure.message },
    };
  }
  const e = failure.error;
  const body: Record<string, unknown> = { success: false, error: e.message };
  if (e.field) body.field = e.field;
  return { status: e.status, body };
}

const route = (path: string): RouteDefinition => ({
  method: 'POST',
  path,
  signals: ['traces'],
  mediaTypes: [KEYWORDSAI_MEDIA_TYPE],
  decode: (body, _req, limits) => decodeKeywordsAiBody(body, limits),
  reply: (result) => ({ status: 200, body: { success: true, ingested_count: result?.accepted ?? 0 } }),
});

export const keywordsAiReceiver: ReceiverDefinition = {
  auth: KEYWORDSAI_AUTH,
  routes: KEYWORDSAI_PATHS.map(route),
  errorReply: (failure) => keywordsAiErrorReply(failure),
};

export const keywordsAiTranslate: TranslateCodec = {
  name: 'keywordsai',
  decode: (input: Buffer) => decodeKeywordsAiDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode: (data: Telemetry) => encodeKeywordsAi(data).map((b) => b.body).join('\n'),
};

export const keywordsai: FormatDefinition = {
  type: 'keywordsai',
  receiver: keywordsAiReceiver,
  exporter: keywordsAiExporter,
  translate: keywordsAiTranslate,
};
