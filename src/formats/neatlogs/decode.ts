/**
 * Neatlogs batch JSON → semantic model.
 *
 * Strictness: the batch is accepted or refused as a whole (Neatlogs documents no partial
 * success): 400 naming the field for a body that is not a JSON object, a missing or non-string
 * `workflow_name`, `spans` missing, empty or not an array, and per span a missing/mistyped
 * `span_id`, `name`, `start_time`, `end_time`, `attributes`, `attributes["openinference.span.kind"]`,
 * or a non-string `status` / `error_message` / `error_type` / `parent_span_id`; `metrics[]`
 * entries need a string `name` and a numeric `value`.
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, SpanKind, StatusCode, fromJson, isAiSpanKind, nanoFromMillis, newSpan,
  type AnyValue, type Attributes, type Span, type Telemetry,
} from '../../model/index.js';
import { InputError, fail } from '../errors.js';
import {
  DEFAULT_DECODE_LIMITS, asArray, asObject, isObject, join, optString, parseJsonBody, reqNumber, reqString, type JsonObject,
} from '../json.js';
import type { DecodeLimits, DecodeResult } from '../types.js';
import { finishReasonsOf, openAiMessagesToGenAi } from '../../model/genai-messages/openai-chat.js';
import {
  ATTR_ERROR_MESSAGE, ATTR_ERROR_TYPE, ATTR_KIND, ATTR_ORIGINAL_KIND, ATTR_WRAPPED, ATTR_STATUS, ATTR_TRACE_ID, KEY_KIND, KEY_METRICS, KEY_STATUS, PREFIX_BATCH, PREFIX_SPAN,
} from './contract.js';
import { deriveTraceIds } from './trace-ids.js';

export const NEATLOGS_SCOPE = { name: 'switchyard.neatlogs' };

/** Batch-level metrics that are sums of span attributes: re-derived by the encoder. */
export const SUMMARY_METRICS: readonly { key: string; unit: string }[] = [
  { key: GenAI.inputTokens, unit: 'tokens' },
  { key: GenAI.outputTokens, unit: 'tokens' },
  { key: Canonical.totalTokens, unit: 'tokens' },
  { key: GenAI.cacheReadInputTokens, unit: 'tokens' },
  { key: GenAI.cacheCreationInputTokens, unit: 'tokens' },
  { key: GenAI.reasoningOutputTokens, unit: 'tokens' },
  { key: Canonical.costUsd, unit: 'USD' },
];
const SUMMARY_KEYS = new Set(SUMMARY_METRICS.map((m) => m.key));

const SPAN_KNOWN = new Set(['span_id', 'parent_span_id', 'name', 'start_time', 'end_time', 'attributes', 'input', 'output']);
const ROOT_KNOWN = new Set(['workflow_name', 'spans', 'metrics']);

function reqNonEmpty(o: JsonObject, key: string, path: string): string {
  const v = reqString(o, key, path);
  if (v === '') fail(join(path, key), 'must not be empty');
  return v;
}

/** `input` / `output` → canonical content attributes (see docs/mapping.md). */
export function decodeContent(v: unknown, dir: 'input' | 'output', attrs: Attributes): void {
  if (v === undefined || v === null) return;
  if (isObject(v) && Object.keys(v).length === 1 && Array.isArray(v.messages)) {
    const msgs = openAiMessagesToGenAi(v.messages);
    if (msgs) {
      attrs[dir === 'input' ? GenAI.inputMessages : GenAI.outputMessages] = JSON.stringify(msgs);
      if (dir === 'output') {
        const reasons = finishReasonsOf(msgs);
        if (reasons.length) attrs[GenAI.finishReasons] = reasons;
      }
      return;
    }
  }
  if (typeof v === 'string') {
    attrs[dir === 'input' ? Canonical.inputValue : Canonical.outputValue] = v;
    attrs[`${dir}.mime_type`] = 'text/plain';
  } else {
    attrs[dir === 'input' ? Canonical.inputValue : Canonical.outputValue] = JSON.stringify(v);
    attrs[`${dir}.mime_type`] = 'application/json';
  }
}

/** Content Switchyard sent as `{"value": …}` because Neatlogs takes objects only, unwrapped. */
function unwrapped(s: JsonObject, a: JsonObject, dir: 'input' | 'output', attrs: Attributes): unknown {
  const v = s[dir];
  if (a[ATTR_WRAPPED[dir]] !== true) return v;
  delete attrs[ATTR_WRAPPED[dir]];
  return isObject(v) && 'value' in v ? v.value : v;
}

interface Parsed {
  json: JsonObject;
  span: Span;
}

export function decodeNeatlogsBatch(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const root = parseJsonBody(body, limits);
  if (!isObject(root)) fail('', 'body must be a JSON object with workflow_name and spans');
  return decodeNeatlogsObject(root, limits);
}

