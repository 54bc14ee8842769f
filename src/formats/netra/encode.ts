/**
 * Semantic model → Netra NDJSON events, split into gzip requests of at most 5 MB uncompressed.
 *
 * - `span_policy: llm_only` (default) sends only LLM operations (AI kind LLM or EMBEDDING, or no
 *   kind but an LLM operation name / a model): Netra's unit is "one atomic LLM operation".
 *   Other spans are counted through `ctx.note('skipped', …)`. `span_policy: all` sends every span
 *   with `trace_context.span_kind` set to the lowercase AI kind (`tool`, `workflow`, …).
 * - `max_content_bytes` (default 1 MiB) caps request.prompt and response.completion each; an
 *   event still larger than a request has its longest strings cut. Truncated events carry
 *   `attributes["switchyard.content.truncated"] = true` and a visible marker in the text.
 * - Span attributes without a Netra field travel in the `attributes` namespace; `netra.<path>`
 *   attributes go back to their path.
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, StatusCode, attrNumber, flattenSpans, millisFromNano,
  operationFromAiKind, toJson, toNumber, type Attributes, type SpanWithContext, type Telemetry,
} from '../../model/index.js';
import { isObject, type JsonObject } from '../json.js';
import type { EncodeContext, OutboundRequest } from '../types.js';
import { genAiMessagesToOpenAi, genAiToChoices, systemInstructionsToOpenAi } from '../../model/genai-messages/openai-chat.js';
import { jsonBytes, truncateJson } from '../shared/content-truncation.js';
import {
  NETRA_ALIAS_PREFIX, NETRA_ATTRIBUTES_NS, NETRA_CONTAINERS, NETRA_DEFAULT_MAX_CONTENT_BYTES, NETRA_MEDIA_TYPE, NETRA_PATH,
  NETRA_PREFIX,
} from './contract.js';
import type { NetraExporterOptions } from './config.js';
import { GENERATION_CONFIG_PRIMARY } from './decode.js';
import { spanEventUuid } from './ids.js';
import { LLM_OPERATIONS, aiKindOf } from '../../model/ai-kind.js';
import { fidelityOf, type Fidelity } from '../shared/fidelity.js';
import { holdNetraEvent } from './contract-check.js';
import { runSteps, type EncodeSteps } from '../shared/encode-steps.js';

type Note = EncodeContext['note'];

/** Attributes the mapping below consumes (everything else goes to the `attributes` namespace). */
const CONSUMED = new Set<string>([
  Canonical.spanKind, GenAI.providerName, GenAI.requestModel, GenAI.inputMessages, GenAI.outputMessages,
  GenAI.systemInstructions, Canonical.inputValue, Canonical.outputValue, 'input.mime_type', 'output.mime_type',
  GenAI.inputTokens, GenAI.outputTokens, Canonical.totalTokens, GenAI.cacheReadInputTokens, GenAI.reasoningOutputTokens,
  GenAI.timeToFirstChunk, Canonical.costUsd, Canonical.piiRedacted, Canonical.userId, Canonical.organizationId,
  Canonical.appName, Canonical.serviceName, Canonical.environment,
  GenAI.requestTemperature, GenAI.requestTopP, GenAI.requestTopK, GenAI.requestMaxTokens, GenAI.requestSeed,
  GenAI.requestStopSequences, GenAI.requestStream,
]);

export function isLlmOperation(attrs: Attributes): boolean {
  const k = aiKindOf(attrs);
  return k === 'LLM' || k === 'EMBEDDING';
}

