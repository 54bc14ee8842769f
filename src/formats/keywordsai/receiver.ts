/**
 * KeywordsAI: POST /api/traces/ingest (and /api/traces/ingest/) with a JSON array of logs, in and
 * out, Authorization: Bearer. Mapping and token arithmetic: docs/mapping.md and decode.ts.
 */
import type {
  HttpReply, ReceiverDefinition, ReceiverFailure, RouteDefinition,
} from '../types.js';
import {
  KEYWORDSAI_AUTH, KEYWORDSAI_BACKPRESSURE_STATUS, KEYWORDSAI_MEDIA_TYPE, KEYWORDSAI_PATH, KEYWORDSAI_PATHS,
} from './contract.js';
import { decodeKeywordsAiBody } from './decode.js';

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
