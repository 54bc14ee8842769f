/**
 * Netra NDJSON → semantic model. One line = one LLM event = one span.
 *
 * Strictness (documented in docs/mapping.md):
 * - a line that is not JSON, not a JSON object, or lacks one of the required objects
 *   `request.model`, `request.prompt`, `response.usage`, `response.completion` is rejected with
 *   its line index and field; the other lines of the batch are accepted (partial success);
 * - documented typed fields with the wrong type (ids and names not strings, timestamp and latencies
 *   not non-negative numbers, token counts not non-negative integers, pii_redacted not boolean)
 *   reject the line, naming the field;
 * - `event_metadata.event_id` and `event_metadata.timestamp_utc` are generated when absent (the
 *   id deterministically from the line's text, the time as the time of receipt); without
 *   `trace_context.trace_id` / `span_id` the ids are derived from the event id.
 * - blank lines are ignored; a body with no event, or whose every line is rejected, is refused
 *   as a whole (400, naming the first line's field).
 */
import { setOwn } from '../../model/attributes.js';
import { serializeAttributes } from '../../model/serialize.js';
import {
  Canonical, GenAI, KeyValueList, SpanKind, StatusCode, fromJson, isAiSpanKind, nanoFromMillis, newSpan, nowNano,
  type AnyValue, type Attributes, type ResourceSpans, type Span, type Telemetry,
} from '../../model/index.js';
import { InputError, fail } from '../errors.js';
import { asObject, checkJsonShape, isObject, join, optNumber, optObject, optString, typeName, type JsonObject } from '../json.js';
import type { DecodeLimits, DecodeResult, ItemRejection } from '../types.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import { choicesToGenAi, finishReasonsOf, openAiMessagesToGenAi } from '../../model/genai-messages/openai-chat.js';
import { NETRA_ALIAS_PREFIX, NETRA_ATTRIBUTES_NS } from './contract.js';
import { spanIdFrom, traceIdFrom, uuidFrom } from '../shared/derived-ids.js';

export const NETRA_SCOPE = { name: 'switchyard.netra' };

export interface DecodedNetraEvent {
  span: Span;
  resource: Attributes;
}

function reqObject(o: JsonObject, key: string, path: string): JsonObject {
  const v = o[key];
  if (v === undefined || v === null) fail(join(path, key), 'is required');
  return asObject(v, join(path, key));
}

function optCount(o: JsonObject, key: string, path: string): bigint | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(join(path, key), `must be a non-negative integer, got ${typeof v === 'number' ? v : typeName(v)}`);
  return BigInt(v);
}

function optNonNegative(o: JsonObject, key: string, path: string): number | undefined {
  const v = optNumber(o, key, path);
  if (v !== undefined && v < 0) fail(join(path, key), `must not be negative, got ${v}`);
  return v;
}

function optBoolean(o: JsonObject, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(join(path, key), `must be a boolean, got ${typeName(v)}`);
  return v;
}

/** Keeps every key of `o` not in `known` as `netra.<path>.<key>`. */
function keepRest(o: JsonObject, known: readonly string[], path: string, into: Attributes): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const v = o[k];
    if (v === undefined) continue;
    into[`netra.${path ? path + '.' : ''}${k}`] = fromJson(v);
  }
}

/** Like keepRest, but a nested object listed in `containers` is flattened one level further. */
function keepContainer(o: JsonObject | undefined, path: string, into: Attributes): void {
  if (o) keepRest(o, [], path, into);
}

