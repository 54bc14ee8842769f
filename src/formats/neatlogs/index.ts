/**
 * Neatlogs HTTP trace injection (POST /api/v1/traces/v4/batch, JSON, x-api-key, 202).
 * Mapping and policies: docs/mapping.md#neatlogs.
 */
import { randomUUID } from 'node:crypto';
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { FormatDefinition, HttpReply, ReceiverFailure } from '../types.js';
import { neatlogsOptions } from './config.js';
import { neatlogsExporter } from './exporter.js';
import { NEATLOGS_AUTH, NEATLOGS_MEDIA_TYPE, NEATLOGS_PATH } from './contract.js';
import { decodeNeatlogsBatch } from './decode.js';
import { encodeNeatlogsBodies } from './encode.js';

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
  exporter: neatlogsExporter,
  translate: {
    name: 'neatlogs',
    decode(input: Buffer): Telemetry {
      return decodeNeatlogsBatch(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER }).telemetry;
    },
    encode(data: Telemetry): string {
      return encodeNeatlogsBodies(data, neatlogsOptions({})).map((b) => b.text).join('\n');
    },
  },
};

export default neatlogsFormat;
export { decodeNeatlogsBatch, decodeNeatlogsObject } from './decode.js';
export { encodeNeatlogs, encodeNeatlogsBodies, encodeNeatlogsSpan } from './encode.js';
export { neatlogsOptions } from './config.js';
export { neatlogsExporter } from './exporter.js';
