import { z } from 'zod';
import { parseOptions } from '../shared/options.js';
import type { OptionsOf } from '../types.js';
import { NEATLOGS_MAX_REQUEST_BYTES } from './contract.js';

/** The `neatlogs` exporter's own keys. */
export const neatlogsExporterConfig = {
  /** Workflow name for spans without gen_ai.workflow.name (before falling back to service.name). */
  default_workflow_name: z.string().min(1).optional(),
  /** Bytes per request; Neatlogs' documented ceiling is 1 MB. */
  max_request_bytes: z.number().int().min(4096).max(NEATLOGS_MAX_REQUEST_BYTES).default(NEATLOGS_MAX_REQUEST_BYTES),
};
export type NeatlogsExporterOptions = OptionsOf<typeof neatlogsExporterConfig>;

/** The encoder's options for raw keys, parsed through the schema (defaults applied). */
export function neatlogsOptions(raw: Record<string, unknown> = {}): NeatlogsExporterOptions {
  return parseOptions(neatlogsExporterConfig, raw);
}
