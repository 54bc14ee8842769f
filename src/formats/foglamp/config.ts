import { z } from 'zod';
import { parseOptions } from '../shared/options.js';
import type { OptionsOf } from '../types.js';
import { FOGLAMP_MAX_TRACES } from './contract.js';

/** The `foglamp` exporter's own keys. */
export const foglampExporterConfig = {
  /** Traces per request (the vendor takes 1..1000). */
  max_traces_per_request: z.number().int().min(1).max(FOGLAMP_MAX_TRACES).default(FOGLAMP_MAX_TRACES),
};
export type FoglampExporterOptions = OptionsOf<typeof foglampExporterConfig>;

/** The encoder's options for raw keys, parsed through the schema (defaults applied). */
export function foglampOptions(raw: Record<string, unknown> = {}): FoglampExporterOptions {
  return parseOptions(foglampExporterConfig, raw);
}
