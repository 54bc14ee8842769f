/**
 * Token counts → the canonical, inclusive GenAI semantics: `input_tokens` includes cache reads and
 * cache writes, `output_tokens` includes reasoning, `total_tokens` = input + output.
 *
 * The hard part is telling whether a source's input count already includes the cache. Anthropic's
 * API reports input *excluding* cache; the OpenInference and OpenLLMetry Anthropic instrumentations
 * add the cache back before writing (so their counts are inclusive); hand-rolled exporters often do
 * not. Adding the cache to an already inclusive count doubles it (langfuse#12306), so conversion
 * happens only on evidence, in this order:
 *   1. no cache tokens at all → nothing to convert;
 *   2. input < cache_read + cache_creation → exclusive (an inclusive count cannot be smaller than its parts);
 *   3. a canonical input that is present is otherwise never touched;
 *   4. the `input_tokens_exclude_cache` option, when true or false, decides;
 *   5. a total on the span decides: total = input + cache + output → exclusive, = input + output → inclusive;
 *   6. provider anthropic, with the count taken from a key other than OpenInference's (whose
 *      instrumentations are inclusive by their spec) → exclusive;
 *   7. otherwise inclusive.
 * Reasoning vs output follows the same steps (2–5) without a provider rule. Every conversion yields
 * a value that makes rule 2 false, and canonical values are only set when absent, so normalising
 * twice equals normalising once.
 */
import type { Attributes } from '../../model/index.js';
import { Canonical, GenAI, intAttr, toNumber } from '../../model/index.js';
import { has } from './for-each-span.js';

export type ExclusiveMode = 'auto' | boolean;

export interface TokenOptions {
  inputExcludesCache: ExclusiveMode;
  outputExcludesReasoning: ExclusiveMode;
}

/** Foreign keys per concept, most specific first (kept exported for remove_source_keys and docs). */
export const TOKEN_SOURCES = {
  input: ['gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'],
  output: ['gen_ai.usage.completion_tokens', 'llm.token_count.completion'],
  total: ['llm.token_count.total', 'llm.usage.total_tokens'],
  cacheRead: [
    'llm.token_count.prompt_details.cache_read',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.usage.cache_read_input_tokens',
    'gen_ai.usage.input_cached_tokens',
  ],
  cacheCreation: [
    'llm.token_count.prompt_details.cache_write',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.usage.cache_creation_input_tokens',
    'gen_ai.usage.cache_write_input_tokens',
  ],
  reasoning: ['llm.token_count.completion_details.reasoning', 'gen_ai.usage.reasoning_tokens', 'llm.usage.reasoning_tokens'],
} as const;

/** OpenInference's prompt count is inclusive by its specification. */
const INCLUSIVE_BY_SPEC = new Set<string>(['llm.token_count.prompt']);

interface Count {
  n: number;
  key: string;
  canonical: boolean;
}

function count(attrs: Attributes, key: string): number | undefined {
  const n = toNumber(attrs[key]);
  return n !== undefined && n >= 0 ? Math.trunc(n) : undefined;
}

function first(attrs: Attributes, canonicalKey: string | undefined, sources: readonly string[]): Count | undefined {
  if (canonicalKey !== undefined) {
    const n = count(attrs, canonicalKey);
    if (n !== undefined) return { n, key: canonicalKey, canonical: true };
  }
  for (const key of sources) {
    const n = count(attrs, key);
    if (n !== undefined) return { n, key, canonical: false };
  }
  return undefined;
}

/** Copies a foreign count to its canonical key when absent; returns the effective count. */
function adopt(attrs: Attributes, canonicalKey: string, sources: readonly string[]): number {
  const c = first(attrs, canonicalKey, sources);
  if (!c) return 0;
  if (!c.canonical && !has(attrs, canonicalKey)) attrs[canonicalKey] = intAttr(c.n);
  return c.n;
}

function isExclusive(
  base: Count,
  part: number,
  other: number | undefined,
  total: number | undefined,
  mode: ExclusiveMode,
  providerRule: boolean,
): boolean {
  if (part === 0) return false;
  if (mode === false) return false;
  if (base.n < part) return true;
  if (base.canonical) return false;
  if (mode === true) return true;
  if (total !== undefined && other !== undefined) {
    if (total === base.n + part + other) return true;
    if (total === base.n + other) return false;
  }
  return providerRule;
}

export function normaliseTokens(attrs: Attributes, provider: string | undefined, opts: TokenOptions): void {
  const cacheRead = adopt(attrs, GenAI.cacheReadInputTokens, TOKEN_SOURCES.cacheRead);
  const cacheCreation = adopt(attrs, GenAI.cacheCreationInputTokens, TOKEN_SOURCES.cacheCreation);
  const reasoning = adopt(attrs, GenAI.reasoningOutputTokens, TOKEN_SOURCES.reasoning);
  const total = first(attrs, Canonical.totalTokens, TOKEN_SOURCES.total)?.n;

  const inC = first(attrs, GenAI.inputTokens, TOKEN_SOURCES.input);
  const outC = first(attrs, GenAI.outputTokens, TOKEN_SOURCES.output);

  let input = inC?.n;
  let output = outC?.n;
  if (inC) {
    const cache = cacheRead + cacheCreation;
    const anthropic = provider === 'anthropic' && !INCLUSIVE_BY_SPEC.has(inC.key);
    if (isExclusive(inC, cache, outC?.n, total, opts.inputExcludesCache, anthropic)) input = inC.n + cache;
  }
  if (outC) {
    // The total rule needs the input the provider summed, i.e. the count as read.
    if (isExclusive(outC, reasoning, inC?.n, total, opts.outputExcludesReasoning, false)) output = outC.n + reasoning;
  }
  // A canonical count is rewritten only by the evidence rule, which makes it consistent.
  if (input !== undefined && (input !== inC!.n || !inC!.canonical)) attrs[GenAI.inputTokens] = intAttr(input);
  if (output !== undefined && (output !== outC!.n || !outC!.canonical)) attrs[GenAI.outputTokens] = intAttr(output);

  if (!has(attrs, Canonical.totalTokens)) {
    if (input !== undefined && output !== undefined) attrs[Canonical.totalTokens] = intAttr(input + output);
    else if (total !== undefined) attrs[Canonical.totalTokens] = intAttr(total);
  }
}
