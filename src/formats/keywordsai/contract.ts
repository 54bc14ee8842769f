/**
 * KeywordsAI's documented wire contract (../shared/vendor-apis/keywordsai-traces-ingest.md):
 * POST /api/traces/ingest (also with a trailing slash), Authorization: Bearer, a JSON array of
 * log objects, answer 200 {"success": true, "ingested_count": n}.
 */
import type { AiSpanKind } from '../../model/index.js';
import type { AuthSpec } from '../types.js';

export const KEYWORDSAI_PATH = '/api/traces/ingest';
export const KEYWORDSAI_PATHS = [KEYWORDSAI_PATH, KEYWORDSAI_PATH + '/'];
export const KEYWORDSAI_MEDIA_TYPE = 'application/json';
export const KEYWORDSAI_AUTH: AuthSpec = { header: 'authorization', scheme: 'Bearer', required: true };
export const KEYWORDSAI_BACKPRESSURE_STATUS = 429;
/** Exporter defaults: logs per request and bytes per request body. */
export const KEYWORDSAI_DEFAULT_MAX_LOGS = 1000;
export const KEYWORDSAI_DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Attribute prefix for KeywordsAI fields with no canonical home. */
export const P = 'keywordsai.';
/** Switchyard's own bookkeeping for exact KeywordsAI round trips. */
export const MARK = 'switchyard.keywordsai.';
export const ABSENT_FIELDS = MARK + 'absent_fields';
export const TOP_LEVEL_TOKENS = MARK + 'top_level_tokens';
export const STRUCTURED: Record<'input' | 'output', string> = { input: MARK + 'input_structured', output: MARK + 'output_structured' };

/** Id fields the strict stand-in requires on every log (the exporter always fills them). */
export const REQUIRED_ID_FIELDS = ['id', 'trace_unique_id', 'span_unique_id'] as const;
/** Fields the exporter may leave out when the original log had none (they are derivable). */
export const OMITTABLE_FIELDS = ['span_parent_id', 'timestamp', 'start_time', 'latency'] as const;

/** log_type → AI span kind and gen_ai.operation.name. The first spelling of a kind is the one written. */
const LOG_TYPES: [string, AiSpanKind, string | undefined][] = [
  ['chat', 'LLM', 'chat'],
  ['embedding', 'EMBEDDING', 'embeddings'],
  ['workflow', 'WORKFLOW', 'invoke_workflow'],
  ['task', 'TASK', undefined],
  ['tool', 'TOOL', 'execute_tool'],
  ['agent', 'AGENT', 'invoke_agent'],
  ['guardrail', 'GUARDRAIL', undefined],
  ['unknown', 'UNKNOWN', undefined],
  ['completion', 'LLM', 'text_completion'],
  ['text', 'LLM', 'text_completion'],
  ['response', 'LLM', 'chat'],
  ['generation', 'LLM', undefined],
  ['transcription', 'LLM', undefined],
  ['speech', 'LLM', undefined],
  ['function', 'TOOL', 'execute_tool'],
  ['handoff', 'AGENT', undefined],
  ['custom', 'UNKNOWN', undefined],
];

export function kindFromLogType(t: string): AiSpanKind {
  return LOG_TYPES.find(([s]) => s === t)?.[1] ?? 'UNKNOWN';
}

export function operationFromLogType(t: string): string | undefined {
  return LOG_TYPES.find(([s]) => s === t)?.[2];
}

/** Kinds with no log_type of their own (CHAIN, RETRIEVER, RERANKER, EVALUATOR) are written as `task`. */
export function logTypeFromKind(k: string): string {
  return LOG_TYPES.find(([, kind]) => kind === k)?.[0] ?? 'task';
}

export function isKnownLogType(t: string): boolean {
  return LOG_TYPES.some(([s]) => s === t);
}