/** Builds one Netra event from a span (pure). */
export function encodeNetraEvent(sw: SpanWithContext): JsonObject {
  const { span, resource } = sw;
  const a = span.attributes;
  const get = (k: string) => (a[k] !== undefined ? a[k] : resource[k]);
  const str = (k: string): string | undefined => {
    const v = get(k);
    return typeof v === 'string' ? v : v === undefined || v === null ? undefined : typeof v === 'object' ? undefined : String(v);
  };
  // The few keys consumed only in some cases; the fixed set is shared (copying it per span cost more).
  const alsoConsumed: string[] = [];
  const netraBorn = a['netra.event_metadata.event_id'] !== undefined;
  const ev: JsonObject = {};

  // event_metadata
  const eventId = str('netra.event_metadata.event_id') ?? spanEventUuid(span.traceId, span.spanId);
  const em: JsonObject = { event_id: eventId, timestamp_utc: millisFromNano(span.startTimeUnixNano) };
  ev.event_metadata = em;

  // trace_context
  const kind = aiKindOf(a);
  const tc: JsonObject = { trace_id: span.traceId, span_id: span.spanId };
  if (span.parentSpanId) tc.parent_span_id = span.parentSpanId;
  tc.span_name = span.name;
  tc.span_kind = str('netra.trace_context.span_kind') ?? (kind ?? 'unknown').toLowerCase();
  const op = a[GenAI.operationName];
  if (typeof op === 'string' && (op === operationFromAiKind(kind) || (kind === 'LLM' && LLM_OPERATIONS.has(op) && op !== 'embeddings'))) alsoConsumed.push(GenAI.operationName);
  ev.trace_context = tc;

  // identity_context
  const ic: JsonObject = {};
  put(ic, 'user_id', str(Canonical.userId));
  put(ic, 'organization_id', str(Canonical.organizationId));
  if (Object.keys(ic).length) ev.identity_context = ic;

  // application_context
  const ac: JsonObject = {};
  put(ac, 'app_name', str(Canonical.appName));
  put(ac, 'service_name', str(Canonical.serviceName));
  put(ac, 'environment', str(Canonical.environment));
  if (Object.keys(ac).length) ev.application_context = ac;

  // request
  const model: JsonObject = {};
  put(model, 'provider', str(GenAI.providerName));
  const modelName = str(GenAI.requestModel) ?? str(GenAI.responseModel);
  if (modelName !== undefined) model.name = modelName;
  if (a[GenAI.requestModel] === undefined && a[GenAI.responseModel] !== undefined) alsoConsumed.push(GenAI.responseModel);
  const request: JsonObject = { model, prompt: encodePrompt(a) };
  const gen = encodeGenerationConfig(a);
  if (gen) request.generation_config = gen;
  ev.request = request;

  // response
  const completion = encodeCompletion(a);
  if (a[GenAI.outputMessages] !== undefined) alsoConsumed.push(GenAI.finishReasons);
  const usage: JsonObject = {};
  const inT = attrNumber(a, GenAI.inputTokens);
  const outT = attrNumber(a, GenAI.outputTokens);
  const totT = attrNumber(a, Canonical.totalTokens);
  // Canonical counts are inclusive like OpenAI's: prompt_tokens = input (cached included),
  // completion_tokens = output (reasoning included); cache_creation has no Netra field.
  if (inT !== undefined) usage.prompt_tokens = inT;
  if (outT !== undefined) usage.completion_tokens = outT;
  if (totT !== undefined) usage.total_tokens = totT;
  else if (!netraBorn && inT !== undefined && outT !== undefined) usage.total_tokens = inT + outT;
  const cached = attrNumber(a, GenAI.cacheReadInputTokens);
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = attrNumber(a, GenAI.reasoningOutputTokens);
  if (reasoning !== undefined) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  ev.response = { completion, usage };

  // performance
  const lat: JsonObject = {};
  const durNs = span.endTimeUnixNano - span.startTimeUnixNano;
  if (durNs > 0n) lat.total_e2e = Number(durNs / 1000n) / 1000;
  const ttft = attrNumber(a, GenAI.timeToFirstChunk);
  if (ttft !== undefined) lat.time_to_first_token = Math.round(ttft * 1e6) / 1e3;
  if (Object.keys(lat).length) ev.performance = { latency_ms: lat };

  // finops
  const cost = attrNumber(a, Canonical.costUsd);
  if (cost !== undefined) ev.finops = { cost: { total_cost_usd: cost } };

  // governance
  const pii = get(Canonical.piiRedacted);
  if (typeof pii === 'boolean') ev.governance = { security: { pii_redacted: pii } };

  // Vendor-only keys back to their paths (resource first, then span; mapped fields win).
  for (const src of [resource, a]) {
    for (const k in src) {
      if (!k.startsWith(NETRA_PREFIX) || k.startsWith(NETRA_ALIAS_PREFIX)) continue;
      if (k === 'netra.trace_context.span_kind' || k === 'netra.event_metadata.event_id') continue;
      setVendorPath(ev, k.slice(NETRA_PREFIX.length), toJson(src[k]));
    }
  }

  // Everything else in the `attributes` namespace.
  const extra: JsonObject = {};
  for (const k in a) {
    if (CONSUMED.has(k) || k.startsWith(NETRA_PREFIX) || alsoConsumed.includes(k)) continue;
    setOwn(extra, k, toJson(a[k]));
  }
  if (span.status.code !== StatusCode.UNSET) {
    extra['otel.status_code'] = span.status.code === StatusCode.ERROR ? 'ERROR' : 'OK';
    if (span.status.message) extra['otel.status_description'] = span.status.message;
  }
  // Plain text sent as `{"text": …}` is marked so that it decodes back to the same text.
  if (wrapsPlainText(a, Canonical.inputValue, 'input.mime_type')) extra['input.mime_type'] = 'text/plain';
  if (wrapsPlainText(a, Canonical.outputValue, 'output.mime_type')) extra['output.mime_type'] = 'text/plain';
  if (Object.keys(extra).length) ev[NETRA_ATTRIBUTES_NS] = extra;
  return ev;
}

