/**
 * Semantic model → KeywordsAI log arrays. Pure: never mutates its input.
 *
 * Every log gets its ids filled (id, trace_unique_id, span_unique_id, span_parent_id) and a
 * span_workflow_name (the span's gen_ai.workflow.name, else the trace's, else the trace's root
 * span name). Logs are split into requests of at most maxLogsPerRequest logs and maxRequestBytes
 * bytes; nothing is dropped. Oversized input/output is cut to maxContentBytes with a visible
 * marker and `switchyard.content.truncated` in metadata.
 */
import {
  Canonical, GenAI, StatusCode, aiKindFromOperation, attrString, flattenSpans, nanoFromIso, toJson,
  type SpanWithContext, type Telemetry,
} from '../../model/index.js';
import type { JsonObject } from '../json.js';
import {
  contentAsText, countsOf, metadataOf, modelOf, numberOf, readContent, secondsFromNano, type Content,
} from '../shared/codec-tools.js';
import { truncateUtf8 } from '../shared/content-truncation.js';
import { isoForKeywordsAi } from './time.js';
import {
  ABSENT_FIELDS, P, STRUCTURED, TOP_LEVEL_TOKENS,
  kindFromLogType, logTypeFromKind, operationFromLogType,
} from './contract.js';
import { keywordsAiOptions, type KeywordsAiExporterOptions } from './config.js';
import { fidelityOf, type Fidelity } from '../shared/fidelity.js';
import { holdKeywordsAiLog } from './contract-check.js';
import { COMPLETION_DETAILS_MAP, EMPTY_USAGE, PROMPT_DETAILS_MAP, SOFT_FIELDS, USAGE_MAP } from './decode.js';

/** Where contract refusals go (default: they throw). */
export interface KeywordsAiFidelity {
  fidelity?: Fidelity;
}

export interface KeywordsAiBatch {
  logs: JsonObject[];
  body: string;
  truncated: number;
}

/** `keywordsai.<field>` attributes the encoder reads itself (not re-emitted as they are). */
const VERBATIM_HANDLED = new Set(['id', 'log_type', 'timestamp', 'start_time', 'latency', 'status', 'error_message', EMPTY_USAGE.slice(P.length)]);

interface TraceInfo {
  workflow?: string;
  rootName?: string;
}

function traceInfos(spans: readonly SpanWithContext[]): Map<string, TraceInfo> {
  const out = new Map<string, TraceInfo>();
  for (const { span } of spans) {
    let t = out.get(span.traceId);
    if (!t) out.set(span.traceId, (t = {}));
    t.workflow ??= attrString(span.attributes, GenAI.workflowName);
    if (span.parentSpanId === undefined || span.parentSpanId === '') t.rootName ??= span.name;
  }
  return out;
}

export function encodeKeywordsAiLogs(spans: readonly SpanWithContext[], opts: Pick<KeywordsAiExporterOptions, 'max_content_bytes'> = {}): { log: JsonObject; truncated: boolean }[] {
  const infos = traceInfos(spans);
  return spans.map((s) => encodeLog(s, infos.get(s.span.traceId)!, opts.max_content_bytes));
}

export function encodeKeywordsAi(data: Telemetry, opts: KeywordsAiExporterOptions & KeywordsAiFidelity = keywordsAiOptions()): KeywordsAiBatch[] {
  const { max_logs_per_request: maxLogs, max_request_bytes: maxBytes } = opts;
  const spans = flattenSpans(data.traces ?? []);
  const fidelity = opts.fidelity ?? fidelityOf(undefined);
  const logs = encodeKeywordsAiLogs(spans, opts).flatMap((l, i) => {
    const held = holdKeywordsAiLog(l.log, spans[i]!, fidelity);
    return held ? [{ log: held, truncated: l.truncated }] : [];
  });
  const batches: KeywordsAiBatch[] = [];
  let cur: string[] = [];
  let curLogs: JsonObject[] = [];
  let curBytes = 2;
  let curTrunc = 0;
  const flush = () => {
    if (cur.length === 0) return;
    batches.push({ logs: curLogs, body: '[' + cur.join(',') + ']', truncated: curTrunc });
    cur = [];
    curLogs = [];
    curBytes = 2;
    curTrunc = 0;
  };
  for (const { log, truncated } of logs) {
    const text = JSON.stringify(log);
    const bytes = Buffer.byteLength(text, 'utf8') + (cur.length > 0 ? 1 : 0);
    // A log too large alone still goes, alone: split, never drop.
    if (cur.length > 0 && (cur.length >= maxLogs || curBytes + bytes > maxBytes)) flush();
    cur.push(text);
    curLogs.push(log);
    curBytes += Buffer.byteLength(text, 'utf8') + (cur.length > 1 ? 1 : 0);
    if (truncated) curTrunc++;
  }
  flush();
  return batches;
}

function contentValue(c: Content, structured: boolean): unknown {
  if (!structured) return contentAsText(c);
  if ('json' in c) return c.json;
  try {
    return JSON.parse(c.text);
  } catch {
    return c.text;
  }
}

