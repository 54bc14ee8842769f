/**
 * Built-in list prices, USD per million tokens, standard (non-batch) tier, the lowest context tier
 * where a provider has several. Taken from the providers' public pricing pages as of PRICES_AS_OF;
 * prices change, so config can override or extend any entry (`genai_cost.prices`). docs/processors.md
 * prints this table.
 *
 * `cached_input` is the price of a cache read; `cache_write` (Anthropic's 5-minute cache write,
 * 1.25 × input) is charged for cache-creation tokens where given, which otherwise cost `input`.
 */
export const PRICES_AS_OF = '2025-11-30';

export interface Price {
  input: number;
  output: number;
  cached_input?: number;
  cache_write?: number;
}

export const BUILTIN_PRICES: Readonly<Record<string, Price>> = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cached_input: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cached_input: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cached_input: 0.005 },
  'gpt-4o': { input: 2.5, output: 10, cached_input: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cached_input: 0.075 },
  'gpt-4.1': { input: 2, output: 8, cached_input: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cached_input: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cached_input: 0.025 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60, cached_input: 7.5 },
  'o1-mini': { input: 1.1, output: 4.4, cached_input: 0.55 },
  o3: { input: 2, output: 8, cached_input: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cached_input: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cached_input: 0.275 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  // Anthropic. The 4.5 generation is listed on its own: a prefix match would price
  // claude-opus-4-5 as claude-opus-4, at three times its price.
  'claude-opus-4-5': { input: 5, output: 25, cached_input: 0.5, cache_write: 6.25 },
  'claude-sonnet-4-5': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cached_input: 0.1, cache_write: 1.25 },
  'claude-opus-4': { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  'claude-opus-4-1': { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  'claude-sonnet-4': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-3-5-sonnet': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cached_input: 0.08, cache_write: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cached_input: 0.03, cache_write: 0.3 },
  'claude-3-opus': { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  // Google Gemini (≤128k / ≤200k prompt tier)
  'gemini-2.5-pro': { input: 1.25, output: 10, cached_input: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cached_input: 0.075 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cached_input: 0.025 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cached_input: 0.025 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  'gemini-1.5-pro': { input: 1.25, output: 5, cached_input: 0.3125 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3, cached_input: 0.01875 },
  'gemini-1.5-flash-8b': { input: 0.0375, output: 0.15, cached_input: 0.01 },
  // Mistral
  'mistral-large': { input: 2, output: 6 },
  'mistral-medium': { input: 0.4, output: 2 },
  'mistral-small': { input: 0.1, output: 0.3 },
  codestral: { input: 0.3, output: 0.9 },
  'open-mistral-nemo': { input: 0.15, output: 0.15 },
  'ministral-8b': { input: 0.1, output: 0.1 },
  'ministral-3b': { input: 0.04, output: 0.04 },
  // Others
  'deepseek-chat': { input: 0.27, output: 1.1, cached_input: 0.07 },
  'deepseek-reasoner': { input: 0.55, output: 2.19, cached_input: 0.14 },
  'command-r-plus': { input: 2.5, output: 10 },
  'command-r': { input: 0.15, output: 0.6 },
};
