/**
 * Shared pieces of the cross-format translation tests (matrix.test.ts, tokens.test.ts): the five
 * offline codecs of `switchyard translate`, a rich GenAI trace in the semantic model, and a fact
 * comparison that names the pair and the field of every difference.
 */
import { findFormat } from '../../src/formats/registry.js';
import type { TranslateCodec } from '../../src/formats/types.js';
import {
  Canonical, GenAI, SpanKind, StatusCode, attrNumber, flattenSpans, newSpan, toJson,
  type AnyValue, type Attributes, type Span, type Telemetry,
} from '../../src/model/index.js';

/** Codec names as on the command line, and the registry type that provides each. */
export const FORMATS = ['otlp-json', 'netra', 'neatlogs', 'foglamp', 'keywordsai'] as const;
export type FormatName = (typeof FORMATS)[number];
const TYPE_OF: Record<FormatName, string> = { 'otlp-json': 'otlp', netra: 'netra', neatlogs: 'neatlogs', foglamp: 'foglamp', keywordsai: 'keywordsai' };

export function codec(name: FormatName): TranslateCodec {
  const c = findFormat(TYPE_OF[name])?.translate;
  if (!c || c.name !== name) throw new Error(`no translate codec ${name}`);
  return c;
}

/** Every ordered pair (a format to itself included: the same-vendor round trip is a pair too). */
export const PAIRS: [FormatName, FormatName][] = FORMATS.flatMap((a) => FORMATS.map((b) => [a, b] as [FormatName, FormatName]));

/** source.encode(model) → source.decode → target.encode → target.decode. */
export function throughPair(model: Telemetry, from: FormatName, to: FormatName): { mid: Telemetry; out: Telemetry; wire: string } {
  const src = codec(from);
  const dst = codec(to);
  const mid = src.decode(Buffer.from(src.encode(model), 'utf8'));
  const wire = dst.encode(mid);
  const out = dst.decode(Buffer.from(wire, 'utf8'));
  return { mid, out, wire };
}

/**
 * How close a time comes back, in ns, per format: OTLP and KeywordsAI (ISO 8601 with nine fraction
 * digits; latency is derived from the two times) keep nanoseconds; Foglamp keeps fractional
 * milliseconds as a JSON double (about 0.25 µs of rounding at today's epoch); Neatlogs truncates
 * to whole ms; Netra sends the start in whole ms and the end as start + total_e2e, the latency in
 * ms with µs fractions. A pair's tolerance is the sum of both sides' (errors can add up).
 */
export const TIME_TOLERANCE_NS: Record<FormatName, bigint> = {
  'otlp-json': 0n,
  keywordsai: 0n,
  foglamp: 1_000n,
  neatlogs: 1_000_000n,
  netra: 1_001_000n,
};

// ------------------------------------------------------------------ the rich fixture

export const T0 = 1_717_555_210_123_456_789n;
const MS = 1_000_000n;

export const INPUT_MESSAGES = [
  { role: 'user', parts: [{ type: 'text', content: 'My order #A-1009 arrived broken. Can I get a refund?' }] },
  { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_kb_1', name: 'search_kb', arguments: { q: 'refund policy damaged item' } }] },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_kb_1', response: 'Damaged items: full refund within 30 days.' }] },
];
export const OUTPUT_MESSAGES = [
  { role: 'assistant', parts: [{ type: 'text', content: 'Yes — damaged items get a full refund within 30 days. I have started it for you.' }], finish_reason: 'stop' },
];

export interface IdStyle {
  trace: string;
  agent: string;
  llm: string;
  tool: string;
}
/** OTLP-born ids (lowercase hex) and vendor-born ids (text), both must survive every pair. */
export const HEX_IDS: IdStyle = { trace: '4bf92f3577b34da6a3ce929d0e0e4736', agent: '00f067aa0ba902b7', llm: 'a3ce929d0e0e4736', tool: 'b7ad6b7169203331' };
export const TEXT_IDS: IdStyle = { trace: 'trace-xyz-123', agent: 'span_agent_1', llm: 'span_llm_2', tool: 'span_tool_3' };

