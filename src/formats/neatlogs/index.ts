/**
 * Neatlogs HTTP trace injection (POST /api/v1/traces/v4/batch, JSON, x-api-key, 202).
 * Mapping and policies: docs/mapping.md#neatlogs.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { FormatDefinition, HttpReply, ReceiverFailure } from '../types.js';
import { NEATLOGS_AUTH, NEATLOGS_MAX_REQUEST_BYTES, NEATLOGS_MEDIA_TYPE, NEATLOGS_PATH } from './contract.js';
import { decodeNeatlogsBatch } from './decode.js';
import { fidelityOf } from '../shared/fidelity.js';
import { encodeNeatlogs, encodeNeatlogsBodies, neatlogsOptions } from './encode.js';

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

export const neatlogsFormat: FormatDefinition = {
  type: 'neatlogs',
  receiver: {
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
  },
  exporter: {
    signals: ['traces'],
    auth: NEATLOGS_AUTH,
    configSchema: {
      /** Workflow name for spans without gen_ai.workflow.name (before falling back to service.name). */
      default_workflow_name: z.string().min(1).optional(),
      /** Bytes per request; Neatlogs' documented ceiling is 1 MB. */
      max_request_bytes: z.number().int().min(4096).max(NEATLOGS_MAX_REQUEST_BYTES).default(NEATLOGS_MAX_REQUEST_BYTES),
    },
    encode: encodeNeatlogs,
  },
  translate: {
    name: 'neatlogs',
    decode(input: Buffer): Telemetry {
      return decodeNeatlogsBatch(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER }).telemetry;
    },
    encode(data: Telemetry, ctx): string {
      const fidelity = fidelityOf(ctx);
      const out = encodeNeatlogsBodies(data, neatlogsOptions({}), ctx?.note, fidelity).map((b) => b.text).join('\n');
      fidelity.flush();
      return out;
    },
  },
};

export default neatlogsFormat;
export { decodeNeatlogsBatch, decodeNeatlogsObject } from './decode.js';
export { encodeNeatlogs, encodeNeatlogsBodies, encodeNeatlogsSpan, neatlogsOptions } from './encode.js';
