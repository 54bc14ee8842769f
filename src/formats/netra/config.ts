import { z } from 'zod';
import { parseOptions } from '../shared/options.js';
import type { OptionsOf } from '../types.js';
import { NETRA_DEFAULT_GZIP_LEVEL, NETRA_MAX_REQUEST_BYTES } from './contract.js';

/** The `netra` exporter's own keys. */
export const netraExporterConfig = {
  /** `llm_only` (default): only LLM operations are sent; `all`: every span, span_kind set. */
  span_policy: z.enum(['llm_only', 'all']).default('llm_only'),
  /** Uncompressed bytes per request; Netra's documented ceiling is 5 MB. */
  max_request_bytes: z.number().int().min(1024).max(NETRA_MAX_REQUEST_BYTES).default(NETRA_MAX_REQUEST_BYTES),
  /** gzip level 1 (cheapest) … 9. */
  compression_level: z.number().int().min(1).max(9).default(NETRA_DEFAULT_GZIP_LEVEL),
};
export type NetraExporterOptions = OptionsOf<typeof netraExporterConfig>;

/** The encoder's options for raw keys, parsed through the schema (defaults applied). */
export function netraOptions(raw: Record<string, unknown> = {}): NetraExporterOptions {
  return parseOptions(netraExporterConfig, raw);
}
