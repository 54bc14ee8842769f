/**
 * Canonical attribute keys of the semantic model: the OpenTelemetry GenAI conventions where they
 * have a name, and one documented Switchyard key for each AI fact they leave out. Every codec and
 * processor reads and writes AI facts through these names only.
 */
export const GenAI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  /** Includes cached input (cache_read and cache_creation are parts of it). */
  inputTokens: 'gen_ai.usage.input_tokens',
  /** Includes reasoning tokens. */
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  toolDefinitions: 'gen_ai.tool.definitions',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  workflowName: 'gen_ai.workflow.name',
  conversationId: 'gen_ai.conversation.id',
  /** Seconds, per the GenAI span attribute. */
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestTopK: 'gen_ai.request.top_k',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestSeed: 'gen_ai.request.seed',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestStream: 'gen_ai.request.stream',
  dataSourceId: 'gen_ai.data_source.id',
} as const;

/** Keys the conventions do not name, one canonical home each (documented in docs/mapping.md). */
export const Canonical = {
  /** The AI span kind, OpenInference's key (values in AI_SPAN_KINDS). */
  spanKind: 'openinference.span.kind',
  /** Total tokens = input + output (a derived convenience many vendors carry). */
  totalTokens: 'gen_ai.usage.total_tokens',
  costUsd: 'gen_ai.usage.cost_usd',
  inputCostUsd: 'gen_ai.usage.input_cost_usd',
  outputCostUsd: 'gen_ai.usage.output_cost_usd',
  workflowRunId: 'gen_ai.workflow.run_id',
  userId: 'user.id',
  sessionId: 'session.id',
  /** Generic input/output payloads (OpenInference's names) when not chat messages. */
  inputValue: 'input.value',
  outputValue: 'output.value',
  environment: 'deployment.environment.name',
  serviceName: 'service.name',
  appName: 'app.name',
  organizationId: 'organization.id',
  piiRedacted: 'governance.security.pii_redacted',
  contentTruncated: 'switchyard.content.truncated',
  errorType: 'error.type',
  imageCount: 'gen_ai.usage.image_count',
  webSearchCount: 'gen_ai.usage.web_search_count',
  requestCount: 'gen_ai.usage.request_count',
  /** Original ids, kept when the OTLP encoder had to map a non-hex id. */
  originalTraceId: 'switchyard.original.trace_id',
  originalSpanId: 'switchyard.original.span_id',
  originalParentSpanId: 'switchyard.original.parent_span_id',
} as const;

export const AI_SPAN_KINDS = [
  'LLM', 'TOOL', 'AGENT', 'WORKFLOW', 'CHAIN', 'RETRIEVER', 'EMBEDDING', 'RERANKER', 'GUARDRAIL', 'EVALUATOR', 'TASK', 'UNKNOWN',
] as const;
export type AiSpanKind = (typeof AI_SPAN_KINDS)[number];

export function isAiSpanKind(v: unknown): v is AiSpanKind {
  return typeof v === 'string' && (AI_SPAN_KINDS as readonly string[]).includes(v);
}

/** gen_ai.operation.name → AI span kind (Langfuse's order of precedence uses the same table). */
export function aiKindFromOperation(op: string | undefined): AiSpanKind | undefined {
  switch (op) {
    case 'chat': case 'text_completion': case 'generate_content': case 'completion': case 'generate':
      return 'LLM';
    case 'embeddings': return 'EMBEDDING';
    case 'retrieval': return 'RETRIEVER';
    case 'execute_tool': return 'TOOL';
    case 'invoke_agent': case 'create_agent': return 'AGENT';
    case 'invoke_workflow': return 'WORKFLOW';
    default: return undefined;
  }
}

/** AI span kind → gen_ai.operation.name, for targets that need an operation. */
export function operationFromAiKind(kind: string | undefined): string | undefined {
  switch (kind) {
    case 'LLM': return 'chat';
    case 'EMBEDDING': return 'embeddings';
    case 'RETRIEVER': return 'retrieval';
    case 'TOOL': return 'execute_tool';
    case 'AGENT': return 'invoke_agent';
    case 'WORKFLOW': return 'invoke_workflow';
    default: return undefined;
  }
}
