/**
 * KeywordsAI log array → semantic model. Pure; throws InputError naming the offending field.
 *
 * Token arithmetic: KeywordsAI's usage block is OpenAI's: `prompt_tokens` includes
 * `prompt_tokens_details.cached_tokens` and `completion_tokens` includes
 * `completion_tokens_details.reasoning_tokens`. That is the canonical arithmetic, so counts map
 * one to one, never added together.
 */
import {
  Canonical, GenAI, SpanKind, StatusCode, fromJson, nanoFromIso, newSpan, tracesOf,
  type AnyValue, type Span, type SpanStatus,
} from '../../model/index.js';
import { InputError, fail } from '../errors.js';
import {
  DEFAULT_DECODE_LIMITS, asObject, isObject, join, optNumber, optObject, optString, parseJsonBody, reqString, typeName,
  type JsonObject,
} from '../json.js';
import type { DecodeLimits, DecodeResult } from '../types.js';
import {
  MIME_KEY, countValue, decodeContent, metadataAttributes, nanoFromSecondsExact, parseJsonText, quote, secondsFromNano, setModel,
} from '../shared/codec-tools.js';
import {
  ABSENT_FIELDS, MARK, OMITTABLE_FIELDS, P, STRUCTURED, TOP_LEVEL_TOKENS, kindFromLogType, logTypeFromKind,
  operationFromLogType,
} from './contract.js';
import { isoForKeywordsAi } from './time.js';

/** Marks a document that sent `usage: {}`. */
export const EMPTY_USAGE = `${P}usage_empty`;

/** usage.* (OpenAI shape) → canonical key; inclusive on both sides. */
export const USAGE_MAP: Record<string, string> = {
  prompt_tokens: GenAI.inputTokens,
  completion_tokens: GenAI.outputTokens,
  total_tokens: Canonical.totalTokens,
};
export const PROMPT_DETAILS_MAP: Record<string, string> = {
  cached_tokens: GenAI.cacheReadInputTokens,
  cache_creation_tokens: GenAI.cacheCreationInputTokens,
};
export const COMPLETION_DETAILS_MAP: Record<string, string> = {
  reasoning_tokens: GenAI.reasoningOutputTokens,
};

/** Optional top-level fields with a canonical home, and the JSON type they must have to use it. */
export const SOFT_FIELDS: Record<string, { key: string; type: 'string' | 'number' | 'integer' | 'boolean' }> = {
  customer_identifier: { key: Canonical.userId, type: 'string' },
  thread_identifier: { key: Canonical.sessionId, type: 'string' },
  cost: { key: Canonical.costUsd, type: 'number' },
  time_to_first_token: { key: GenAI.timeToFirstChunk, type: 'number' },
  provider_id: { key: GenAI.providerName, type: 'string' },
  temperature: { key: GenAI.requestTemperature, type: 'number' },
  top_p: { key: GenAI.requestTopP, type: 'number' },
  max_tokens: { key: GenAI.requestMaxTokens, type: 'integer' },
  stream: { key: GenAI.requestStream, type: 'boolean' },
  environment: { key: Canonical.environment, type: 'string' },
};

/** Every top-level field this codec maps itself; anything else is kept as `keywordsai.<field>`. */
export const HANDLED_FIELDS = new Set([
  'id', 'log_type', 'trace_unique_id', 'span_unique_id', 'span_parent_id', 'span_name', 'span_workflow_name',
  'input', 'output', 'model', 'usage', 'timestamp', 'start_time', 'latency', 'status', 'error_message', 'metadata',
  ...Object.keys(SOFT_FIELDS),
]);

export function decodeKeywordsAiBody(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  return decodeKeywordsAiDocument(parseJsonBody(body, limits), limits);
}