/** Decodes one Netra event. `seed` (the line's text) seeds a generated event id. */
export function decodeNetraEvent(ev: JsonObject, seed: string, receivedAt: bigint = nowNano()): DecodedNetraEvent {
  const attrs: Attributes = {};
  const resource: Attributes = {};

  // Switchyard's `attributes` namespace first: the mapped fields below win over it.
  const extra = optObject(ev, NETRA_ATTRIBUTES_NS, '');
  if (extra) for (const k of Object.keys(extra)) if (extra[k] !== undefined) setOwn(attrs, k, fromJson(extra[k]));

  const em = optObject(ev, 'event_metadata', '') ?? {};
  const tc = optObject(ev, 'trace_context', '') ?? {};
  const ic = optObject(ev, 'identity_context', '');
  const ac = optObject(ev, 'application_context', '');
  const request = reqObject(ev, 'request', '');
  const model = reqObject(request, 'model', 'request');
  const prompt = reqObject(request, 'prompt', 'request');
  const gen = optObject(request, 'generation_config', 'request');
  const response = reqObject(ev, 'response', '');
  const completion = reqObject(response, 'completion', 'response');
  const usage = reqObject(response, 'usage', 'response');
  const perf = optObject(ev, 'performance', '');
  const finops = optObject(ev, 'finops', '');
  const gov = optObject(ev, 'governance', '');
  keepRest(ev, [NETRA_ATTRIBUTES_NS, 'event_metadata', 'trace_context', 'identity_context', 'application_context', 'request', 'response', 'performance', 'finops', 'governance'], '', attrs);

  // event_metadata
  const eventId = optString(em, 'event_id', 'event_metadata') ?? uuidFrom('netra-event\0' + seed);
  const ts = optNonNegative(em, 'timestamp_utc', 'event_metadata');
  attrs['netra.event_metadata.event_id'] = eventId;
  keepRest(em, ['event_id', 'timestamp_utc'], 'event_metadata', attrs);
  const start = ts !== undefined ? nanoFromMillis(ts) : receivedAt;

  // trace_context
  const traceId = optString(tc, 'trace_id', 'trace_context') ?? traceIdFrom(eventId);
  const spanId = optString(tc, 'span_id', 'trace_context') ?? spanIdFrom(eventId);
  const parent = optString(tc, 'parent_span_id', 'trace_context');
  const spanKindText = optString(tc, 'span_kind', 'trace_context');
  const spanNameText = optString(tc, 'span_name', 'trace_context');
  keepRest(tc, ['trace_id', 'span_id', 'parent_span_id', 'span_name', 'span_kind'], 'trace_context', attrs);
  // Netra's kinds are lowercase AI kinds (`llm`); an unknown kind is UNKNOWN, kept verbatim.
  const upper = spanKindText === undefined ? 'LLM' : spanKindText.toUpperCase();
  const aiKind = isAiSpanKind(upper) ? upper : 'UNKNOWN';
  attrs[Canonical.spanKind] = aiKind;
  if (spanKindText !== undefined && spanKindText !== aiKind.toLowerCase()) attrs['netra.trace_context.span_kind'] = spanKindText;

  // identity_context
  if (ic) {
    const userId = optString(ic, 'user_id', 'identity_context');
    const orgId = optString(ic, 'organization_id', 'identity_context');
    optString(ic, 'api_key_hash', 'identity_context');
    if (userId !== undefined) attrs[Canonical.userId] = userId;
    if (orgId !== undefined) attrs[Canonical.organizationId] = orgId;
    keepRest(ic, ['user_id', 'organization_id'], 'identity_context', attrs);
  }

  // application_context → resource
  if (ac) {
    const app = optString(ac, 'app_name', 'application_context');
    const svc = optString(ac, 'service_name', 'application_context');
    const env = optString(ac, 'environment', 'application_context');
    if (app !== undefined) resource[Canonical.appName] = app;
    if (svc !== undefined) resource[Canonical.serviceName] = svc;
    if (env !== undefined) resource[Canonical.environment] = env;
    keepRest(ac, ['app_name', 'service_name', 'environment'], 'application_context', resource);
  }

  // request.model
  const provider = optString(model, 'provider', 'request.model');
  const modelName = optString(model, 'name', 'request.model');
  optString(model, 'family', 'request.model');
  if (provider !== undefined) attrs[GenAI.providerName] = provider;
  if (modelName !== undefined) attrs[GenAI.requestModel] = modelName;
  keepRest(model, ['provider', 'name'], 'request.model', attrs);
  keepRest(request, ['model', 'prompt', 'generation_config'], 'request', attrs);

  // request.prompt: chat messages, else the whole object as input.value
  const inMsgs = prompt.messages !== undefined ? openAiMessagesToGenAi(prompt.messages) : undefined;
  if (inMsgs) {
    attrs[GenAI.inputMessages] = JSON.stringify(inMsgs);
    keepRest(prompt, ['messages'], 'request.prompt', attrs);
  } else setGenericContent(prompt, Canonical.inputValue, 'input.mime_type', attrs);

  if (gen) decodeGenerationConfig(gen, attrs);

  // response.completion
  const outMsgs = completion.choices !== undefined ? choicesToGenAi(completion.choices) : undefined;
  if (outMsgs) {
    attrs[GenAI.outputMessages] = JSON.stringify(outMsgs);
    const reasons = finishReasonsOf(outMsgs);
    if (reasons.length) attrs[GenAI.finishReasons] = reasons;
    keepRest(completion, ['choices'], 'response.completion', attrs);
  } else setGenericContent(completion, Canonical.outputValue, 'output.mime_type', attrs);
  keepRest(response, ['completion', 'usage'], 'response', attrs);

  // response.usage: OpenAI semantics = the canonical ones (prompt includes cached, completion
  // includes reasoning), so the counts are copied, never added up.
  const pt = optCount(usage, 'prompt_tokens', 'response.usage');
  const ct = optCount(usage, 'completion_tokens', 'response.usage');
  const tt = optCount(usage, 'total_tokens', 'response.usage');
  if (pt !== undefined) attrs[GenAI.inputTokens] = pt;
  if (ct !== undefined) attrs[GenAI.outputTokens] = ct;
  if (tt !== undefined) attrs[Canonical.totalTokens] = tt;
  const ptd = optObject(usage, 'prompt_tokens_details', 'response.usage');
  if (ptd) {
    const cached = optCount(ptd, 'cached_tokens', 'response.usage.prompt_tokens_details');
    if (cached !== undefined) attrs[GenAI.cacheReadInputTokens] = cached;
    keepRest(ptd, ['cached_tokens'], 'response.usage.prompt_tokens_details', attrs);
  }
  const ctd = optObject(usage, 'completion_tokens_details', 'response.usage');
  if (ctd) {
    const reasoning = optCount(ctd, 'reasoning_tokens', 'response.usage.completion_tokens_details');
    if (reasoning !== undefined) attrs[GenAI.reasoningOutputTokens] = reasoning;
    keepRest(ctd, ['reasoning_tokens'], 'response.usage.completion_tokens_details', attrs);
  }
  keepRest(usage, ['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_tokens_details', 'completion_tokens_details'], 'response.usage', attrs);

  // performance
  let end = start;
  if (perf) {
    const lat = optObject(perf, 'latency_ms', 'performance');
    if (lat) {
      const e2e = optNonNegative(lat, 'total_e2e', 'performance.latency_ms');
      const ttft = optNonNegative(lat, 'time_to_first_token', 'performance.latency_ms');
      if (e2e !== undefined) end = start + nanoFromMillis(e2e);
      if (ttft !== undefined) attrs[GenAI.timeToFirstChunk] = ttft / 1000;
      keepRest(lat, ['total_e2e', 'time_to_first_token'], 'performance.latency_ms', attrs);
    }
    keepRest(perf, ['latency_ms'], 'performance', attrs);
  }

  // finops
  if (finops) {
    const cost = optObject(finops, 'cost', 'finops');
    if (cost) {
      const total = optNumber(cost, 'total_cost_usd', 'finops.cost');
      if (total !== undefined) attrs[Canonical.costUsd] = total;
      keepRest(cost, ['total_cost_usd'], 'finops.cost', attrs);
    }
    const pricing = optObject(finops, 'pricing_info', 'finops');
    keepContainer(pricing, 'finops.pricing_info', attrs);
    keepRest(finops, ['cost', 'pricing_info'], 'finops', attrs);
  }

  // governance
  if (gov) {
    const sec = optObject(gov, 'security', 'governance');
    if (sec) {
      const pii = optBoolean(sec, 'pii_redacted', 'governance.security');
      if (pii !== undefined) attrs[Canonical.piiRedacted] = pii;
      keepRest(sec, ['pii_redacted'], 'governance.security', attrs);
    }
    keepContainer(optObject(gov, 'safety', 'governance'), 'governance.safety', attrs);
    keepRest(gov, ['security', 'safety'], 'governance', attrs);
  }

  // Status travels in Switchyard's `attributes` namespace with the OTel non-OTLP keys.
  const status = statusFrom(attrs);
  const name = spanNameText ?? (modelName !== undefined ? `chat ${modelName}` : 'chat');
  const span = newSpan({
    traceId, spanId, name, startTimeUnixNano: start, endTimeUnixNano: end,
    kind: aiKind === 'LLM' || aiKind === 'EMBEDDING' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    attributes: attrs, status,
  });
  if (parent !== undefined && parent !== '') span.parentSpanId = parent;
  return { span, resource };
}

