/**
 * Foglamp request body → semantic model. Pure; throws InputError naming the offending field.
 *
 * Token arithmetic: Foglamp's usage block follows the Vercel AI SDK's LanguageModelUsage, whose
 * `inputTokens` is the whole prompt (cached reads and cache writes included; `cachedInputTokens`
 * and `cacheWriteInputTokens` are parts of it) and whose `outputTokens` includes
 * `reasoningTokens`. That is exactly the canonical (GenAI) arithmetic, so counts map one to one
 * and nothing is added or subtracted in either direction.
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, SpanKind, StatusCode, fromJson, nanoFromMillis, newSpan, tracesOf,
  type AnyValue, type Span, type SpanStatus, type Telemetry,
} from '../../model/index.js';
import { InputError, fail } from '../errors.js';
import {
  DEFAULT_DECODE_LIMITS, asArray, asObject, join, optNumber, optObject, optString, parseJsonBody, reqNumber, reqString,
  type JsonObject,
} from '../json.js';
import type { DecodeLimits, DecodeResult } from '../types.js';
import { restoreMetadata } from './contract-check.js';
import {
  countValue, decodeContent, metadataAttributes, parseJsonText, quote, reservedMetadataKey, sameValue, secondsFromMs, setModel,
} from '../shared/codec-tools.js';
import {
  FOGLAMP_MAX_TRACES, FOGLAMP_MIN_TRACES, FOGLAMP_VERSION, INHERITED_METADATA_KEYS, MARK, P, SPAN_KEYS,
  TRACE_KEYS, TRACE_METADATA_KEYS, USAGE_MAP, kindFromSpanType, spanTypeFromKind,
} from './contract.js';

/** Trace-level Foglamp field → canonical key, set on every span of the trace. */
export const TRACE_FIELD_MAP: Record<string, string> = {
  agentName: GenAI.agentName,
  workflowName: GenAI.workflowName,
  workflowRunId: Canonical.workflowRunId,
  sessionId: Canonical.sessionId,
};

export function decodeFoglampBody(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const doc = parseJsonBody(body, limits);
  return decodeFoglampDocument(doc, limits);
}

export function decodeFoglampDocument(doc: unknown, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const root = asObject(doc, '');
  const version = reqString(root, 'version', '');
  if (version !== FOGLAMP_VERSION) fail('version', `must be "${FOGLAMP_VERSION}", got ${quote(version)}`);
  if (root.traces === undefined || root.traces === null) fail('traces', 'is required');
  const traces = asArray(root.traces, 'traces');
  if (traces.length < FOGLAMP_MIN_TRACES || traces.length > FOGLAMP_MAX_TRACES) {
    fail('traces', `must hold ${FOGLAMP_MIN_TRACES} to ${FOGLAMP_MAX_TRACES} traces, got ${traces.length}`);
  }
  let total = 0;
  for (let i = 0; i < traces.length; i++) {
    const t = traces[i];
    if (t && typeof t === 'object' && Array.isArray((t as JsonObject).spans)) total += ((t as JsonObject).spans as unknown[]).length;
  }
  if (total > limits.maxItems) {
    throw new InputError('traces', `traces carry ${total} spans, more than the limit of ${limits.maxItems}`, 'too_large');
  }
  const spans: Span[] = [];
  for (let i = 0; i < traces.length; i++) decodeTrace(traces[i], `traces[${i}]`, spans);
  const telemetry: Telemetry = tracesOf(spans);
  return { telemetry, accepted: spans.length, rejected: [] };
}

