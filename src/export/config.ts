import { z } from 'zod';
import { byteSize, duration, httpUrl } from '../util/schema.js';
import { exporterTlsSchema } from '../util/tls-schema.js';

/**
 * The keys every exporter understands, as the Collector's exporterhelper has them. A format adds
 * its own keys; the loader validates both and the exporter layers get the inferred types.
 */
export const retrySchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    initial_interval: duration.default(1000),
    max_interval: duration.default(30_000),
    multiplier: z.number().min(1).default(1.5),
    randomization_factor: z.number().min(0).max(1).default(0.5),
    /** 0 = retry for ever (the Collector's meaning). */
    max_elapsed_time: duration.default(300_000),
  })
  .prefault({});

export const queueSchema = z
  .strictObject({
    /** false: no queue; a receiver's answer waits until its data is delivered or dead-lettered. */
    enabled: z.boolean().default(true),
    /** Items (spans, points, log records) the queue holds at most. */
    queue_size: z.number().int().min(1).default(50_000),
    /** Bytes (of the received encoding) the queue holds at most. */
    queue_bytes: byteSize.default(32 * 1024 * 1024),
    num_consumers: z.number().int().min(1).max(64).default(10),
    /** A directory: makes the queue persistent (survives kill -9). */
    storage: z.string().optional(),
  })
  .prefault({});

export const batchShape = {
  // Smaller than the Collector's 8192: encoding a batch runs on the event loop, so its size bounds
  // the stall every receiver sees (about 30 µs a span for Netra).
  send_batch_size: z.number().int().min(1).default(500),
  send_batch_max_size: z.number().int().min(0).default(0),
  timeout: duration.default(200),
};
export const batchSchema = z.strictObject(batchShape);

/** The batching an exporter gets when neither it nor its pipeline configures one. */
export const DEFAULT_BATCH = batchSchema.parse({});

export const groupByTraceSchema = z.strictObject({
  /** Default: on for the formats whose wire format groups by trace (Neatlogs, Foglamp). */
  enabled: z.boolean().optional(),
  /** How long after a trace's last span it is considered whole. */
  wait_duration: duration.default(500),
  /** Traces held at most; past it the least recently seen goes out early (counted). */
  num_traces: z.number().int().min(1).default(10_000),
});

export const exporterBaseShape = {
  endpoint: httpUrl.optional(),
  api_key: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: duration.default(10_000),
  sending_queue: queueSchema,
  retry_on_failure: retrySchema,
  /** Per-item cap on input/output content; larger content is truncated and marked. */
  max_content_bytes: byteSize.optional(),
  /** Overrides the batching of the pipeline's `batch` processor for this exporter. */
  batch: batchSchema.optional(),
  /** https:// endpoints: trust (ca_file), client certificate, verification and SNI. */
  tls: exporterTlsSchema,
  /** Spans of one trace wait for each other behind the queue, so they go out together. */
  group_by_trace: groupByTraceSchema.prefault({}),
  /** JSONL file for what is given up on. Default: data/dead-letter/<id>.jsonl */
  dead_letter_path: z.string().optional(),
};
export const exporterBaseSchema = z.strictObject(exporterBaseShape);

export type RetryConfig = z.infer<typeof retrySchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
export type BatchConfig = z.infer<typeof batchSchema>;
/** The common keys after validation; `C` is the format's own keys. */
export type ExporterConfig<C = Record<string, unknown>> = z.infer<typeof exporterBaseSchema> & C;
