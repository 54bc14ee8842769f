/**
 * Foglamp: POST /ingest {"version":"v1","traces":[…]} in and out, Authorization: Bearer.
 * Mapping and token arithmetic: docs/mapping.md (Foglamp column) and decode.ts.
 */
import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type {
  EncodeContext, ExporterDefinition, FormatDefinition, HttpReply, OutboundRequest, ReceiverDefinition, ReceiverFailure,
  TranslateCodec,
} from '../types.js';
import type { Telemetry } from '../../model/index.js';
import {
  FOGLAMP_AUTH, FOGLAMP_BACKPRESSURE_STATUS, FOGLAMP_MAX_TRACES, FOGLAMP_MEDIA_TYPE, FOGLAMP_PATH,
} from './contract.js';
import { decodeFoglampBody, decodeFoglampDocument } from './decode.js';
import { encodeFoglamp, type FoglampEncodeOptions } from './encode.js';
import { fidelityOf } from '../shared/fidelity.js';

export { decodeFoglampBody, decodeFoglampDocument } from './decode.js';
export { encodeFoglamp, encodeFoglampTraces } from './encode.js';

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

export function foglampOptions(config: EncodeContext['config']): FoglampEncodeOptions {
  const o: FoglampEncodeOptions = {};
  const max = config.max_traces_per_request;
  if (typeof max === 'number') o.maxTracesPerRequest = max;
  if (typeof config.max_content_bytes === 'number') o.maxContentBytes = config.max_content_bytes;
  return o;
}

export const foglampExporter: ExporterDefinition = {
  signals: ['traces'],
  auth: FOGLAMP_AUTH,
  configSchema: {
    /** Traces per request (the vendor takes 1..1000). */
    max_traces_per_request: z.number().int().min(1).max(FOGLAMP_MAX_TRACES).optional(),
  },
  encode(data: Telemetry, ctx: EncodeContext): OutboundRequest[] {
    const fidelity = fidelityOf(ctx);
    const batches = encodeFoglamp(data, { ...foglampOptions(ctx.config), fidelity });
    fidelity.flush();
    const truncated = batches.reduce((n, b) => n + b.truncated, 0);
    if (truncated > 0) ctx.note?.('truncated', truncated, 'input/output larger than max_content_bytes');
    if (batches.length > 1) ctx.note?.('split', batches.length, 'more than max_traces_per_request traces');
    return batches.map((b) => ({
      path: FOGLAMP_PATH,
      contentType: FOGLAMP_MEDIA_TYPE,
      body: JSON.stringify(b.body),
      items: b.spans,
    }));
  },
};

export const foglampTranslate: TranslateCodec = {
  name: 'foglamp',
  decode: (input: Buffer) => decodeFoglampDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode(data: Telemetry, ctx) {
    const fidelity = fidelityOf(ctx);
    const out = encodeFoglamp(data, { fidelity }).map((b) => JSON.stringify(b.body)).join('\n');
    fidelity.flush();
    return out;
  },
};

export const foglamp: FormatDefinition = {
  type: 'foglamp',
  receiver: foglampReceiver,
  exporter: foglampExporter,
  translate: foglampTranslate,
};
