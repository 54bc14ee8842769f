/**
 * The AI kind (LLM, TOOL, AGENT, …) of a span as far as its attributes say, for the vendors
 * whose events need one (Netra, Neatlogs).
 */
import { Canonical, GenAI, aiKindFromOperation, type Attributes } from '../../model/index.js';

export const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'generate', 'embeddings']);

/** The AI kind of a span, as far as the model says it. */
export function aiKindOf(attrs: Attributes): string | undefined {
  const k = attrs[Canonical.spanKind];
  if (typeof k === 'string' && k !== '') return k.toUpperCase();
  const op = attrs[GenAI.operationName];
  const fromOp = aiKindFromOperation(typeof op === 'string' ? op : undefined);
  if (fromOp) return fromOp;
  if (typeof op === 'string' && LLM_OPERATIONS.has(op)) return 'LLM';
  if (attrs[GenAI.requestModel] !== undefined || attrs[GenAI.responseModel] !== undefined) return 'LLM';
  return undefined;
}