function encodeLog(s: SpanWithContext, trace: TraceInfo, maxContentBytes: number | undefined): { log: JsonObject; truncated: boolean } {
  const { span } = s;
  const a = span.attributes;
  const used = new Set<string>();
  const absent = new Set(Array.isArray(a[ABSENT_FIELDS]) ? (a[ABSENT_FIELDS] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  const out: JsonObject = {};

  out.id = typeof a[`${P}id`] === 'string' ? a[`${P}id`] : span.spanId;

  const kindAttr = attrString(a, Canonical.spanKind);
  const opAttr = attrString(a, GenAI.operationName);
  const kind = kindAttr ?? aiKindFromOperation(opAttr);
  if (kind !== undefined) {
    const verbatim = a[`${P}log_type`];
    const logType = typeof verbatim === 'string' && kindFromLogType(verbatim) === kind ? verbatim : logTypeFromKind(kind);
    out.log_type = logType;
    if (kindAttr !== undefined && kindFromLogType(logType) === kindAttr) used.add(Canonical.spanKind);
    if (opAttr !== undefined && operationFromLogType(logType) === opAttr) used.add(GenAI.operationName);
  }
  out.trace_unique_id = span.traceId;
  out.span_unique_id = span.spanId;
  if (span.parentSpanId !== undefined) out.span_parent_id = span.parentSpanId;
  else if (!absent.has('span_parent_id')) out.span_parent_id = null;
  out.span_name = span.name;
  const workflow = attrString(a, GenAI.workflowName);
  if (workflow !== undefined) used.add(GenAI.workflowName);
  out.span_workflow_name = workflow ?? trace.workflow ?? trace.rootName ?? span.name;

  let truncated = false;
  for (const dir of ['input', 'output'] as const) {
    const c = readContent(a, dir, used);
    if (!c) continue;
    const structured = a[STRUCTURED[dir]] === true;
    let v = contentValue(c, structured);
    if (maxContentBytes !== undefined) {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      const t = truncateUtf8(text, maxContentBytes);
      if (t.truncated) {
        v = t.text;
        truncated = true;
      }
    }
    out[dir] = v;
  }

  const model = modelOf(a, used);
  if (model !== undefined) out.model = model;

  // ---- usage (inclusive both sides)
  const usage: JsonObject = {};
  const counts = countsOf(a, USAGE_MAP, used);
  if (a[TOP_LEVEL_TOKENS] === true) Object.assign(out, counts);
  else Object.assign(usage, counts);
  for (const [obj, map] of [['prompt_tokens_details', PROMPT_DETAILS_MAP], ['completion_tokens_details', COMPLETION_DETAILS_MAP]] as const) {
    const details = countsOf(a, map, used);
    for (const k in a) if (k.startsWith(`${P}usage.${obj}.`)) details[k.slice(`${P}usage.${obj}.`.length)] ??= toJson(a[k]);
    if (Object.keys(details).length > 0) usage[obj] = details;
  }
  for (const k in a) {
    if (!k.startsWith(`${P}usage.`)) continue;
    const rest = k.slice(`${P}usage.`.length);
    if (rest.startsWith('prompt_tokens_details.') || rest.startsWith('completion_tokens_details.')) continue;
    usage[rest] ??= toJson(a[k]);
  }
  if (Object.keys(usage).length > 0 || a[EMPTY_USAGE] === true) out.usage = usage;

  // ---- time
  const end = span.endTimeUnixNano;
  const start = span.startTimeUnixNano;
  const rawTs = a[`${P}timestamp`];
  const rawSt = a[`${P}start_time`];
  if (!absent.has('timestamp')) out.timestamp = typeof rawTs === 'string' && nanoFromIso(rawTs) === end ? rawTs : isoForKeywordsAi(end);
  if (!absent.has('start_time')) out.start_time = typeof rawSt === 'string' && nanoFromIso(rawSt) === start ? rawSt : isoForKeywordsAi(start);
  if (!absent.has('latency')) out.latency = typeof a[`${P}latency`] === 'number' ? a[`${P}latency`] : secondsFromNano(end - start);

  // ---- status
  if (span.status.code === StatusCode.OK) out.status = 'success';
  else if (span.status.code === StatusCode.ERROR) {
    out.status = 'error';
    if (span.status.message !== undefined) out.error_message = span.status.message;
  } else if (typeof a[`${P}status`] === 'string') out.status = a[`${P}status`];
  if (out.error_message === undefined && typeof a[`${P}error_message`] === 'string') out.error_message = a[`${P}error_message`];

  for (const [field, spec] of Object.entries(SOFT_FIELDS)) {
    const v = a[spec.key];
    if (v === undefined || v === null) continue;
    if (spec.type === 'string' && typeof v !== 'string') continue;
    if (spec.type === 'boolean' && typeof v !== 'boolean') continue;
    if (spec.type === 'number' || spec.type === 'integer') {
      const n = numberOf(v);
      if (n === undefined || typeof v === 'string') continue;
      out[field] = n;
    } else out[field] = v;
    used.add(spec.key);
  }
  if (out.thread_identifier === undefined) {
    const conv = attrString(a, GenAI.conversationId);
    if (conv !== undefined) {
      out.thread_identifier = conv;
      used.add(GenAI.conversationId);
    }
  }

  // ---- metadata: resource attributes, then span attributes without a field of their own
  const metadata = metadataOf(s.resource, a, used, P, truncated);
  if (Object.keys(metadata).length > 0) out.metadata = metadata;

  // ---- fields KeywordsAI clients sent that have no canonical home, verbatim
  for (const k in a) {
    if (!k.startsWith(P)) continue;
    const field = k.slice(P.length);
    if (VERBATIM_HANDLED.has(field) || field.startsWith('usage.') || field.startsWith('metadata.')) continue;
    if (out[field] === undefined) out[field] = toJson(a[k]);
  }
  return { log: out, truncated };
}
