/**
 * Semantic model → Neatlogs batches: one workflow_name per request, at most 1 MB per request.
 *
 * - Workflow: span `gen_ai.workflow.name`, else the resource's, else `default_workflow_name`
 *   (exporter config), else the resource `service.name`, else "default".
 * - `max_content_bytes` (default 256 KiB) caps `input` and `output` of each span; a span still
 *   too large for a request has its longest strings cut. Truncated spans carry
 *   `attributes["switchyard.content.truncated"] = true` and a visible marker in the text.
 * - Model, provider and token counts travel in `attributes` under the canonical GenAI keys, and
 *   per request as summary `metrics` (sums over the request's spans, unit "tokens" / "USD").
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, StatusCode, attrNumber, flattenSpans, millisFromNano, toJson,
  type AnyValue, type Attributes, type SpanWithContext, type Telemetry,
} from '../../model/index.js';
import { isObject, type JsonObject } from '../json.js';
import type { EncodeContext, OutboundRequest } from '../types.js';
import { genAiMessagesToOpenAi, systemInstructionsToOpenAi } from '../../model/genai-messages/openai-chat.js';
import { jsonBytes, truncateJson } from '../shared/content-truncation.js';
import { aiKindOf } from '../../model/ai-kind.js';
import {
  ATTR_ERROR_MESSAGE, ATTR_ERROR_TYPE, ATTR_KIND, ATTR_STATUS, ATTR_TRACE_ID, KEY_KIND, KEY_METRICS, KEY_STATUS,
  NEATLOGS_DEFAULT_MAX_CONTENT_BYTES, NEATLOGS_FALLBACK_WORKFLOW, NEATLOGS_MEDIA_TYPE,
  NEATLOGS_PATH, PREFIX_BATCH, PREFIX_SPAN,
} from './contract.js';
import type { NeatlogsExporterOptions } from './config.js';
import { SUMMARY_METRICS } from './decode.js';
import { deriveTraceIds } from './trace-ids.js';
import { fidelityOf, type Fidelity } from '../shared/fidelity.js';
import { holdNeatlogsSpan } from './contract-check.js';

const CONTENT_KEYS = new Set<string>([
  GenAI.inputMessages, GenAI.outputMessages, GenAI.systemInstructions, Canonical.inputValue, Canonical.outputValue, 'input.mime_type', 'output.mime_type',
]);

const nonEmpty = (v: AnyValue | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

export function workflowOf(sw: SpanWithContext, opts: NeatlogsExporterOptions): string {
  return nonEmpty(sw.span.attributes[GenAI.workflowName]) ?? nonEmpty(sw.resource[GenAI.workflowName]) ?? opts.default_workflow_name
    ?? nonEmpty(sw.resource[Canonical.serviceName]) ?? NEATLOGS_FALLBACK_WORKFLOW;
}

/**
 * One workflow name per trace (DESIGN §10): the trace's `gen_ai.workflow.name` wherever in the
 * trace it is set (the root span's first, then any span's, then a resource's), else the fallback
 * of its first span. Spans of one trace never go out under two names.
 */
export function workflowsByTrace(spans: readonly SpanWithContext[], opts: NeatlogsExporterOptions): Map<string, string> {
  const found = new Map<string, { name: string; rank: number }>();
  for (const sw of spans) {
    const own = nonEmpty(sw.span.attributes[GenAI.workflowName]);
    const rank = own ? (sw.span.parentSpanId ? 1 : 0) : nonEmpty(sw.resource[GenAI.workflowName]) ? 2 : 3;
    const prev = found.get(sw.span.traceId);
    if (!prev || rank < prev.rank) found.set(sw.span.traceId, { name: workflowOf(sw, opts), rank });
  }
  return new Map([...found].map(([trace, w]) => [trace, w.name]));
}

