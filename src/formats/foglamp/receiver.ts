/**
 * Foglamp: POST /ingest {"version":"v1","traces":[…]} in and out, Authorization: Bearer.
 * Mapping and token arithmetic: docs/mapping.md (Foglamp column) and decode.ts.
 */
import type {
  HttpReply, ReceiverDefinition, ReceiverFailure,
} from '../types.js';
import {
  FOGLAMP_AUTH, FOGLAMP_BACKPRESSURE_STATUS, FOGLAMP_MEDIA_TYPE, FOGLAMP_PATH,
} from './contract.js';
import { decodeFoglampBody } from './decode.js';

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