function put(o: JsonObject, field: string, v: string | undefined): void {
  if (v !== undefined) o[field] = v;
}

function setVendorPath(ev: JsonObject, rest: string, value: unknown): void {
  let container = '';
  for (const c of NETRA_CONTAINERS) if (rest.startsWith(c + '.') && c.length > container.length) container = c;
  const field = container ? rest.slice(container.length + 1) : rest;
  let obj: JsonObject = ev;
  if (container) {
    for (const seg of container.split('.')) {
      const next = obj[seg];
      if (next === undefined) obj[seg] = {};
      else if (!isObject(next)) return;
      obj = obj[seg] as JsonObject;
    }
  }
  if (!(field in obj)) obj[field] = value;
}

function parseJsonAttr(v: unknown): unknown {
  if (typeof v !== 'string') return toJson(v as never);
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** A generic input/output value: JSON objects as they are, text wrapped as `{"text": …}`. */
function valueObject(a: Attributes, key: string, mimeKey: string): JsonObject | undefined {
  const v = a[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (a[mimeKey] !== 'text/plain') {
      const parsed = parseJsonAttr(v);
      if (isObject(parsed)) return parsed;
    }
    return { text: v };
  }
  const j = toJson(v);
  return isObject(j) ? j : { value: j };
}

/** True when the prompt/completion is this generic value, sent wrapped as `{"text": …}`. */
function wrapsPlainText(a: Attributes, key: string, mimeKey: string): boolean {
  const msgsKey = key === Canonical.inputValue ? GenAI.inputMessages : GenAI.outputMessages;
  if (a[msgsKey] !== undefined) return false;
  const v = a[key];
  return typeof v === 'string' && (a[mimeKey] === 'text/plain' || !isObject(parseJsonAttr(v)));
}

function encodePrompt(a: Attributes): JsonObject {
  if (a[GenAI.inputMessages] !== undefined) {
    const msgs = genAiMessagesToOpenAi(parseJsonAttr(a[GenAI.inputMessages]));
    if (msgs) {
      const sys = a[GenAI.systemInstructions] !== undefined ? systemInstructionsToOpenAi(toJson(a[GenAI.systemInstructions])) : undefined;
      return { messages: sys ? [sys, ...msgs] : msgs };
    }
  }
  return valueObject(a, Canonical.inputValue, 'input.mime_type') ?? valueObject(a, GenAI.inputMessages, '') ?? {};
}

function encodeCompletion(a: Attributes): JsonObject {
  if (a[GenAI.outputMessages] !== undefined) {
    const choices = genAiToChoices(parseJsonAttr(a[GenAI.outputMessages]));
    if (choices) return { choices };
  }
  return valueObject(a, Canonical.outputValue, 'output.mime_type') ?? valueObject(a, GenAI.outputMessages, '') ?? {};
}

const GENERATION_KEYS = Object.keys(GENERATION_CONFIG_PRIMARY);

function encodeGenerationConfig(a: Attributes): JsonObject | undefined {
  const out: JsonObject = {};
  for (const key of GENERATION_KEYS) {
    const v = a[key];
    if (v === undefined || v === null) continue;
    const alias = a[NETRA_ALIAS_PREFIX + key];
    const field = typeof alias === 'string' ? alias : GENERATION_CONFIG_PRIMARY[key]!;
    out[field] = typeof v === 'bigint' ? toNumber(v) : toJson(v);
  }
  return Object.keys(out).length ? out : undefined;
}

export interface NetraBody {
  /** The NDJSON lines, UTF-8: written straight into one buffer, never joined as a string. */
  ndjson: Buffer;
  records: JsonObject[];
}

/** Selects, maps, truncates and packs spans into NDJSON bodies of at most `maxRequestBytes`. */
export function encodeNetraBodies(data: Telemetry, opts: NetraExporterOptions, note?: Note, fidelity: Fidelity = fidelityOf(undefined)): NetraBody[] {
  return runSteps(netraBodySteps(data, opts, note, fidelity));
}

/** encodeNetraBodies as steps: one yield after each span. */
function* netraBodySteps(data: Telemetry, opts: NetraExporterOptions, note: Note | undefined, fidelity: Fidelity): EncodeSteps<NetraBody[]> {
  // max_content_bytes is a key every exporter has; 0 or absent means Netra's own default.
  const maxContentBytes = opts.max_content_bytes || NETRA_DEFAULT_MAX_CONTENT_BYTES;
  const maxRequestBytes = opts.max_request_bytes;
  const spans = flattenSpans(data.traces ?? []);
  const bodies: NetraBody[] = [];
  const out = new BodyBuffer(Math.min(maxRequestBytes, spans.length * 2048));
  let records: JsonObject[] = [];
  let skipped = 0;
  let truncated = 0;
  const flush = () => {
    if (records.length) bodies.push({ ndjson: out.take(), records });
    records = [];
  };
  for (const sw of spans) {
    if (opts.span_policy === 'llm_only' && !isLlmOperation(sw.span.attributes)) {
      skipped++;
      continue;
    }
    const held = holdNetraEvent(encodeNetraEvent(sw), sw, fidelity);
    if (!held) continue;
    let ev = held;
    let line = JSON.stringify(ev) + '\n';
    let bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > maxContentBytes || bytes > maxRequestBytes) {
      const t = truncateEvent(ev, maxContentBytes, maxRequestBytes);
      if (t) {
        ev = t;
        truncated++;
        line = JSON.stringify(ev) + '\n';
        bytes = Buffer.byteLength(line, 'utf8');
      }
    }
    if (out.size + bytes > maxRequestBytes) flush();
    out.write(line, bytes);
    records.push(ev);
    yield;
  }
  flush();
  if (skipped && note) note('skipped', skipped, 'netra span_policy llm_only: span is not an LLM operation');
  if (truncated && note) note('truncated', truncated, 'netra: content larger than max_content_bytes or the request limit');
  if (bodies.length > 1 && note) note('split', bodies.length, 'netra: batch split into requests of at most max_request_bytes');
  return bodies;
}

