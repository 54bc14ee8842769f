import { nowNano } from '../../model/index.js';
import { InputError } from '../errors.js';
import { parseJsonBody } from '../json.js';
import type { DecodeLimits, DecodeResult, HttpReply, ItemRejection, ReceiverDefinition, ReceiverFailure, RequestInfo } from '../types.js';
import {
  DEFAULT_TYPE, INFRASAGE_AUTH, INFRASAGE_BATCH_PATH, INFRASAGE_MEDIA_TYPE, INFRASAGE_PATH, INFRASAGE_TYPES_PATH, isFailure,
  MAX_BATCH_RECORDS, TELEMETRY_TYPES, validateRecord, type ValidRecord,
} from './contract.js';
import { recordsToModel } from './decode.js';

/**
 * The InfraSage Ingestion Gateway's write API: single records (refused whole with the vendor's
 * error body when invalid) and batches of up to 10,000 (partial success: valid records are queued,
 * the others listed in `failures`). Back-pressure answers 429 `rate_limit_exceeded` with
 * Retry-After, the gateway's own throttling answer.
 */
export function decodeSingle(body: Buffer, _req: RequestInfo, limits: DecodeLimits, nowNs: bigint = nowNano()): DecodeResult {
  const v = parseBody(body, limits);
  const r = validateRecord(v, nowNs);
  if (isFailure(r)) throw new InputError(r.field, r.message, 'bad_request', r.code);
  return { telemetry: recordsToModel([{ rec: r, index: 0 }]), accepted: 1, rejected: [] };
}

export function decodeBatch(body: Buffer, _req: RequestInfo, limits: DecodeLimits, nowNs: bigint = nowNano()): DecodeResult {
  const v = parseBody(body, limits);
  if (!Array.isArray(v)) throw new InputError('', `the batch body must be a JSON array of telemetry records; got ${v === null ? 'null' : typeof v}`, 'bad_request', 'invalid_batch');
  const limit = Math.min(MAX_BATCH_RECORDS, limits.maxItems);
  if (v.length > limit) {
    throw new InputError('', `batch has ${v.length} records; the limit is ${limit.toLocaleString('en-US')} records per request`, 'too_large', 'batch_too_large');
  }
  const ok: { rec: ValidRecord; index: number }[] = [];
  const rejected: ItemRejection[] = [];
  v.forEach((item, index) => {
    const r = validateRecord(item, nowNs);
    if (isFailure(r)) rejected.push({ index, field: r.field ? `[${index}].${r.field}` : `[${index}]`, message: r.message, code: r.code });
    else ok.push({ rec: r, index });
  });
  return { telemetry: recordsToModel(ok), accepted: ok.length, rejected };
}

function parseBody(body: Buffer, limits: DecodeLimits): unknown {
  try {
    return parseJsonBody(body, limits);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.field, e.message, e.kind, e.kind === 'too_large' ? 'payload_too_large' : 'invalid_json');
    throw e;
  }
}

const CODE_OF_KIND: Record<string, string> = {
  bad_request: 'invalid_request',
  unauthorized: 'unauthorized',
  too_large: 'payload_too_large',
  unsupported_media_type: 'unsupported_media_type',
  not_found: 'not_found',
};

function errorReply(failure: ReceiverFailure): HttpReply {
  if (failure.kind === 'backpressure') {
    const secs = Math.max(1, Math.ceil(failure.retryAfterSeconds));
    return { status: 429, headers: { 'retry-after': String(secs) }, body: { status: 'error', error: 'rate_limit_exceeded', message: `${failure.message}; retry after ${secs}s` } };
  }
  const e = failure.error;
  return { status: e.status, body: { status: 'error', error: e.code ?? CODE_OF_KIND[e.kind] ?? 'invalid_request', message: e.message } };
}

export const infrasageReceiver: ReceiverDefinition = {
  auth: INFRASAGE_AUTH,
  routes: [
    {
      method: 'POST',
      path: INFRASAGE_PATH,
      signals: ['metrics', 'logs', 'traces'],
      mediaTypes: [INFRASAGE_MEDIA_TYPE],
      decode: (b, req, limits) => decodeSingle(b, req, limits),
      reply: (r) => ({ status: 200, body: { status: 'ok', queued: r?.accepted ?? 0 } }),
    },
    {
      method: 'POST',
      path: INFRASAGE_BATCH_PATH,
      signals: ['metrics', 'logs', 'traces'],
      mediaTypes: [INFRASAGE_MEDIA_TYPE],
      decode: (b, req, limits) => decodeBatch(b, req, limits),
      reply: (r) => ({
        status: 200,
        body: {
          status: 'ok',
          queued: r?.accepted ?? 0,
          failed: r?.rejected.length ?? 0,
          failures: (r?.rejected ?? []).map((x) => ({ index: x.index, error: x.code ?? 'invalid_record', message: x.message })),
        },
      }),
    },
    {
      method: 'GET',
      path: INFRASAGE_TYPES_PATH,
      signals: [],
      reply: () => ({ status: 200, body: { types: [...TELEMETRY_TYPES], default: DEFAULT_TYPE } }),
    },
  ],
  errorReply,
};