/**
 * One trace: an agent span (root), an LLM span under it with every AI fact (provider,
 * request/response model, input/output/cached-read/cache-write/reasoning tokens, total, TTFT,
 * chat input/output messages, finish reason, an error status with message) and a tool span.
 * Workflow name, session id, conversation id and user id are on every span.
 */
export function richTrace(ids: IdStyle = HEX_IDS): Telemetry {
  const common: Attributes = {
    [GenAI.workflowName]: 'support-triage',
    [Canonical.sessionId]: 'sess-7f3a',
    [GenAI.conversationId]: 'conv-7f3a',
    [Canonical.userId]: 'user-1234',
  };
  const agent = newSpan({
    traceId: ids.trace, spanId: ids.agent, name: 'invoke_agent triager',
    startTimeUnixNano: T0, endTimeUnixNano: T0 + 5_200n * MS + 111n,
    kind: SpanKind.INTERNAL,
    attributes: { ...common, [Canonical.spanKind]: 'AGENT', [GenAI.operationName]: 'invoke_agent', [GenAI.agentName]: 'triager' },
    status: { code: StatusCode.OK },
  });
  const llm = newSpan({
    traceId: ids.trace, spanId: ids.llm, parentSpanId: ids.agent, name: 'chat claude-sonnet-4-5',
    startTimeUnixNano: T0 + 10n * MS + 250_001n, endTimeUnixNano: T0 + 3_110n * MS + 987_654n,
    kind: SpanKind.CLIENT,
    attributes: {
      ...common,
      [Canonical.spanKind]: 'LLM',
      [GenAI.operationName]: 'chat',
      [GenAI.providerName]: 'anthropic',
      [GenAI.requestModel]: 'claude-sonnet-4-5',
      [GenAI.responseModel]: 'claude-sonnet-4-5-20250929',
      [GenAI.inputTokens]: 130_213n,
      [GenAI.cacheReadInputTokens]: 130_000n,
      [GenAI.cacheCreationInputTokens]: 150n,
      [GenAI.outputTokens]: 1_970n,
      [GenAI.reasoningOutputTokens]: 956n,
      [Canonical.totalTokens]: 132_183n,
      [GenAI.timeToFirstChunk]: 0.412,
      [GenAI.inputMessages]: JSON.stringify(INPUT_MESSAGES),
      [GenAI.outputMessages]: JSON.stringify(OUTPUT_MESSAGES),
      [GenAI.finishReasons]: ['stop'],
    },
    status: { code: StatusCode.ERROR, message: 'upstream 529: overloaded, retried once' },
  });
  const tool = newSpan({
    traceId: ids.trace, spanId: ids.tool, parentSpanId: ids.llm, name: 'execute_tool search_kb',
    startTimeUnixNano: T0 + 3_200n * MS + 5n, endTimeUnixNano: T0 + 3_480n * MS + 500_000n,
    kind: SpanKind.INTERNAL,
    attributes: {
      ...common,
      [Canonical.spanKind]: 'TOOL',
      [GenAI.operationName]: 'execute_tool',
      [GenAI.toolName]: 'search_kb',
      [GenAI.toolCallId]: 'call_kb_1',
      [GenAI.toolCallArguments]: '{"q":"refund policy damaged item"}',
      [GenAI.toolCallResult]: 'Damaged items: full refund within 30 days.',
    },
    status: { code: StatusCode.UNSET },
  });
  return {
    traces: [{
      resource: { attributes: { 'service.name': 'triage-svc' } },
      scopeSpans: [{ scope: { name: 'triage-app', version: '1.0.0' }, spans: [agent, llm, tool] }],
    }],
  };
}

// ------------------------------------------------------------------ comparison

