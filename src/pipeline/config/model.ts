import type { Signal } from '../../model/index.js';
import type { z } from 'zod';
import type { ExporterConfig } from '../../export/config.js';
import type { receiverBaseSchema } from './common-schema.js';

/** A receiver's config after validation: the common keys plus the format's own. */
export type ReceiverConfig = z.infer<typeof receiverBaseSchema> & Record<string, unknown>;

export type { BatchConfig, ExporterConfig, QueueConfig, RetryConfig } from '../../export/config.js';

export interface ComponentConfig<C> {
  /** `type[/name]`. */
  id: string;
  type: string;
  config: C;
}

export interface PipelineConfig {
  id: string;
  signal: Signal;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ServiceConfig {
  telemetry: { endpoint?: string; logs: { level: string } };
  workers: number;
  /** V8 semi-space of each worker process, MiB (0: V8's default); `auto` is resolved by now. */
  worker_semi_space_mib: number;
  shutdown_timeout: number;
  pipelines: PipelineConfig[];
}

/** A config after validation: every id resolved, every default applied. */
export interface SwitchyardConfig {
  receivers: Map<string, ComponentConfig<ReceiverConfig>>;
  processors: Map<string, ComponentConfig<Record<string, unknown>>>;
  exporters: Map<string, ComponentConfig<ExporterConfig>>;
  service: ServiceConfig;
}
