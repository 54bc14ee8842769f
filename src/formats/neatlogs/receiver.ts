/**
 * Neatlogs HTTP trace injection (POST /api/v1/traces/v4/batch, JSON, x-api-key, 202).
 * Mapping and policies: docs/mapping.md#neatlogs.
 */
import { randomUUID } from 'node:crypto';
import type { HttpReply, ReceiverDefinition, ReceiverFailure } from '../types.js';
import { NEATLOGS_AUTH, NEATLOGS_MEDIA_TYPE, NEATLOGS_PATH } from './contract.js';
import { decodeNeatlogsBatch } from './decode.js';

export function neatlogsReply(): HttpReply {
  return {
    status: 202,
    headers: { 'content-type': 'application/json' },
    body: { status: 'accepted', batch_id: `batch_${randomUUID().replace(/-/g, '')}` },
  };
}

export function neatlogsErrorReply(failure: ReceiverFailure): HttpReply {
  if (failure.kind === 'backpressure') {
    return {
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': String(Math.max(1, Math.ceil(failure.retryAfterSeconds))) },
      body: { error: `Service temporarily unavailable: ${failure.message}` },
    };
  }
  return { status: failure.error.status, headers: { 'content-type': 'application/json' }, body: { error: failure.error.message } };
}

export const neatlogsReceiver: ReceiverDefinition = {
  auth: NEATLOGS_AUTH,
  routes: [
    {
      method: 'POST',
      path: NEATLOGS_PATH,
      signals: ['traces'],
      mediaTypes: [NEATLOGS_MEDIA_TYPE],
      decode: (body, _req, limits) => decodeNeatlogsBatch(body, limits),
      reply: () => neatlogsReply(),
    },
  ],
  errorReply: (failure) => neatlogsErrorReply(failure),
};
