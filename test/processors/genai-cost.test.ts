import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/model/index.js';
import { Canonical, GenAI } from '../../src/model/index.js';
import { canonicalModel, genaiCostConfigSchema, genaiCostProcessor, PriceTable } from '../../src/pipeline/processors/genai-cost.js';
import { BUILTIN_PRICES } from '../../src/pipeline/processors/price-table.js';
import { allSpans, context, make, span, traces } from './helpers.js';

function priced(attrs: Attributes, config: unknown = {}): Attributes {
  const p = make(genaiCostProcessor, config);
  return allSpans(p.process(traces([span('s', attrs)]), 'traces'))[0]!.attributes;
}

describe('genai_cost', () => {
  it('prices gpt-4o with cache reads as documented', () => {
    // docs/processors.md: 10,000 input of which 4,000 cached, 1,000 output on gpt-4o
    // = 6,000 × 2.50 + 4,000 × 1.25 + 1,000 × 10.00 per million = 0.015 + 0.005 + 0.010 = $0.030
    const a = priced({ [GenAI.responseModel]: 'gpt-4o-2024-08-06', [GenAI.inputTokens]: 10_000n, [GenAI.cacheReadInputTokens]: 4_000n, [GenAI.outputTokens]: 1_000n });
    expect(a[Canonical.costUsd]).toBeCloseTo(0.03, 12);
    expect(a[Canonical.inputCostUsd]).toBeCloseTo(0.02, 12);
    expect(a[Canonical.outputCostUsd]).toBeCloseTo(0.01, 12);
  });
  it('charges Anthropic cache writes at the cache-write rate', () => {
    // 2,400 input = 100 plain + 2,000 read + 300 written; 50 output on claude-3-5-sonnet
    // = (100 × 3 + 2,000 × 0.30 + 300 × 3.75 + 50 × 15) / 1e6 = 0.002775
    const a = priced({ [GenAI.requestModel]: 'claude-3-5-sonnet-20241022', [GenAI.inputTokens]: 2400n, [GenAI.cacheReadInputTokens]: 2000n, [GenAI.cacheCreationInputTokens]: 300n, [GenAI.outputTokens]: 50n });
    expect(a[Canonical.costUsd]).toBeCloseTo(0.002775, 12);
  });
  it('a config price overrides the built-in one, and extends the table', () => {
    const a = priced({ [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 1_000_000n, [GenAI.outputTokens]: 0n }, { prices: { 'gpt-4o': { input: 1, output: 1 } } });
    expect(a[Canonical.costUsd]).toBe(1);
    const b = priced({ [GenAI.requestModel]: 'my-finetune-v3', [GenAI.inputTokens]: 2_000_000n, [GenAI.outputTokens]: 1_000_000n }, { prices: { 'my-finetune': { input: 0.5, output: 2 } } });
    expect(b[Canonical.costUsd]).toBe(3);
  });
  it('never replaces a cost that is present', () => {
    const a = priced({ [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 10n, [Canonical.costUsd]: 9.99 });
    expect(a[Canonical.costUsd]).toBe(9.99);
    expect(a[Canonical.inputCostUsd]).toBeUndefined();
    expect(priced({ [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 10n, 'llm.cost.total': 1 })[Canonical.costUsd]).toBeUndefined();
  });
  it('leaves unknown models and spans without tokens alone, counting the unknown', () => {
    const ctx = context();
    const p = make(genaiCostProcessor, {}, ctx);
    const out = p.process(traces([span('a', { [GenAI.requestModel]: 'mystery-1', [GenAI.inputTokens]: 5n }), span('b', { [GenAI.requestModel]: 'gpt-4o' })]), 'traces');
    expect(allSpans(out).map((s) => s.attributes[Canonical.costUsd])).toEqual([undefined, undefined]);
    expect(ctx.counts['unknown_model']).toBe(1);
  });
  it('builtin_prices: false prices only configured models', () => {
    expect(priced({ [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 5n }, { builtin_prices: false })[Canonical.costUsd]).toBeUndefined();
  });
  it('matches exactly, then by the longest prefix at a boundary', () => {
    const t = new PriceTable(BUILTIN_PRICES as Record<string, never>);
    expect(t.lookup('gpt-4o-mini-2024-07-18')).toBe(BUILTIN_PRICES['gpt-4o-mini']);
    expect(t.lookup('gpt-4o-2024-08-06')).toBe(BUILTIN_PRICES['gpt-4o']);
    expect(t.lookup('o3-mini-2025-01-31')).toBe(BUILTIN_PRICES['o3-mini']);
    expect(t.lookup('gpt-4.1-2025-04-14')).toBe(BUILTIN_PRICES['gpt-4.1']);
    expect(t.lookup('us.anthropic.claude-3-5-sonnet-20241022-v2:0')).toBe(BUILTIN_PRICES['claude-3-5-sonnet']);
    expect(t.lookup('claude-opus-4-5-20251101')).toBe(BUILTIN_PRICES['claude-opus-4-5']);
    expect(t.lookup('models/gemini-1.5-pro-002')).toBe(BUILTIN_PRICES['gemini-1.5-pro']);
    expect(t.lookup('gemini-2.0-flash-lite-001')).toBe(BUILTIN_PRICES['gemini-2.0-flash-lite']);
    expect(t.lookup('GPT-4o')).toBe(BUILTIN_PRICES['gpt-4o']);
    expect(t.lookup('gpt-4o1')).toBeUndefined();
    expect(t.lookup('gpt-4.5-preview')).toBeUndefined();
    expect(canonicalModel('openai/gpt-4o')).toBe('gpt-4o');
  });
  it('rejects bad price config with a path', () => {
    const r = genaiCostConfigSchema.safeParse({ prices: { 'gpt-4o': { input: -1, output: 1 } } });
    expect(r.error!.issues[0]!.path).toEqual(['prices', 'gpt-4o', 'input']);
    expect(genaiCostConfigSchema.safeParse({ prices: { x: { input: 1 } } }).success).toBe(false);
  });
});