function decodeTrace(v: unknown, path: string, out: Span[]): void {
  const t = asObject(v, path);
  const traceId = reqString(t, 'traceId', path);
  if (traceId === '') fail(join(path, 'traceId'), 'must not be empty');
  if (t.spans === undefined || t.spans === null) fail(join(path, 'spans'), 'is required');
  const spans = asArray(t.spans, join(path, 'spans'));
  const traceFields: [string, string][] = [];
  for (const [field, key] of Object.entries(TRACE_FIELD_MAP)) {
    const s = optString(t, field, path);
    if (s !== undefined) traceFields.push([key, s]);
  }
  const traceMeta = restoreMetadata(optObject(t, 'metadata', path));
  const traceExtra: [string, AnyValue][] = [];
  for (const k of Object.keys(t)) if (!TRACE_KEYS.has(k)) traceExtra.push([`${P}trace.${k}`, fromJson(t[k])]);
  for (let j = 0; j < spans.length; j++) {
    const spanPath = `${join(path, 'spans')}[${j}]`;
    const span = decodeSpan(asObject(spans[j], spanPath), spanPath, traceId);
    const a = span.attributes;
    // Trace-level fields apply to every span; a span's own value (from its metadata) wins.
    for (const [key, value] of traceFields) if (a[key] === undefined) setOwn(a, key, value);
    for (const [key, value] of traceExtra) setOwn(a, key, value);
    if (traceMeta) {
      const inherited: string[] = [];
      for (const [k, raw] of Object.entries(traceMeta)) {
        const value = fromJson(raw);
        if (reservedMetadataKey(k, P, MARK)) a[`${P}trace.metadata.${k}`] = value;
        else if (a[k] === undefined) {
          setOwn(a, k, value);
          inherited.push(k);
        } else if (!sameValue(a[k], value)) a[`${P}trace.metadata.${k}`] = value;
      }
      a[TRACE_METADATA_KEYS] = Object.keys(traceMeta);
      if (inherited.length > 0) a[INHERITED_METADATA_KEYS] = inherited;
    }
    out.push(span);
  }
}

function decodeSpan(s: JsonObject, path: string, traceId: string): Span {
  const spanId = reqString(s, 'spanId', path);
  if (spanId === '') fail(join(path, 'spanId'), 'must not be empty');
  const name = reqString(s, 'name', path);
  const startMs = reqNumber(s, 'startTime', path);
  const endMs = reqNumber(s, 'endTime', path);
  const parentSpanId = optString(s, 'parentSpanId', path);

  // A field's value wins over a metadata entry of the same key; a different metadata value is kept.
  const meta = metadataAttributes(restoreMetadata(optObject(s, 'metadata', path)), P, MARK);
  const { attrs, fromMetadata, set, setAside } = meta;

  const spanType = optString(s, 'spanType', path);
  if (spanType !== undefined) {
    const kind = kindFromSpanType(spanType);
    set(Canonical.spanKind, kind);
    if (spanTypeFromKind(kind) !== spanType) attrs[`${P}spanType`] = spanType;
  }

  const status: SpanStatus = { code: StatusCode.UNSET };
  const st = optString(s, 'status', path);
  if (st === 'ok') status.code = StatusCode.OK;
  else if (st === 'error') status.code = StatusCode.ERROR;
  else if (st !== undefined) fail(join(path, 'status'), `must be "ok" or "error", got ${quote(st)}`);
  const errorMessage = optString(s, 'errorMessage', path);
  if (errorMessage !== undefined) {
    if (status.code === StatusCode.ERROR) status.message = errorMessage;
    else attrs[`${P}errorMessage`] = errorMessage;
  }

  const provider = optString(s, 'provider', path);
  if (provider !== undefined) set(GenAI.providerName, provider);
  const modelId = optString(s, 'modelId', path);
  if (modelId !== undefined) setModel(meta, modelId);

  const usage = optObject(s, 'usage', path);
  if (usage) {
    const upath = join(path, 'usage');
    for (const [k, v] of Object.entries(usage)) {
      if (v === undefined || v === null) continue;
      const key = USAGE_MAP[k];
      if (key) set(key, countValue(v, join(upath, k)));
      else attrs[`${P}usage.${k}`] = fromJson(v);
    }
  }

  const ttft = optNumber(s, 'ttftMs', path);
  if (ttft !== undefined) {
    if (ttft < 0) fail(join(path, 'ttftMs'), 'must be a non-negative number');
    set(GenAI.timeToFirstChunk, secondsFromMs(ttft));
  }

  for (const dir of ['input', 'output'] as const) {
    const text = optString(s, dir, path);
    if (text === undefined) continue;
    for (const k of dir === 'input' ? [GenAI.inputMessages, Canonical.inputValue] : [GenAI.outputMessages, Canonical.outputValue]) setAside(k);
    decodeContent(attrs, dir, text, parseJsonText(text), false);
  }

  for (const k of Object.keys(s)) if (!SPAN_KEYS.has(k)) attrs[`${P}${k}`] = fromJson(s[k]);

  const span = newSpan({
    traceId,
    spanId,
    name,
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: nanoFromMillis(startMs),
    endTimeUnixNano: nanoFromMillis(endMs),
    attributes: attrs,
    status,
  });
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  return span;
}