export function decodeKeywordsAiDocument(doc: unknown, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  if (!Array.isArray(doc)) throw new InputError('body', `body must be a JSON array of log objects, got ${typeName(doc)}`);
  if (doc.length > limits.maxItems) {
    throw new InputError('body', `body holds ${doc.length} logs, more than the limit of ${limits.maxItems}`, 'too_large');
  }
  const spans: Span[] = [];
  for (let i = 0; i < doc.length; i++) spans.push(decodeLog(asObject(doc[i], `[${i}]`), `[${i}]`));
  return { telemetry: tracesOf(spans), accepted: spans.length, rejected: [] };
}

function isoField(o: JsonObject, key: string, path: string): { text: string; ns: bigint } | undefined {
  const text = optString(o, key, path);
  if (text === undefined) return undefined;
  const ns = nanoFromIso(text);
  if (ns === undefined) fail(join(path, key), `must be an ISO 8601 time, got ${quote(text)}`);
  return { text, ns };
}

function softValue(v: unknown, type: 'string' | 'number' | 'integer' | 'boolean'): AnyValue | undefined {
  switch (type) {
    case 'string': return typeof v === 'string' ? v : undefined;
    case 'boolean': return typeof v === 'boolean' ? v : undefined;
    case 'number': return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case 'integer': return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  }
}