function parseMaybeJson(v: AnyValue): unknown {
  if (typeof v !== 'string') return toJson(v);
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function encodeContent(a: Attributes, dir: 'input' | 'output'): { value: unknown } | undefined {
  const msgsKey = dir === 'input' ? GenAI.inputMessages : GenAI.outputMessages;
  const valueKey = dir === 'input' ? Canonical.inputValue : Canonical.outputValue;
  if (a[msgsKey] !== undefined && a[msgsKey] !== null) {
    const msgs = genAiMessagesToOpenAi(parseMaybeJson(a[msgsKey]!));
    if (msgs) {
      const sys = dir === 'input' && a[GenAI.systemInstructions] !== undefined ? systemInstructionsToOpenAi(toJson(a[GenAI.systemInstructions])) : undefined;
      return { value: { messages: sys ? [sys, ...msgs] : msgs } };
    }
    return { value: toJson(a[msgsKey]) };
  }
  const v = a[valueKey];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return { value: toJson(v) };
  const mime = a[`${dir}.mime_type`];
  if (mime === 'text/plain') return { value: v };
  if (mime === 'application/json' || /^\s*[[{]/.test(v)) {
    try {
      return { value: JSON.parse(v) };
    } catch {
      /* not JSON after all */
    }
  }
  return { value: v };
}

/** One Neatlogs span object (pure). `derivedTraceId` is what a decoder would derive for it. */
export function encodeNeatlogsSpan(sw: SpanWithContext, derivedTraceId: string): JsonObject {
  const { span, resource } = sw;
  const a = span.attributes;
  const attributes: JsonObject = {};
  const out: JsonObject = { span_id: span.spanId };
  if (span.parentSpanId) out.parent_span_id = span.parentSpanId;
  out.name = span.name;
  out.start_time = millisFromNano(span.startTimeUnixNano);
  out.end_time = millisFromNano(span.endTimeUnixNano);

  for (const src of [resource, a]) {
    for (const k in src) {
      if (k === GenAI.workflowName || CONTENT_KEYS.has(k) || k === KEY_METRICS || k === KEY_STATUS || k === KEY_KIND || k === Canonical.errorType) continue;
      if (k.startsWith(PREFIX_SPAN) || k.startsWith(PREFIX_BATCH)) continue;
      if (k === GenAI.finishReasons && a[GenAI.outputMessages] !== undefined) continue;
      setOwn(attributes, k, toJson(src[k]));
    }
  }
  const verbatimKind = a[KEY_KIND];
  attributes[ATTR_KIND] = typeof verbatimKind === 'string' && verbatimKind !== '' ? verbatimKind
    : typeof a[ATTR_KIND] === 'string' && a[ATTR_KIND] !== '' ? a[ATTR_KIND] : aiKindOf(a) ?? 'UNKNOWN';
  const verbatim = a[KEY_STATUS];
  if (typeof verbatim === 'string') attributes[ATTR_STATUS] = verbatim;
  else if (span.status.code === StatusCode.OK) attributes[ATTR_STATUS] = 'success';
  else if (span.status.code === StatusCode.ERROR) attributes[ATTR_STATUS] = 'error';
  if (span.status.message !== undefined) attributes[ATTR_ERROR_MESSAGE] = span.status.message;
  const et = a[Canonical.errorType];
  if (et !== undefined && et !== null) attributes[ATTR_ERROR_TYPE] = typeof et === 'string' ? et : toJson(et);
  if (span.traceId !== derivedTraceId) attributes[ATTR_TRACE_ID] = span.traceId;
  out.attributes = attributes;

  const input = encodeContent(a, 'input');
  if (input) out.input = input.value;
  const output = encodeContent(a, 'output');
  if (output) out.output = output.value;
  for (const k in a) if (k.startsWith(PREFIX_SPAN)) out[k.slice(PREFIX_SPAN.length)] = toJson(a[k]);
  return out;
}

/** Caps input/output, then the whole span; undefined when nothing had to change. */
function truncateSpan(s: JsonObject, maxContent: number, maxSpan: number): JsonObject | undefined {
  let changed = false;
  let out = s;
  for (const k of ['input', 'output'] as const) {
    if (out[k] === undefined) continue;
    const t = truncateJson(out[k], maxContent);
    if (t.truncated) {
      out = { ...out, [k]: t.value };
      changed = true;
    }
  }
  if (jsonBytes(out) > maxSpan) {
    const t = truncateJson(out, maxSpan);
    if (isObject(t.value)) out = t.value;
    changed = true;
  }
  if (!changed) return undefined;
  const attrs = isObject(out.attributes) ? out.attributes : {};
  return { ...out, attributes: { ...attrs, [Canonical.contentTruncated]: true } };
}

export interface NeatlogsBody {
  body: JsonObject;
  text: string;
  spans: JsonObject[];
}

/** Room kept in each request for the summary metrics (7 entries at most). */
const SUMMARY_RESERVE = 1024;

function summaries(members: SpanWithContext[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const m of SUMMARY_METRICS) {
    let any = false;
    let sum = 0;
    for (const sw of members) {
      const v = attrNumber(sw.span.attributes, m.key);
      if (v === undefined) continue;
      any = true;
      sum += v;
    }
    if (any) out.push({ name: m.key, value: sum, unit: m.unit });
  }
  return out;
}

export function encodeNeatlogsBodies(data: Telemetry, opts: NeatlogsExporterOptions, note?: EncodeContext['note'], fidelity: Fidelity = fidelityOf(undefined)): NeatlogsBody[] {
  // max_content_bytes is a key every exporter has; 0 or absent means Neatlogs' own default.
  const maxContentBytes = opts.max_content_bytes || NEATLOGS_DEFAULT_MAX_CONTENT_BYTES;
  const groups = new Map<string, SpanWithContext[]>();
  const spans = flattenSpans(data.traces ?? []);
  const byTrace = workflowsByTrace(spans, opts);
  for (const sw of spans) {
    const wf = byTrace.get(sw.span.traceId)!;
    let g = groups.get(wf);
    if (!g) groups.set(wf, (g = []));
    g.push(sw);
  }
  const bodies: NeatlogsBody[] = [];
  let truncated = 0;
  for (const [workflow, members] of groups) {
    const derived = deriveTraceIds(members.map((m) => ({ id: m.span.spanId, parent: m.span.parentSpanId })));
    const base = Buffer.byteLength(JSON.stringify({ workflow_name: workflow, spans: [], metrics: [] }), 'utf8');
    const maxSpan = opts.max_request_bytes - base - SUMMARY_RESERVE - 16;
    let cur: { sw: SpanWithContext; json: JsonObject; text: string }[] = [];
    let size = base + SUMMARY_RESERVE;
    const flush = () => {
      if (!cur.length) return;
      const spans = cur.map((c) => c.json);
      const kept: unknown[] = [];
      const extra: JsonObject = {};
      for (const c of cur) {
        const m = c.sw.span.attributes[KEY_METRICS];
        if (Array.isArray(m)) for (const x of m) kept.push(toJson(x));
        for (const k in c.sw.span.attributes) {
          if (k.startsWith(PREFIX_BATCH) && !(k.slice(PREFIX_BATCH.length) in extra)) extra[k.slice(PREFIX_BATCH.length)] = toJson(c.sw.span.attributes[k]);
        }
      }
      const metrics = [...kept, ...summaries(cur.map((c) => c.sw))];
      const body: JsonObject = { ...extra, workflow_name: workflow, spans };
      if (metrics.length) body.metrics = metrics;
      const text = '{' + Object.entries(body).filter(([k]) => k !== 'spans').map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).concat(`"spans":[${cur.map((c) => c.text).join(',')}]`).join(',') + '}';
      bodies.push({ body, text, spans });
      cur = [];
      size = base + SUMMARY_RESERVE;
    };
    members.forEach((sw, i) => {
      const held = holdNeatlogsSpan(encodeNeatlogsSpan(sw, derived[i]!), sw, fidelity);
      if (!held) return;
      let json = held;
      let text = JSON.stringify(json);
      let bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxContentBytes || bytes > maxSpan) {
        const t = truncateSpan(json, maxContentBytes, maxSpan);
        if (t) {
          json = t;
          text = JSON.stringify(json);
          bytes = Buffer.byteLength(text, 'utf8');
          truncated++;
        }
      }
      const m = sw.span.attributes[KEY_METRICS];
      const metricBytes = Array.isArray(m) ? jsonBytes(toJson(m)) : 0;
      const batchBytes = Object.keys(sw.span.attributes).some((k) => k.startsWith(PREFIX_BATCH)) ? jsonBytes(Object.fromEntries(Object.entries(sw.span.attributes).filter(([k]) => k.startsWith(PREFIX_BATCH)).map(([k, v]) => [k, toJson(v)]))) : 0;
      const add = bytes + 1 + metricBytes + batchBytes;
      if (cur.length && size + add > opts.max_request_bytes) flush();
      cur.push({ sw, json, text });
      size += add;
    });
    flush();
  }
  if (truncated && note) note('truncated', truncated, 'neatlogs: span content larger than max_content_bytes or 1 MB');
  const extraRequests = bodies.length - groups.size;
  if (extraRequests > 0 && note) note('split', extraRequests, 'neatlogs: batch split to stay under 1 MB per request');
  return bodies;
}

export function encodeNeatlogs(data: Telemetry, ctx: EncodeContext<NeatlogsExporterOptions>): OutboundRequest[] {
  const fidelity = fidelityOf(ctx);
  const bodies = encodeNeatlogsBodies(data, ctx.config, ctx.note, fidelity);
  fidelity.flush();
  return bodies.map((b) => ({
    path: NEATLOGS_PATH,
    contentType: NEATLOGS_MEDIA_TYPE,
    body: b.text,
    items: b.spans.length,
  }));
}
