import { z } from 'zod';
import type { OptionsOf } from '../types.js';
import { MAX_BATCH_RECORDS } from './contract.js';

/** The `infrasage` exporter's own keys. */
export const infrasageExporterConfig = {
  /** Records per request; the gateway takes at most 10,000. */
  max_batch_records: z.number().int().positive().max(MAX_BATCH_RECORDS).default(MAX_BATCH_RECORDS),
};
export type InfraSageExporterOptions = OptionsOf<typeof infrasageExporterConfig>;
