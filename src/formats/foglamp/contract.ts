/**
 * Foglamp's documented wire contract (../shared/vendor-apis/foglamp-ingest.md):
 * POST /ingest, Authorization: Bearer fl_…, application/json,
 * body {"version":"v1","traces":[1..1000 trace objects]}, answer 200 {"accepted": <span rows>}.
 */
import { Canonical, GenAI, type AiSpanKind } from '../../model/index.js';
import type { AuthSpec } from '../types.js';

export const FOGLAMP_PATH = '/ingest';
export const FOGLAMP_VERSION = 'v1';
export const FOGLAMP_MEDIA_TYPE = 'application/json';
export const FOGLAMP_MIN_TRACES = 1;
export const FOGLAMP_MAX_TRACES = 1000;
export const FOGLAMP_AUTH: AuthSpec = { header: 'authorization', scheme: 'Bearer', required: true };
/** Back-pressure answer: 429 with Retry-After (clients of an HTTP JSON API retry 429 and 503). */
export const FOGLAMP_BACKPRESSURE_STATUS = 429;

/** Attribute prefix for Foglamp fields with no canonical home. */
export const P = 'foglamp.';
/** Switchyard's own bookkeeping for exact Foglamp round trips. */
export const MARK = 'switchyard.foglamp.';
export const TRACE_METADATA_KEYS = MARK + 'trace_metadata_keys';
export const INHERITED_METADATA_KEYS = MARK + 'inherited_metadata_keys';

export const SPAN_KEYS = new Set([
  'spanId', 'spanType', 'name', 'startTime', 'endTime', 'parentSpanId', 'status', 'errorMessage',
  'provider', 'modelId', 'usage', 'ttftMs', 'input', 'output', 'metadata',
]);
export const TRACE_KEYS = new Set(['traceId', 'spans', 'agentName', 'workflowName', 'workflowRunId', 'sessionId', 'metadata']);

/** Span fields the receiver requires (the strict stand-in requires the same). */
export const REQUIRED_SPAN_FIELDS = ['spanId', 'name', 'startTime', 'endTime'] as const;

/** Foglamp spanType → AI span kind. The first spelling of each kind is the one the encoder writes. */
const SPAN_TYPES: [string, AiSpanKind][] = [
  ['llm', 'LLM'], ['tool', 'TOOL'], ['agent', 'AGENT'], ['workflow', 'WORKFLOW'], ['chain', 'CHAIN'],
  ['retriever', 'RETRIEVER'], ['embedding', 'EMBEDDING'], ['reranker', 'RERANKER'], ['guardrail', 'GUARDRAIL'],
  ['evaluator', 'EVALUATOR'], ['task', 'TASK'], ['unknown', 'UNKNOWN'],
  // aliases met in the wild
  ['retrieval', 'RETRIEVER'], ['embeddings', 'EMBEDDING'], ['generation', 'LLM'], ['function', 'TOOL'], ['rerank', 'RERANKER'],
];

export function kindFromSpanType(t: string): AiSpanKind {
  const lower = t.toLowerCase();
  return SPAN_TYPES.find(([s]) => s === lower)?.[1] ?? 'UNKNOWN';
}

export function spanTypeFromKind(k: string): string | undefined {
  return SPAN_TYPES.find(([, kind]) => kind === k)?.[0];
}

/** Foglamp usage field → canonical key (both sides inclusive: see decode.ts). */
export const USAGE_MAP: Record<string, string> = {
  inputTokens: GenAI.inputTokens,
  outputTokens: GenAI.outputTokens,
  totalTokens: Canonical.totalTokens,
  reasoningTokens: GenAI.reasoningOutputTokens,
  cachedInputTokens: GenAI.cacheReadInputTokens,
  cacheWriteInputTokens: GenAI.cacheCreationInputTokens,
  imageCount: Canonical.imageCount,
  webSearchCount: Canonical.webSearchCount,
  requestCount: Canonical.requestCount,
};
