/**
 * KeywordsAI: POST /api/traces/ingest (and /api/traces/ingest/) with a JSON array of logs, in and
 * out, Authorization: Bearer. Mapping and token arithmetic: docs/mapping.md and decode.ts.
 */
import { z } from 'zod';
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type {
  EncodeContext, ExporterDefinition, FormatDefinition, HttpReply, OutboundRequest, ReceiverDefinition, ReceiverFailure,
  RouteDefinition, TranslateCodec,
} from '../types.js';
import {
  KEYWORDSAI_AUTH, KEYWORDSAI_BACKPRESSURE_STATUS, KEYWORDSAI_MEDIA_TYPE, KEYWORDSAI_PATH, KEYWORDSAI_PATHS,
} from './contract.js';
import { decodeKeywordsAiBody, decodeKeywordsAiDocument } from './decode.js';
import { encodeKeywordsAi, type KeywordsAiEncodeOptions } from './encode.js';
import { fidelityOf } from '../shared/fidelity.js';

export { decodeKeywordsAiBody, decodeKeywordsAiDocument } from './decode.js';
export { encodeKeywordsAi, encodeKeywordsAiLogs } from './encode.js';

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

export function keywordsAiOptions(config: EncodeContext['config']): KeywordsAiEncodeOptions {
  const o: KeywordsAiEncodeOptions = {};
  if (typeof config.max_logs_per_request === 'number') o.maxLogsPerRequest = config.max_logs_per_request;
  if (typeof config.max_request_bytes === 'number') o.maxRequestBytes = config.max_request_bytes;
  if (typeof config.max_content_bytes === 'number') o.maxContentBytes = config.max_content_bytes;
  return o;
}

export const keywordsAiExporter: ExporterDefinition = {
  signals: ['traces'],
  auth: KEYWORDSAI_AUTH,
  configSchema: {
    /** Logs per request (default 1000). */
    max_logs_per_request: z.number().int().min(1).optional(),
    /** Bytes per request body (default 4 MiB); a single larger log is sent alone. */
    max_request_bytes: z.number().int().min(1024).optional(),
  },
  encode(data: Telemetry, ctx: EncodeContext): OutboundRequest[] {
    const fidelity = fidelityOf(ctx);
    const batches = encodeKeywordsAi(data, { ...keywordsAiOptions(ctx.config), fidelity });
    fidelity.flush();
    const truncated = batches.reduce((n, b) => n + b.truncated, 0);
    if (truncated > 0) ctx.note?.('truncated', truncated, 'input/output larger than max_content_bytes');
    if (batches.length > 1) ctx.note?.('split', batches.length, 'more logs or bytes than one request takes');
    return batches.map((b) => ({
      path: KEYWORDSAI_PATH,
      contentType: KEYWORDSAI_MEDIA_TYPE,
      body: b.body,
      items: b.logs.length,
    }));
  },
};

export const keywordsAiTranslate: TranslateCodec = {
  name: 'keywordsai',
  decode: (input: Buffer) => decodeKeywordsAiDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode(data: Telemetry, ctx) {
    const fidelity = fidelityOf(ctx);
    const out = encodeKeywordsAi(data, { fidelity }).map((b) => b.body).join('\n');
    fidelity.flush();
    return out;
  },
};

export const keywordsai: FormatDefinition = {
  type: 'keywordsai',
  receiver: keywordsAiReceiver,
  exporter: keywordsAiExporter,
  translate: keywordsAiTranslate,
};