/** JSON text with object keys sorted: order-insensitive equality of JSON values. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return '[' + v.map(stableJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().map((k) => JSON.stringify(k) + ':' + stableJson(o[k])).join(',') + '}';
}

export function spansOf(t: Telemetry): Span[] {
  return flattenSpans(t.traces ?? []).map((s) => s.span);
}

/** Content of a span in one comparable form: chat messages as parsed JSON, else the text. */
export function contentOf(a: Attributes, dir: 'input' | 'output'): string | undefined {
  const msgs = a[dir === 'input' ? GenAI.inputMessages : GenAI.outputMessages];
  if (msgs !== undefined && msgs !== null) {
    try {
      return 'messages:' + stableJson(typeof msgs === 'string' ? JSON.parse(msgs) : toJson(msgs));
    } catch {
      return 'text:' + String(msgs);
    }
  }
  // Generic content, or a tool call's arguments/result, which string-only vendors carry in input/output.
  const v = a[dir === 'input' ? Canonical.inputValue : Canonical.outputValue]
    ?? a[dir === 'input' ? GenAI.toolCallArguments : GenAI.toolCallResult];
  if (v === undefined || v === null) return undefined;
  return 'text:' + (typeof v === 'string' ? v : JSON.stringify(toJson(v)));
}

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(toJson(v as AnyValue)) ?? 'undefined');

/** The facts the matrix checks, per span. Token keys are checked only when the fixture has them. */
export const TOKEN_KEYS = [
  GenAI.inputTokens, GenAI.cacheReadInputTokens, GenAI.cacheCreationInputTokens,
  GenAI.outputTokens, GenAI.reasoningOutputTokens, Canonical.totalTokens,
] as const;
export const STRING_FACTS = [
  Canonical.spanKind, GenAI.providerName, GenAI.requestModel, GenAI.responseModel,
  GenAI.workflowName, Canonical.sessionId, GenAI.conversationId, Canonical.userId, GenAI.agentName, GenAI.toolName,
] as const;

export interface Problem {
  span: string;
  field: string;
  want: string;
  got: string;
}

/**
 * Compares one span that came back with the one sent; `skip` lists fields not to check (the
 * documented exemptions), `tol` the time tolerance in ns.
 */
export function compareSpan(want: Span, got: Span, tol: bigint, skip: ReadonlySet<string> = new Set()): Problem[] {
  const out: Problem[] = [];
  const name = want.name;
  const check = (field: string, w: unknown, g: unknown, same = (x: unknown, y: unknown) => x === y) => {
    if (skip.has(field)) return;
    if (!same(w, g)) out.push({ span: name, field, want: show(w), got: show(g) });
  };
  check('traceId', want.traceId, got.traceId);
  check('spanId', want.spanId, got.spanId);
  check('parentSpanId', want.parentSpanId, got.parentSpanId);
  check('name', want.name, got.name);
  const near = (w: unknown, g: unknown) => {
    const d = (w as bigint) - (g as bigint);
    return tol === 0n ? d === 0n : (d < 0n ? -d : d) < tol;
  };
  check('startTimeUnixNano', want.startTimeUnixNano, got.startTimeUnixNano, near);
  check('endTimeUnixNano', want.endTimeUnixNano, got.endTimeUnixNano, near);
  check('status.code', want.status.code, got.status.code);
  check('status.message', want.status.message, got.status.message);
  const wa = want.attributes;
  const ga = got.attributes;
  for (const k of STRING_FACTS) if (wa[k] !== undefined) check(k, wa[k], ga[k]);
  for (const k of TOKEN_KEYS) if (wa[k] !== undefined) check(k, attrNumber(wa, k), attrNumber(ga, k));
  if (wa[GenAI.timeToFirstChunk] !== undefined) {
    check(GenAI.timeToFirstChunk, attrNumber(wa, GenAI.timeToFirstChunk), attrNumber(ga, GenAI.timeToFirstChunk),
      (w, g) => typeof g === 'number' && Math.abs((w as number) - g) < 1e-9);
  }
  if (wa[GenAI.finishReasons] !== undefined) check(GenAI.finishReasons, stableJson(toJson(wa[GenAI.finishReasons])), ga[GenAI.finishReasons] === undefined ? undefined : stableJson(toJson(ga[GenAI.finishReasons])));
  check('input', contentOf(wa, 'input'), contentOf(ga, 'input'));
  check('output', contentOf(wa, 'output'), contentOf(ga, 'output'));
  return out;
}

export function formatProblems(pair: string, problems: Problem[]): string[] {
  return problems.map((p) => `${pair}: ${p.field} (span "${p.span}"): want ${p.want}, got ${p.got}`);
}
