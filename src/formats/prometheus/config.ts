import { z } from 'zod';
import type { OptionsOf } from '../types.js';
import { DEFAULT_MAX_SAMPLES_PER_SEND, DEFAULT_PATH } from './contract.js';

/** The `prometheus_remote_write` exporter's own keys. */
export const remoteWriteExporterConfig = {
  path: z.string().startsWith('/').default(DEFAULT_PATH),
  max_samples_per_send: z.number().int().positive().default(DEFAULT_MAX_SAMPLES_PER_SEND),
  /** Append the unit (`_seconds`, `_bytes`, …) to metric names, as the OpenTelemetry rules allow. */
  add_unit_suffix: z.boolean().default(false),
  /** Send MetricMetadata (type, help, unit) with the series. */
  send_metadata: z.boolean().default(true),
};
export type RemoteWriteExporterOptions = OptionsOf<typeof remoteWriteExporterConfig>;