/**
 * Lines written as UTF-8 into one growing buffer: joining them as a string and encoding that
 * copied every body twice more, and the flattened megabyte string was the encoder's largest
 * single cost under load.
 */
class BodyBuffer {
  private buf: Buffer | undefined;
  size = 0;
  constructor(private readonly initial: number) {}

  write(line: string, bytes: number): void {
    const buf = this.buf;
    if (!buf || this.size + bytes > buf.length) {
      const next = Buffer.allocUnsafe(Math.max(buf ? buf.length * 2 : this.initial, this.size + bytes, 4096));
      buf?.copy(next, 0, 0, this.size);
      this.buf = next;
    }
    this.size += this.buf!.write(line, this.size, 'utf8');
  }

  /** The body so far, without a copy; the next line starts a buffer of its own. */
  take(): Buffer {
    const body = this.buf ? this.buf.subarray(0, this.size) : Buffer.alloc(0);
    this.buf = undefined;
    this.size = 0;
    return body;
  }
}

/** Caps prompt and completion, then the whole event; undefined when nothing had to change. */
function truncateEvent(ev: JsonObject, maxContentBytes: number, maxRequestBytes: number): JsonObject | undefined {
  const req = ev.request as JsonObject;
  const res = ev.response as JsonObject;
  const p = truncateJson(req.prompt, maxContentBytes);
  const c = truncateJson(res.completion, maxContentBytes);
  let out: JsonObject = ev;
  let changed = p.truncated || c.truncated;
  if (changed) out = { ...ev, request: { ...req, prompt: p.value }, response: { ...res, completion: c.value } };
  const budget = maxRequestBytes - 1 - 64;
  if (jsonBytes(out) > budget) {
    const whole = truncateJson(out, budget);
    if (isObject(whole.value)) out = whole.value;
    changed = true;
  }
  if (!changed) return undefined;
  const extra = isObject(out[NETRA_ATTRIBUTES_NS]) ? (out[NETRA_ATTRIBUTES_NS] as JsonObject) : {};
  return { ...out, [NETRA_ATTRIBUTES_NS]: { ...extra, [Canonical.contentTruncated]: true } };
}

export function encodeNetra(data: Telemetry, ctx: EncodeContext<NetraExporterOptions>): OutboundRequest[] {
  return runSteps(encodeNetraSteps(data, ctx));
}

export function* encodeNetraSteps(data: Telemetry, ctx: EncodeContext<NetraExporterOptions>): EncodeSteps<OutboundRequest[]> {
  const fidelity = fidelityOf(ctx);
  const bodies = yield* netraBodySteps(data, ctx.config, ctx.note, fidelity);
  fidelity.flush();
  return bodies.map((b) => ({
    path: NETRA_PATH,
    contentType: NETRA_MEDIA_TYPE,
    contentEncoding: 'gzip' as const,
    compressionLevel: ctx.config.compression_level,
    body: b.ndjson,
    // No `records`: Netra reports no per-item failures, so holding the event objects alive for
    // the whole send (and its retries) would only cost memory.
    items: b.records.length,
  }));
}
