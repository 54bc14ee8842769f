/**
 * Semantic model → Foglamp request bodies. Pure: never mutates its input.
 *
 * Spans are grouped by trace id (first appearance order), trace-level fields are taken from the
 * spans (the most common value of each), and the traces are split into requests of at most
 * `maxTracesPerRequest` (≤ 1000) traces. Nothing is dropped: an oversized input/output is cut to
 * `maxContentBytes` with a visible marker and `switchyard.content.truncated` in the span metadata.
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, StatusCode, aiKindFromOperation, attrString, flattenSpans, toJson,
  type SpanWithContext, type Telemetry,
} from '../../model/index.js';
import type { JsonObject } from '../json.js';
import {
  contentAsText, countsOf, metadataOf, modelOf, msFromNano, msFromSeconds, numberOf, readContent, sameValue,
} from '../shared/codec-tools.js';
import { truncateUtf8 } from '../shared/content-truncation.js';
import {
  FOGLAMP_VERSION, INHERITED_METADATA_KEYS, P, SPAN_KEYS, TRACE_METADATA_KEYS, USAGE_MAP,
  kindFromSpanType, spanTypeFromKind,
} from './contract.js';
import { foglampOptions, type FoglampExporterOptions } from './config.js';
import { TRACE_FIELD_MAP } from './decode.js';
import { fidelityOf, type Fidelity } from '../shared/fidelity.js';
import { holdFoglampSpan, stringMetadata } from './contract-check.js';

/** Where contract coercions and refusals go (default: refusals throw). */
export interface FoglampFidelity {
  fidelity?: Fidelity;
}

export interface FoglampBatch {
  body: { version: string; traces: JsonObject[] };
  /** Span rows in this body. */
  spans: number;
  /** Spans whose content was truncated. */
  truncated: number;
}

interface TraceChoice {
  fields: Record<string, string>;
  metadata?: JsonObject;
}

export function encodeFoglampTraces(spans: readonly SpanWithContext[], opts: Pick<FoglampExporterOptions, 'max_content_bytes'> & FoglampFidelity = {}): { trace: JsonObject; spans: number; truncated: number }[] {
  const groups = new Map<string, SpanWithContext[]>();
  for (const s of spans) {
    let g = groups.get(s.span.traceId);
    if (!g) groups.set(s.span.traceId, (g = []));
    g.push(s);
  }
  const out: { trace: JsonObject; spans: number; truncated: number }[] = [];
  const fidelity = opts.fidelity ?? fidelityOf(undefined);
  for (const [traceId, group] of groups) {
    const choice = chooseTraceFields(group);
    let truncated = 0;
    const encoded: JsonObject[] = [];
    for (const s of group) {
      const r = encodeSpan(s, choice, opts.max_content_bytes);
      const held = holdFoglampSpan(r.span, s, fidelity);
      if (!held) continue;
      if (r.truncated) truncated++;
      encoded.push(held);
    }
    if (encoded.length === 0) continue;
    const trace: JsonObject = { traceId, spans: encoded };
    for (const field of Object.keys(TRACE_FIELD_MAP)) if (choice.fields[field] !== undefined) trace[field] = choice.fields[field];
    if (choice.metadata) trace.metadata = stringMetadata(choice.metadata, fidelity) as JsonObject;
    // Unknown trace-level fields a Foglamp client sent, kept verbatim.
    for (const s of group) {
      for (const k in s.span.attributes) {
        if (!k.startsWith(`${P}trace.`) || k.startsWith(`${P}trace.metadata.`)) continue;
        const field = k.slice(`${P}trace.`.length);
        if (trace[field] === undefined) trace[field] = toJson(s.span.attributes[k]);
      }
    }
    out.push({ trace, spans: encoded.length, truncated });
  }
  return out;
}

