import { z } from 'zod';
import { parseOptions } from '../shared/options.js';
import type { OptionsOf } from '../types.js';
import { KEYWORDSAI_DEFAULT_MAX_BYTES, KEYWORDSAI_DEFAULT_MAX_LOGS } from './contract.js';

/** The `keywordsai` exporter's own keys. */
export const keywordsAiExporterConfig = {
  /** Logs per request (default 1000). */
  max_logs_per_request: z.number().int().min(1).default(KEYWORDSAI_DEFAULT_MAX_LOGS),
  /** Bytes per request body (default 4 MiB); a single larger log is sent alone. */
  max_request_bytes: z.number().int().min(1024).default(KEYWORDSAI_DEFAULT_MAX_BYTES),
};
export type KeywordsAiExporterOptions = OptionsOf<typeof keywordsAiExporterConfig>;

/** The encoder's options for raw keys, parsed through the schema (defaults applied). */
export function keywordsAiOptions(raw: Record<string, unknown> = {}): KeywordsAiExporterOptions {
  return parseOptions(keywordsAiExporterConfig, raw);
}
