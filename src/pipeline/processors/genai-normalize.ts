/**
 * `genai_normalize`: maps the AI conventions met in the wild (OpenInference, OpenLLMetry/Traceloop,
 * older GenAI names) onto the canonical keys of the semantic model (src/model/genai.ts), as tabled in
 * genai-conventions.md. Rules: a canonical value that is present is never changed (the one exception
 * is an input/output token count smaller than its own cached/reasoning part, see genai-tokens.ts);
 * foreign keys stay unless `remove_source_keys`; normalising twice equals normalising once.
 */
import { z } from 'zod';
import type { AnyValue, Attributes, Signal, Telemetry } from '../../model/index.js';
import { attrString, Canonical, GenAI, intAttr, toNumber } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { forEachSpan, has, setIfAbsent } from './for-each-span.js';
import { deriveAiKind, deriveOperation } from '../../model/ai-kind.js';
import { findMessages, findToolDefinitions, finishReasonsOf } from '../../model/genai-messages/from-attributes.js';
import { normaliseProvider, providerFromOpenInference } from './genai-provider.js';
import { normaliseTokens, TOKEN_SOURCES, type TokenOptions } from './genai-tokens.js';

const exclusiveMode = z.union([z.literal('auto'), z.boolean()]).default('auto');

export const genaiNormalizeConfigSchema = z.strictObject({
  /** Delete the foreign keys once their canonical key is set (default: keep them, lossless). */
  remove_source_keys: z.boolean().default(false),
  /** Whether foreign input counts exclude cache tokens: auto (evidence, see docs), true, false. */
  input_tokens_exclude_cache: exclusiveMode,
  /** Whether foreign output counts exclude reasoning tokens: auto, true, false. */
  output_tokens_exclude_reasoning: exclusiveMode,
});

export type GenaiNormalizeConfig = z.output<typeof genaiNormalizeConfigSchema>;

export interface NormalizeOptions extends TokenOptions {
  removeSourceKeys: boolean;
}

function firstString(attrs: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function asDouble(v: unknown): number | undefined {
  const n = typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? toNumber(v as AnyValue) : undefined;
  return n;
}

function asInt(v: unknown): bigint | undefined {
  const n = asDouble(v);
  return n !== undefined && Number.isInteger(n) ? intAttr(n) : undefined;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') {
    if (v.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed)) return stringList(parsed);
      } catch {
        // A reason that merely starts with "[": keep it as one value.
      }
    }
    return v === '' ? undefined : [v];
  }
  if (Array.isArray(v)) {
    const out = v.filter((x): x is string => typeof x === 'string');
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** `llm.invocation_parameters` (JSON text) → gen_ai.request.*. */
function invocationParameters(attrs: Attributes): void {
  const raw = attrs['llm.invocation_parameters'];
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('{')) return;
  let p: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    p = parsed as Record<string, unknown>;
  } catch {
    return;
  }
  setIfAbsent(attrs, GenAI.requestModel, typeof p['model'] === 'string' ? p['model'] : undefined);
  setIfAbsent(attrs, GenAI.requestTemperature, asDouble(p['temperature']));
  setIfAbsent(attrs, GenAI.requestTopP, asDouble(p['top_p'] ?? p['topP']));
  setIfAbsent(attrs, GenAI.requestTopK, asDouble(p['top_k'] ?? p['topK']));
  setIfAbsent(attrs, GenAI.requestMaxTokens, asInt(p['max_tokens'] ?? p['max_completion_tokens'] ?? p['max_output_tokens'] ?? p['maxOutputTokens']));
  setIfAbsent(attrs, GenAI.requestSeed, asInt(p['seed']));
  setIfAbsent(attrs, GenAI.requestStopSequences, stringList(p['stop'] ?? p['stop_sequences'] ?? p['stopSequences']));
  setIfAbsent(attrs, GenAI.requestStream, asBool(p['stream']));
  setIfAbsent(attrs, 'gen_ai.request.frequency_penalty', asDouble(p['frequency_penalty']));
  setIfAbsent(attrs, 'gen_ai.request.presence_penalty', asDouble(p['presence_penalty']));
  setIfAbsent(attrs, 'gen_ai.request.choice.count', asInt(p['n']));
}

