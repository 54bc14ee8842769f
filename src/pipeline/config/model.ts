import type { Signal } from '../../model/index.js';
import type { ExporterConfigBase } from '../../formats/types.js';

export interface ReceiverConfig {
  endpoint: string;
  api_keys?: string[];
  max_request_body_size: number;
  max_decompressed_body_size: number;
  max_json_depth: number;
  max_string_length: number;
  max_items_per_request: number;
  max_containers_per_request: number;
  max_attributes_per_item: number;
  max_array_length: number;
  [key: string]: unknown;
}

export interface RetryConfig {
  enabled: boolean;
  initial_interval: number;
  max_interval: number;
  multiplier: number;
  randomization_factor: number;
  max_elapsed_time: number;
}

export interface QueueConfig {
  enabled: boolean;
  queue_size: number;
  queue_bytes: number;
  num_consumers: number;
  storage?: string;
}

export interface BatchConfig {
  send_batch_size: number;
  send_batch_max_size: number;
  timeout: number;
}

export interface ExporterConfig extends ExporterConfigBase {
  timeout: number;
  sending_queue: QueueConfig;
  retry_on_failure: RetryConfig;
  batch?: BatchConfig;
  dead_letter_path?: string;
  [key: string]: unknown;
}

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