export function decodeNeatlogsObject(root: JsonObject, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const workflow = reqNonEmpty(root, 'workflow_name', '');
  if (root.spans === undefined || root.spans === null) fail('spans', 'is required');
  const spansJson = asArray(root.spans, 'spans');
  if (spansJson.length === 0) fail('spans', 'must contain at least one span');
  if (spansJson.length > limits.maxItems) throw new InputError('spans', `spans has more than ${limits.maxItems} items`, 'too_large');
  const metricsJson = root.metrics === undefined || root.metrics === null ? [] : asArray(root.metrics, 'metrics');

  const batchExtra: Attributes = {};
  for (const k of Object.keys(root)) if (!ROOT_KNOWN.has(k) && root[k] !== undefined) batchExtra[PREFIX_BATCH + k] = fromJson(root[k]);

  const parsed: Parsed[] = spansJson.map((s, i) => {
    const json = asObject(s, `spans[${i}]`);
    return { json, span: decodeSpan(json, `spans[${i}]`, workflow, batchExtra) };
  });

  // Trace ids: explicit attributes.trace_id (Switchyard's extension) else derived from the tree.
  const derived = deriveTraceIds(parsed.map((p) => ({ id: p.span.spanId, parent: p.span.parentSpanId })));
  parsed.forEach((p, i) => {
    if (p.span.traceId === '') p.span.traceId = derived[i]!;
  });

  // Batch metrics: summaries of span attributes are dropped (re-derived on encode); a summary
  // no span carries goes to the only LLM span; anything else is kept verbatim on the root span.
  const kept: AnyValue[] = [];
  metricsJson.forEach((m, i) => {
    const mo = asObject(m, `metrics[${i}]`);
    const name = reqString(mo, 'name', `metrics[${i}]`);
    const value = reqNumber(mo, 'value', `metrics[${i}]`);
    optString(mo, 'unit', `metrics[${i}]`);
    if (SUMMARY_KEYS.has(name)) {
      const holders = parsed.filter((p) => p.span.attributes[name] !== undefined);
      const sum = holders.reduce((acc, p) => acc + Number(p.span.attributes[name] as number | bigint), 0);
      if (holders.length > 0 && Math.abs(sum - value) <= 1e-9 * Math.max(1, Math.abs(value))) return;
      const llm = parsed.filter((p) => p.span.attributes[ATTR_KIND] === 'LLM');
      if (holders.length === 0 && llm.length === 1 && Object.keys(mo).every((k) => k === 'name' || k === 'value' || k === 'unit')) {
        setOwn(llm[0]!.span.attributes, name, name === Canonical.costUsd || !Number.isSafeInteger(value) ? value : BigInt(value));
        return;
      }
    }
    kept.push(fromJson(mo));
  });
  if (kept.length) {
    const ids = new Set(parsed.map((p) => p.span.spanId));
    const carrier = parsed.find((p) => !p.span.parentSpanId || !ids.has(p.span.parentSpanId)) ?? parsed[0]!;
    carrier.span.attributes[KEY_METRICS] = kept;
  }

  const telemetry: Telemetry = {
    traces: [{ resource: { attributes: {} }, scopeSpans: [{ scope: NEATLOGS_SCOPE, spans: parsed.map((p) => p.span) }] }],
  };
  return { telemetry, accepted: parsed.length, rejected: [] };
}

function decodeSpan(s: JsonObject, path: string, workflow: string, batchExtra: Attributes): Span {
  const spanId = reqNonEmpty(s, 'span_id', path);
  const parent = optString(s, 'parent_span_id', path);
  const name = reqString(s, 'name', path);
  const start = reqNumber(s, 'start_time', path);
  const end = reqNumber(s, 'end_time', path);
  if (s.attributes === undefined || s.attributes === null) fail(join(path, 'attributes'), 'is required');
  const a = asObject(s.attributes, join(path, 'attributes'));
  const apath = join(path, 'attributes');
  let kind = reqNonEmpty(a, ATTR_KIND, apath);
  const status = optString(a, ATTR_STATUS, apath);
  const errorMessage = optString(a, ATTR_ERROR_MESSAGE, apath);
  const errorType = optString(a, ATTR_ERROR_TYPE, apath);
  const traceId = typeof a[ATTR_TRACE_ID] === 'string' && a[ATTR_TRACE_ID] !== '' ? (a[ATTR_TRACE_ID] as string) : '';

  const attrs: Attributes = { ...batchExtra };
  for (const k of Object.keys(a)) {
    if (k === ATTR_STATUS || k === ATTR_ERROR_MESSAGE || k === ATTR_ERROR_TYPE || (k === ATTR_TRACE_ID && traceId !== '')) continue;
    if (a[k] !== undefined) setOwn(attrs, k, fromJson(a[k]));
  }
  // A kind Neatlogs does not list was sent as a supported one with the model's kept aside.
  const original = a[ATTR_ORIGINAL_KIND];
  if (typeof original === 'string' && original !== '') {
    kind = original;
    delete attrs[ATTR_ORIGINAL_KIND];
  }
  // Canonical kind is the uppercase AI kind; a spelling that differs is kept verbatim.
  const canonicalKind = isAiSpanKind(kind.toUpperCase()) ? kind.toUpperCase() : 'UNKNOWN';
  attrs[ATTR_KIND] = canonicalKind;
  if (canonicalKind !== kind) attrs[KEY_KIND] = kind;
  attrs[GenAI.workflowName] = workflow;
  if (errorType !== undefined) attrs[Canonical.errorType] = errorType;
  for (const k of Object.keys(s)) if (!SPAN_KNOWN.has(k) && s[k] !== undefined) attrs[PREFIX_SPAN + k] = fromJson(s[k]);
  decodeContent(unwrapped(s, a, 'input', attrs), 'input', attrs);
  decodeContent(unwrapped(s, a, 'output', attrs), 'output', attrs);

  let code: Span['status']['code'] = StatusCode.UNSET;
  if (status === 'success') code = StatusCode.OK;
  else if (status === 'error') code = StatusCode.ERROR;
  else if (status !== undefined) attrs[KEY_STATUS] = status;

  const upper = canonicalKind;
  const span = newSpan({
    traceId, spanId, name,
    startTimeUnixNano: nanoFromMillis(start), endTimeUnixNano: nanoFromMillis(end),
    kind: upper === 'LLM' || upper === 'EMBEDDING' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    attributes: attrs,
    status: errorMessage !== undefined ? { code, message: errorMessage } : { code },
  });
  if (parent !== undefined && parent !== '') span.parentSpanId = parent;
  return span;
}