/** Where `traceloop.entity.name` belongs, by the decorator kind that named it. */
const ENTITY_TARGET: Record<string, string> = {
  workflow: GenAI.workflowName,
  agent: GenAI.agentName,
  tool: GenAI.toolName,
};

/**
 * Foreign keys (or key prefixes ending in ".") and the canonical keys that supersede them: with
 * remove_source_keys a foreign key goes once any of its targets is set.
 */
const REQUEST_PARAMS = [
  GenAI.requestModel, GenAI.requestTemperature, GenAI.requestTopP, GenAI.requestTopK, GenAI.requestMaxTokens,
  GenAI.requestSeed, GenAI.requestStopSequences, GenAI.requestStream,
];
const SUPERSEDED: [string, string[]][] = [
  ['gen_ai.system', [GenAI.providerName]],
  ['llm.provider', [GenAI.providerName]],
  ['llm.system', [GenAI.providerName]],
  ['llm.model_name', [GenAI.requestModel, GenAI.responseModel]],
  ['llm.request.model_name', [GenAI.requestModel]],
  ['llm.response.model_name', [GenAI.responseModel]],
  ...TOKEN_SOURCES.input.map((k): [string, string[]] => [k, [GenAI.inputTokens]]),
  ...TOKEN_SOURCES.output.map((k): [string, string[]] => [k, [GenAI.outputTokens]]),
  ...TOKEN_SOURCES.total.map((k): [string, string[]] => [k, [Canonical.totalTokens]]),
  ...TOKEN_SOURCES.cacheRead.map((k): [string, string[]] => [k, [GenAI.cacheReadInputTokens]]),
  ...TOKEN_SOURCES.cacheCreation.map((k): [string, string[]] => [k, [GenAI.cacheCreationInputTokens]]),
  ...TOKEN_SOURCES.reasoning.map((k): [string, string[]] => [k, [GenAI.reasoningOutputTokens]]),
  ['llm.cost.total', [Canonical.costUsd]],
  ['llm.cost.prompt', [Canonical.inputCostUsd]],
  ['llm.cost.completion', [Canonical.outputCostUsd]],
  ['llm.invocation_parameters', REQUEST_PARAMS],
  ['llm.top_k', [GenAI.requestTopK]],
  ['llm.is_streaming', [GenAI.requestStream]],
  ['llm.finish_reason', [GenAI.finishReasons]],
  ['llm.response.finish_reason', [GenAI.finishReasons]],
  ['llm.input_messages.', [GenAI.inputMessages]],
  ['gen_ai.prompt.', [GenAI.inputMessages]],
  ['llm.output_messages.', [GenAI.outputMessages]],
  ['gen_ai.completion.', [GenAI.outputMessages]],
  ['llm.tools.', [GenAI.toolDefinitions]],
  ['llm.request.functions.', [GenAI.toolDefinitions]],
  ['llm.user', [Canonical.userId]],
  ['agent.name', [GenAI.agentName]],
  ['tool.name', [GenAI.toolName]],
  ['traceloop.workflow.name', [GenAI.workflowName]],
  ['llm.request.type', [GenAI.operationName]],
  ['traceloop.span.kind', [Canonical.spanKind]],
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function removeSuperseded(attrs: Attributes): void {
  const prefixes: [string, string[]][] = [];
  for (const [src, targets] of SUPERSEDED) {
    if (src.endsWith('.')) prefixes.push([src, targets]);
    else if (src in attrs && targets.some((t) => has(attrs, t))) delete attrs[src];
  }
  for (const [prefix, targets] of prefixes) {
    if (!targets.some((t) => has(attrs, t))) continue;
    // Only the indexed keys (`gen_ai.prompt.0.content`), not unrelated ones that share the prefix.
    for (const k in attrs) if (k.startsWith(prefix) && isDigit(k.charCodeAt(prefix.length))) delete attrs[k];
  }
  const tk = attrString(attrs, 'traceloop.span.kind');
  const target = tk !== undefined ? ENTITY_TARGET[tk] : undefined;
  if (target && has(attrs, target) && 'traceloop.entity.name' in attrs) delete attrs['traceloop.entity.name'];
}

/** Normalises one span's attributes in place. Exported for tests and for codecs that want it. */
export function normalizeAttributes(attrs: Attributes, opts: NormalizeOptions): void {
  // Provider first: the token rules depend on it.
  if (!has(attrs, GenAI.providerName)) {
    const sys = attrString(attrs, 'gen_ai.system');
    const provider = sys !== undefined && sys !== '' ? normaliseProvider(sys) : providerFromOpenInference(attrString(attrs, 'llm.provider'), attrString(attrs, 'llm.system'));
    setIfAbsent(attrs, GenAI.providerName, provider);
  }

  setIfAbsent(attrs, GenAI.requestModel, firstString(attrs, ['llm.request.model_name', 'llm.model_name']));
  setIfAbsent(attrs, GenAI.responseModel, firstString(attrs, ['llm.response.model_name', 'llm.model_name']));

  normaliseTokens(attrs, attrString(attrs, GenAI.providerName), opts);

  setIfAbsent(attrs, Canonical.costUsd, asDouble(attrs['llm.cost.total']));
  setIfAbsent(attrs, Canonical.inputCostUsd, asDouble(attrs['llm.cost.prompt']));
  setIfAbsent(attrs, Canonical.outputCostUsd, asDouble(attrs['llm.cost.completion']));

  invocationParameters(attrs);
  setIfAbsent(attrs, GenAI.requestTopK, asDouble(attrs['llm.top_k']));
  setIfAbsent(attrs, GenAI.requestStream, asBool(attrs['llm.is_streaming']));

  const wantIn = !has(attrs, GenAI.inputMessages);
  const wantOut = !has(attrs, GenAI.outputMessages);
  const explicitFinish = stringList(attrs['llm.finish_reason'] ?? attrs['llm.response.finish_reason']);
  const canonicalFinish = stringList(attrs[GenAI.finishReasons]);
  if (wantIn || wantOut) {
    const found = findMessages(attrs, canonicalFinish ?? explicitFinish, { input: wantIn, output: wantOut });
    if (found.input) attrs[GenAI.inputMessages] = JSON.stringify(found.input);
    if (found.output) attrs[GenAI.outputMessages] = JSON.stringify(found.output);
    setIfAbsent(attrs, GenAI.finishReasons, explicitFinish ?? finishReasonsOf(found.output));
  } else {
    setIfAbsent(attrs, GenAI.finishReasons, explicitFinish);
  }
  if (!has(attrs, GenAI.toolDefinitions)) {
    const defs = findToolDefinitions(attrs);
    if (defs) attrs[GenAI.toolDefinitions] = JSON.stringify(defs);
  }

  setIfAbsent(attrs, GenAI.conversationId, firstString(attrs, [Canonical.sessionId]));
  setIfAbsent(attrs, Canonical.userId, firstString(attrs, ['llm.user']));
  setIfAbsent(attrs, GenAI.agentName, firstString(attrs, ['agent.name']));
  setIfAbsent(attrs, GenAI.toolName, firstString(attrs, ['tool.name']));
  setIfAbsent(attrs, GenAI.workflowName, firstString(attrs, ['traceloop.workflow.name']));
  const tk = attrString(attrs, 'traceloop.span.kind');
  const entityTarget = tk !== undefined ? ENTITY_TARGET[tk] : undefined;
  if (entityTarget) setIfAbsent(attrs, entityTarget, firstString(attrs, ['traceloop.entity.name']));

  // Kind last: it looks at the models and tool names mapped above.
  if (!has(attrs, Canonical.spanKind)) setIfAbsent(attrs, Canonical.spanKind, deriveAiKind(attrs));
  if (!has(attrs, GenAI.operationName)) setIfAbsent(attrs, GenAI.operationName, deriveOperation(attrs, attrString(attrs, Canonical.spanKind)));

  if (opts.removeSourceKeys) removeSuperseded(attrs);
}

export const genaiNormalizeProcessor: ProcessorDefinition<GenaiNormalizeConfig> = {
  type: 'genai_normalize',
  mutatesData: true,
  signals: ['traces'],
  configSchema: genaiNormalizeConfigSchema,
  create(config) {
    const opts: NormalizeOptions = {
      removeSourceKeys: config.remove_source_keys,
      inputExcludesCache: config.input_tokens_exclude_cache,
      outputExcludesReasoning: config.output_tokens_exclude_reasoning,
    };
    return {
      process(data: Telemetry, signal: Signal): Telemetry {
        if (signal === 'traces') forEachSpan(data, (span) => normalizeAttributes(span.attributes, opts));
        return data;
      },
    };
  },
};