/** Encodes a batch into request bodies of at most max_traces_per_request traces each. */
export function encodeFoglamp(data: Telemetry, opts: FoglampExporterOptions & FoglampFidelity = foglampOptions()): FoglampBatch[] {
  const max = opts.max_traces_per_request;
  const traces = encodeFoglampTraces(flattenSpans(data.traces ?? []), opts);
  const batches: FoglampBatch[] = [];
  for (let i = 0; i < traces.length; i += max) {
    const chunk = traces.slice(i, i + max);
    batches.push({
      body: { version: FOGLAMP_VERSION, traces: chunk.map((t) => t.trace) },
      spans: chunk.reduce((n, t) => n + t.spans, 0),
      truncated: chunk.reduce((n, t) => n + t.truncated, 0),
    });
  }
  return batches;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

function chooseTraceFields(group: SpanWithContext[]): TraceChoice {
  const fields: Record<string, string> = {};
  for (const [field, key] of Object.entries(TRACE_FIELD_MAP)) {
    const v = mostCommon(group.map((s) => attrString(s.span.attributes, key)).filter((x): x is string => x !== undefined));
    if (v !== undefined) fields[field] = v;
  }
  if (fields.sessionId === undefined) {
    const conv = mostCommon(group.map((s) => attrString(s.span.attributes, GenAI.conversationId)).filter((x): x is string => x !== undefined));
    if (conv !== undefined) fields.sessionId = conv;
  }
  const choice: TraceChoice = { fields };
  const withKeys = group.find((s) => Array.isArray(s.span.attributes[TRACE_METADATA_KEYS]));
  if (withKeys) {
    const a = withKeys.span.attributes;
    const md: JsonObject = {};
    for (const k of a[TRACE_METADATA_KEYS] as unknown[]) {
      if (typeof k !== 'string') continue;
      const v = a[`${P}trace.metadata.${k}`] ?? a[`${P}metadata.${k}`] ?? a[k];
      if (v !== undefined) setOwn(md, k, toJson(v));
    }
    choice.metadata = md;
  }
  return choice;
}

function encodeSpan(s: SpanWithContext, trace: TraceChoice, maxContentBytes: number | undefined): { span: JsonObject; truncated: boolean } {
  const { span } = s;
  const a = span.attributes;
  const used = new Set<string>();
  const out: JsonObject = { spanId: span.spanId };

  const kindAttr = attrString(a, Canonical.spanKind);
  if (kindAttr !== undefined) used.add(Canonical.spanKind);
  const kind = kindAttr ?? aiKindFromOperation(attrString(a, GenAI.operationName));
  if (kind !== undefined) {
    const verbatim = a[`${P}spanType`];
    out.spanType = typeof verbatim === 'string' && kindFromSpanType(verbatim) === kind ? verbatim : spanTypeFromKind(kind) ?? 'unknown';
  }
  out.name = span.name;
  out.startTime = msFromNano(span.startTimeUnixNano);
  out.endTime = msFromNano(span.endTimeUnixNano);
  if (span.parentSpanId !== undefined) out.parentSpanId = span.parentSpanId;
  if (span.status.code === StatusCode.OK) out.status = 'ok';
  else if (span.status.code === StatusCode.ERROR) {
    out.status = 'error';
    if (span.status.message !== undefined) out.errorMessage = span.status.message;
  }
  if (out.errorMessage === undefined && typeof a[`${P}errorMessage`] === 'string') out.errorMessage = a[`${P}errorMessage`];

  const provider = attrString(a, GenAI.providerName);
  if (provider !== undefined) {
    out.provider = provider;
    used.add(GenAI.providerName);
  }
  const model = modelOf(a, used);
  if (model !== undefined) out.modelId = model;

  const usage = countsOf(a, USAGE_MAP, used);
  for (const k in a) if (k.startsWith(`${P}usage.`)) usage[k.slice(`${P}usage.`.length)] ??= toJson(a[k]);
  if (Object.keys(usage).length > 0) out.usage = usage;

  const ttft = numberOf(a[GenAI.timeToFirstChunk]);
  if (ttft !== undefined) {
    out.ttftMs = msFromSeconds(ttft);
    used.add(GenAI.timeToFirstChunk);
  }

  let truncated = false;
  for (const dir of ['input', 'output'] as const) {
    const c = readContent(a, dir, used);
    if (!c) continue;
    const t = truncateUtf8(contentAsText(c), maxContentBytes);
    out[dir] = t.text;
    truncated ||= t.truncated;
  }

  // Trace-level values are carried by the trace; a span's differing value stays in its metadata.
  for (const [field, key] of Object.entries(TRACE_FIELD_MAP)) {
    if (trace.fields[field] !== undefined && sameValue(a[key], trace.fields[field])) used.add(key);
  }
  if (attrString(a, Canonical.sessionId) === undefined && trace.fields.sessionId !== undefined && sameValue(a[GenAI.conversationId], trace.fields.sessionId)) {
    used.add(GenAI.conversationId);
  }
  const inherited = a[INHERITED_METADATA_KEYS];
  if (Array.isArray(inherited) && trace.metadata) {
    for (const k of inherited) if (typeof k === 'string' && k in trace.metadata && sameValue(a[k], trace.metadata[k] as never)) used.add(k);
  }

  const metadata = metadataOf(s.resource, a, used, P, truncated);
  if (Object.keys(metadata).length > 0) out.metadata = metadata;

  // Unknown span fields a Foglamp client sent, kept verbatim.
  for (const k in a) {
    if (!k.startsWith(P)) continue;
    const field = k.slice(P.length);
    if (SPAN_KEYS.has(field) || field.startsWith('trace.') || field.startsWith('metadata.') || field.startsWith('usage.')) continue;
    if (out[field] === undefined) out[field] = toJson(a[k]);
  }
  return { span: out, truncated };
}
