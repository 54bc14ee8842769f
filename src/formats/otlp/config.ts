import { z } from 'zod';
import type { OptionsOf } from '../types.js';

export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** The `otlp_http` exporter's own keys. */
export const otlpHttpExporterConfig = {
  encoding: z.enum(['proto', 'json']).default('proto'),
  compression: z.enum(['gzip', 'zstd', 'none']).default('gzip'),
  /**
   * Largest uncompressed body per request; a larger batch is split in halves until it fits
   * (the Collector's receivers refuse bodies over 20 MiB by default).
   */
  max_request_bytes: z.number().int().positive().default(DEFAULT_MAX_REQUEST_BYTES),
};
export type OtlpHttpExporterOptions = OptionsOf<typeof otlpHttpExporterConfig>;
