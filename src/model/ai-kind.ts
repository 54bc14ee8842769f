/**
 * The AI span kind (`openinference.span.kind`) from whatever a span carries, in Langfuse's order of
 * precedence (ObservationTypeMapper): an explicit observation type, then the OpenInference kind
 * itself, then `gen_ai.operation.name`, then the vendor operation fields (OpenLLMetry's
 * llm.request.type / traceloop.span.kind, Vercel's ai.operationId), then tool keys, then any model
 * key. A span with none of these is not an AI span and gets no kind.
 */
import { attrString, type Attributes } from './attributes.js';
import { aiKindFromOperation, GenAI, isAiSpanKind, operationFromAiKind, type AiSpanKind } from './genai.js';

const LANGFUSE_TYPES: Record<string, AiSpanKind> = {
  GENERATION: 'LLM',
  EMBEDDING: 'EMBEDDING',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  CHAIN: 'CHAIN',
  RETRIEVER: 'RETRIEVER',
  EVALUATOR: 'EVALUATOR',
  GUARDRAIL: 'GUARDRAIL',
};

/** OpenLLMetry ≤0.4 `llm.request.type`. */
const REQUEST_TYPES: Record<string, AiSpanKind> = {
  chat: 'LLM',
  completion: 'LLM',
  rerank: 'RERANKER',
  embedding: 'EMBEDDING',
};

/** OpenLLMetry `traceloop.span.kind` (the decorator kinds). */
const TRACELOOP_KINDS: Record<string, AiSpanKind> = {
  workflow: 'WORKFLOW',
  task: 'TASK',
  agent: 'AGENT',
  tool: 'TOOL',
};

/** Vercel AI SDK `ai.operationId`: the inner do* spans are the model calls. */
function vercelKind(op: string): AiSpanKind | undefined {
  if (op.endsWith('.doGenerate') || op.endsWith('.doStream')) return 'LLM';
  if (op.startsWith('ai.embed')) return 'EMBEDDING';
  if (op === 'ai.toolCall') return 'TOOL';
  if (op.startsWith('ai.')) return 'CHAIN';
  return undefined;
}

const MODEL_KEYS = [GenAI.requestModel, GenAI.responseModel, 'llm.model_name', 'llm.request.model_name', 'llm.response.model_name', 'model'];

export function deriveAiKind(attrs: Attributes): AiSpanKind | undefined {
  const lf = attrString(attrs, 'langfuse.observation.type');
  if (lf !== undefined) {
    const k = LANGFUSE_TYPES[lf.toUpperCase()];
    if (k) return k;
  }
  const oi = attrString(attrs, 'openinference.span.kind')?.toUpperCase();
  if (isAiSpanKind(oi)) return oi;
  const op = aiKindFromOperation(attrString(attrs, GenAI.operationName));
  if (op) return op;
  const rt = attrString(attrs, 'llm.request.type');
  if (rt !== undefined && REQUEST_TYPES[rt]) return REQUEST_TYPES[rt];
  const tk = attrString(attrs, 'traceloop.span.kind');
  if (tk !== undefined && TRACELOOP_KINDS[tk]) return TRACELOOP_KINDS[tk];
  const vop = attrString(attrs, 'ai.operationId');
  if (vop !== undefined) {
    const k = vercelKind(vop);
    if (k) return k;
  }
  if (attrs[GenAI.toolName] !== undefined || attrs[GenAI.toolCallId] !== undefined) return 'TOOL';
  for (const k of MODEL_KEYS) if (typeof attrs[k] === 'string' && attrs[k] !== '') return 'LLM';
  return undefined;
}

/** gen_ai.operation.name for a span that has none: OpenLLMetry's request type is more exact than the kind. */
export function deriveOperation(attrs: Attributes, kind: string | undefined): string | undefined {
  switch (attrString(attrs, 'llm.request.type')) {
    case 'chat': return 'chat';
    case 'completion': return 'text_completion';
    case 'embedding': return 'embeddings';
  }
  return operationFromAiKind(kind);
}

export const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'generate', 'embeddings']);

/**
 * The AI kind an encoder writes (Netra, Neatlogs): the one derivation above, whether or not the
 * normalize processor ran, plus the LLM operations the GenAI conventions name without a kind.
 */
export function aiKindOf(attrs: Attributes): string | undefined {
  const kind = deriveAiKind(attrs);
  if (kind) return kind;
  const op = attrString(attrs, GenAI.operationName);
  return op !== undefined && LLM_OPERATIONS.has(op) ? 'LLM' : undefined;
}
