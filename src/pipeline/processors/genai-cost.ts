/**
 * `genai_cost`: fills `gen_ai.usage.cost_usd` (and the input/output split) on spans that carry
 * token counts and a known model but no cost yet. Reads only canonical keys, so it runs after
 * `genai_normalize`. Cost, per million tokens:
 *   input part  = (input − cache_read − cache_write*) × input + cache_read × cached_input + cache_write* × cache_write
 *   output part = output × output
 * (* only when the price has a cache_write rate; otherwise cache writes are plain input.)
 */
import { z } from 'zod';
import type { Attributes, Signal, Telemetry } from '../../model/index.js';
import { attrNumber, Canonical, GenAI } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { forEachSpan, has } from './for-each-span.js';
import { BUILTIN_PRICES, type Price } from './price-table.js';

const price = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});

export const genaiCostConfigSchema = z.strictObject({
  /** Per-model prices (USD per million tokens) that override or extend the built-in table. */
  prices: z.record(z.string().min(1), price).default({}),
  /** Use the built-in table; false prices only the models in `prices`. */
  builtin_prices: z.boolean().default(true),
});

export type GenaiCostConfig = z.output<typeof genaiCostConfigSchema>;

/**
 * A model id as vendors write it → the table's spelling: lowercased, without a route prefix
 * (`openai/gpt-4o`, `models/gemini-1.5-pro`) or a Bedrock region/vendor prefix
 * (`us.anthropic.claude-3-5-sonnet-20241022-v2:0`).
 */
export function canonicalModel(model: string): string {
  let m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) m = m.slice(slash + 1);
  m = m.replace(/^(?:us|eu|apac|global)\./, '').replace(/^(?:anthropic|meta|mistral|cohere|amazon)\./, '');
  return m;
}

/** Characters that may follow a table key in a longer id: dated snapshots and version suffixes. */
function isBoundary(c: string | undefined): boolean {
  return c === undefined || c === '-' || c === '@' || c === ':' || c === '_';
}

export class PriceTable {
  private readonly exact = new Map<string, Price>();
  /** Longest first, so the first prefix hit is the longest. */
  private readonly prefixes: string[];
  private readonly cache = new Map<string, Price | null>();

  constructor(entries: Record<string, Price>) {
    for (const [k, v] of Object.entries(entries)) this.exact.set(canonicalModel(k), v);
    this.prefixes = [...this.exact.keys()].sort((a, b) => b.length - a.length);
  }

  /** Exact match, then the longest table key that prefixes the id at a boundary (gpt-4o-2024-08-06 → gpt-4o). */
  lookup(model: string): Price | undefined {
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    const m = canonicalModel(model);
    let p = this.exact.get(m);
    if (!p) {
      const key = this.prefixes.find((k) => m.startsWith(k) && isBoundary(m[k.length]));
      if (key) p = this.exact.get(key);
    }
    // Model ids are few; memoising the answer keeps the per-span cost at one map lookup.
    if (this.cache.size < 10_000) this.cache.set(model, p ?? null);
    return p;
  }
}

export interface Cost {
  input: number;
  output: number;
  total: number;
}

export function computeCost(p: Price, tokens: { input: number; output: number; cacheRead: number; cacheWrite: number }): Cost {
  const cacheRead = Math.min(tokens.cacheRead, tokens.input);
  const cacheWrite = p.cache_write !== undefined ? Math.min(tokens.cacheWrite, tokens.input - cacheRead) : 0;
  const plain = tokens.input - cacheRead - cacheWrite;
  const input = (plain * p.input + cacheRead * (p.cached_input ?? p.input) + cacheWrite * (p.cache_write ?? p.input)) / 1e6;
  const output = (tokens.output * p.output) / 1e6;
  return { input, output, total: input + output };
}

/** True when the span already states a cost in any of the forms the normalizer knows. */
function hasCost(attrs: Attributes): boolean {
  return has(attrs, Canonical.costUsd) || has(attrs, 'llm.cost.total');
}

export const genaiCostProcessor: ProcessorDefinition<GenaiCostConfig> = {
  type: 'genai_cost',
  mutatesData: true,
  signals: ['traces'],
  configSchema: genaiCostConfigSchema,
  create(config, ctx) {
    const table = new PriceTable({ ...(config.builtin_prices ? BUILTIN_PRICES : {}), ...config.prices });
    return {
      process(data: Telemetry, signal: Signal): Telemetry {
        if (signal !== 'traces') return data;
        let priced = 0;
        let unknown = 0;
        forEachSpan(data, (span) => {
          const a = span.attributes;
          if (hasCost(a)) return;
          const input = attrNumber(a, GenAI.inputTokens);
          const output = attrNumber(a, GenAI.outputTokens);
          if (input === undefined && output === undefined) return;
          // The response model names the snapshot that ran; the request model may be an alias.
          const resp = a[GenAI.responseModel];
          const req = a[GenAI.requestModel];
          if (typeof resp !== 'string' && typeof req !== 'string') return;
          const p = (typeof resp === 'string' ? table.lookup(resp) : undefined) ?? (typeof req === 'string' ? table.lookup(req) : undefined);
          if (!p) {
            unknown++;
            return;
          }
          const c = computeCost(p, {
            input: input ?? 0,
            output: output ?? 0,
            cacheRead: attrNumber(a, GenAI.cacheReadInputTokens) ?? 0,
            cacheWrite: attrNumber(a, GenAI.cacheCreationInputTokens) ?? 0,
          });
          a[Canonical.costUsd] = c.total;
          if (!has(a, Canonical.inputCostUsd)) a[Canonical.inputCostUsd] = c.input;
          if (!has(a, Canonical.outputCostUsd)) a[Canonical.outputCostUsd] = c.output;
          priced++;
        });
        if (priced > 0) ctx.count('priced', priced);
        if (unknown > 0) ctx.count('unknown_model', unknown);
        return data;
      },
    };
  },
};