/**
 * A non-chat prompt/completion → input.value / output.value. The empty object (the required
 * object of a span with no content, as `span_policy: all` sends it) carries no content; the
 * `{"text": …}` wrapper the encoder puts around plain text (marked `text/plain` in Switchyard's
 * `attributes` namespace) is unwrapped; any other object is JSON text.
 */
function setGenericContent(o: JsonObject, key: string, mimeKey: string, attrs: Attributes): void {
  const keys = Object.keys(o);
  if (keys.length === 0) {
    delete attrs[mimeKey];
    return;
  }
  if (attrs[mimeKey] === 'text/plain' && keys.length === 1 && typeof o.text === 'string') {
    setOwn(attrs, key, o.text);
    return;
  }
  setOwn(attrs, key, JSON.stringify(o));
  attrs[mimeKey] = 'application/json';
}

function statusFrom(attrs: Attributes): Span['status'] {
  const code = attrs['otel.status_code'];
  const msg = attrs['otel.status_description'];
  if (code === undefined) return { code: StatusCode.UNSET };
  delete attrs['otel.status_code'];
  delete attrs['otel.status_description'];
  const c = code === 'ERROR' ? StatusCode.ERROR : code === 'OK' ? StatusCode.OK : StatusCode.UNSET;
  return typeof msg === 'string' ? { code: c, message: msg } : { code: c };
}

