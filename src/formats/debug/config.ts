import { z } from 'zod';

/** The `debug` exporter's own keys. */
export const debugExporterConfig = {
  /** basic: one summary line per batch; normal: one line per item; detailed: every field. */
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('normal'),
  /** A JSONL file instead of stdout. */
  path: z.string().optional(),
};