function decodeLog(o: JsonObject, path: string): Span {
  const traceId = reqString(o, 'trace_unique_id', path);
  if (traceId === '') fail(join(path, 'trace_unique_id'), 'must not be empty');
  const spanId = reqString(o, 'span_unique_id', path);
  if (spanId === '') fail(join(path, 'span_unique_id'), 'must not be empty');
  const id = optString(o, 'id', path);
  const parent = optString(o, 'span_parent_id', path);
  const logType = optString(o, 'log_type', path);
  const spanName = optString(o, 'span_name', path);
  const workflow = optString(o, 'span_workflow_name', path);
  const model = optString(o, 'model', path);

  const meta = metadataAttributes(optObject(o, 'metadata', path), P, MARK);
  const { attrs, fromMetadata, set, setAside } = meta;

  if (id !== undefined && id !== spanId) attrs[`${P}id`] = id;

  if (logType !== undefined) {
    const kind = kindFromLogType(logType);
    // A more precise kind named in metadata (e.g. RETRIEVER, written as "task") is kept.
    const metaKind = fromMetadata.has(Canonical.spanKind) ? attrs[Canonical.spanKind] : undefined;
    if (!(typeof metaKind === 'string' && logTypeFromKind(metaKind) === logType)) set(Canonical.spanKind, kind);
    else fromMetadata.delete(Canonical.spanKind);
    if (logTypeFromKind(kind) !== logType) attrs[`${P}log_type`] = logType;
    const op = operationFromLogType(logType);
    if (op !== undefined && !fromMetadata.has(GenAI.operationName)) set(GenAI.operationName, op);
  }
  if (workflow !== undefined) set(GenAI.workflowName, workflow);
  if (model !== undefined) setModel(meta, model);

  // ---- usage (OpenAI arithmetic: inclusive, see module comment)
  const usage = optObject(o, 'usage', path);
  // An empty usage block is kept as a fact of its own, so that a KeywordsAI round trip keeps it.
  if (usage && Object.keys(usage).length === 0) attrs[EMPTY_USAGE] = true;
  if (usage) {
    const upath = join(path, 'usage');
    for (const [k, v] of Object.entries(usage)) {
      if (v === undefined || v === null) continue;
      const key = USAGE_MAP[k];
      if (key) set(key, countValue(v, join(upath, k)));
      else if ((k === 'prompt_tokens_details' || k === 'completion_tokens_details') && isObject(v)) {
        const map = k === 'prompt_tokens_details' ? PROMPT_DETAILS_MAP : COMPLETION_DETAILS_MAP;
        for (const [dk, dv] of Object.entries(v)) {
          if (dv === undefined || dv === null) continue;
          const dkey = map[dk];
          if (dkey) set(dkey, countValue(dv, join(join(upath, k), dk)));
          else attrs[`${P}usage.${k}.${dk}`] = fromJson(dv);
        }
      } else attrs[`${P}usage.${k}`] = fromJson(v);
    }
  }
  const topLevel = Object.keys(USAGE_MAP).filter((k) => o[k] !== undefined && o[k] !== null);
  if (topLevel.length > 0) {
    if (usage) for (const k of topLevel) attrs[`${P}${k}`] = fromJson(o[k]);
    else {
      for (const k of topLevel) set(USAGE_MAP[k]!, countValue(o[k], join(path, k)));
      attrs[TOP_LEVEL_TOKENS] = true;
    }
  }

  // ---- time: timestamp is the end, start_time the start, latency seconds between them
  const ts = isoField(o, 'timestamp', path);
  const st = isoField(o, 'start_time', path);
  const latency = optNumber(o, 'latency', path);
  if (latency !== undefined && latency < 0) fail(join(path, 'latency'), 'must be a non-negative number of seconds');
  let start: bigint;
  let end: bigint;
  if (ts) {
    end = ts.ns;
    start = st ? st.ns : latency !== undefined ? end - nanoFromSecondsExact(latency) : end;
  } else if (st) {
    start = st.ns;
    end = latency !== undefined ? start + nanoFromSecondsExact(latency) : start;
  } else {
    fail(join(path, 'timestamp'), 'is required (or start_time)');
  }
  if (ts && isoForKeywordsAi(ts.ns) !== ts.text) attrs[`${P}timestamp`] = ts.text;
  if (st && isoForKeywordsAi(st.ns) !== st.text) attrs[`${P}start_time`] = st.text;
  if (latency !== undefined && secondsFromNano(end - start) !== latency) attrs[`${P}latency`] = latency;
  const absent = OMITTABLE_FIELDS.filter((k) => o[k] === undefined);
  if (absent.length > 0) attrs[ABSENT_FIELDS] = [...absent];

  // ---- status
  const status: SpanStatus = { code: StatusCode.UNSET };
  const st2 = optString(o, 'status', path);
  if (st2 === 'success') status.code = StatusCode.OK;
  else if (st2 === 'error') status.code = StatusCode.ERROR;
  else if (st2 !== undefined) attrs[`${P}status`] = st2;
  const errorMessage = optString(o, 'error_message', path);
  if (errorMessage !== undefined) {
    if (status.code === StatusCode.ERROR) status.message = errorMessage;
    else attrs[`${P}error_message`] = errorMessage;
  }

  for (const [field, spec] of Object.entries(SOFT_FIELDS)) {
    const raw = o[field];
    if (raw === undefined || raw === null) continue;
    const v = softValue(raw, spec.type);
    if (v !== undefined) set(spec.key, v);
    else attrs[`${P}${field}`] = fromJson(raw);
  }

  // ---- input / output: any JSON
  for (const dir of ['input', 'output'] as const) {
    const v = o[dir];
    if (v === undefined || v === null) continue;
    const valueKey = dir === 'input' ? Canonical.inputValue : Canonical.outputValue;
    for (const k of [dir === 'input' ? GenAI.inputMessages : GenAI.outputMessages, valueKey, MIME_KEY[dir]]) setAside(k);
    if (typeof v === 'string') decodeContent(attrs, dir, v, parseJsonText(v), false);
    else {
      decodeContent(attrs, dir, JSON.stringify(v), v, true);
      attrs[STRUCTURED[dir]] = true;
      if (attrs[valueKey] !== undefined) attrs[MIME_KEY[dir]] = 'application/json';
    }
  }

  for (const k of Object.keys(o)) {
    if (HANDLED_FIELDS.has(k) || k in USAGE_MAP) continue;
    attrs[`${P}${k}`] = fromJson(o[k]);
  }

  const span = newSpan({
    traceId,
    spanId,
    name: spanName ?? logType ?? 'keywordsai.log',
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: attrs,
    status,
  });
  if (parent !== undefined) span.parentSpanId = parent;
  return span;
}