/** generation_config → gen_ai.request.*; primary Netra names first, OpenAI aliases remembered. */
const GEN_FIELDS: { field: string; key: string; type: 'double' | 'int' | 'bool' | 'strings'; alias?: boolean }[] = [
  { field: 'temperature', key: GenAI.requestTemperature, type: 'double' },
  { field: 'top_p', key: GenAI.requestTopP, type: 'double' },
  { field: 'top_k', key: GenAI.requestTopK, type: 'double' },
  { field: 'max_tokens_to_sample', key: GenAI.requestMaxTokens, type: 'int' },
  { field: 'max_tokens', key: GenAI.requestMaxTokens, type: 'int', alias: true },
  { field: 'seed', key: GenAI.requestSeed, type: 'int' },
  { field: 'stop_sequences', key: GenAI.requestStopSequences, type: 'strings' },
  { field: 'stop', key: GenAI.requestStopSequences, type: 'strings', alias: true },
  { field: 'stream', key: GenAI.requestStream, type: 'bool' },
];

export const GENERATION_CONFIG_PRIMARY: Record<string, string> = Object.fromEntries(
  GEN_FIELDS.filter((f) => !f.alias).map((f) => [f.key, f.field]),
);

function decodeGenerationConfig(gen: JsonObject, attrs: Attributes): void {
  const used: string[] = [];
  for (const f of GEN_FIELDS) {
    const v = gen[f.field];
    if (v === undefined || attrs[f.key] !== undefined) continue;
    let value: AnyValue | undefined;
    if (f.type === 'double' && typeof v === 'number' && Number.isFinite(v)) value = v;
    else if (f.type === 'int' && typeof v === 'number' && Number.isSafeInteger(v)) value = BigInt(v);
    else if (f.type === 'bool' && typeof v === 'boolean') value = v;
    else if (f.type === 'strings' && Array.isArray(v) && v.every((s) => typeof s === 'string')) value = v as string[];
    if (value === undefined) continue; // an unexpected shape is kept verbatim below
    attrs[f.key] = value;
    if (f.alias) attrs[NETRA_ALIAS_PREFIX + f.key] = f.field;
    used.push(f.field);
  }
  keepRest(gen, used, 'request.generation_config', attrs);
}

/** Splits a body into NDJSON lines and decodes each; see the file comment for the rules. */
export function decodeNetraNdjson(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, receivedAt: bigint = nowNano()): DecodeResult {
  const rejected: ItemRejection[] = [];
  const groups = new Map<string, { resource: Attributes; spans: Span[] }>();
  let events = 0;
  let accepted = 0;
  // Lines are cut from the body's bytes (no copy); each is checked and parsed on its own, so one
  // hostile or broken line cannot take its neighbours with it.
  let start = 0;
  for (let i = 0; start <= body.length; i++) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    const bytes = body.subarray(start, stop);
    start = end + 1;
    const raw = bytes.toString('utf8');
    if (raw.trim() === '') continue;
    if (++events > limits.maxItems) throw new InputError('', `the batch has more than ${limits.maxItems} events`, 'too_large');
    try {
      const ev = parseLine(raw, bytes, limits);
      const d = decodeNetraEvent(ev, raw, receivedAt);
      // The lossless model encoding: a kvlist of the resource may hold ints (bigint), which plain
      // JSON.stringify refuses; that threw for every such event and was answered 429 forever.
      const key = serializeAttributes(d.resource);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { resource: d.resource, spans: [] }));
      g.spans.push(d.span);
      accepted++;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      rejected.push({ index: i, field: e.field, message: e.field ? `line ${i + 1}: ${e.message}` : `line ${i + 1} ${e.message}` });
    }
  }
  if (events === 0) throw new InputError('', 'body has no NDJSON events (one JSON object per line)');
  if (accepted === 0) {
    const first = rejected[0]!;
    const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more rejected line${rejected.length > 2 ? 's' : ''})` : '';
    throw new InputError(first.field, `no valid event: ${first.message}${more}`);
  }
  const traces: ResourceSpans[] = [...groups.values()].map((g) => ({ resource: { attributes: g.resource }, scopeSpans: [{ scope: NETRA_SCOPE, spans: g.spans }] }));
  const telemetry: Telemetry = { traces };
  return { telemetry, accepted, rejected };
}

function parseLine(raw: string, bytes: Uint8Array, limits: DecodeLimits): JsonObject {
  checkJsonShape(bytes, limits);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new InputError('', `is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(v)) throw new InputError('', `must be a JSON object, got ${typeName(v)}`);
  return v;
}
