import { z } from 'zod';
import { parseDuration } from '../../util/duration.js';
import { parseByteSize } from '../../util/size.js';
import { exporterTlsSchema, receiverTlsSchema } from './tls-schema.js';

/** A duration: `200ms`, `5s`, `1m`, or a number of milliseconds. Parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (examples: 200ms, 5s, 1m)` });
    return z.NEVER;
  }
  return ms;
});

/** A byte size: `5MiB`, `1MB`, or a number of bytes. */
export const byteSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a byte size (examples: 4096, 5MiB, 1MB)` });
    return z.NEVER;
  }
  return n;
});

/** `host:port`, as the Collector writes endpoints. */
export const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]*):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:4318');

export const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL, e.g. http://127.0.0.1:4000');

export const receiverBaseShape = {
  endpoint: hostPort.default('127.0.0.1:4318'),
  /** Keys a client must present (compared in constant time). Absent: no key is checked. */
  api_keys: z.array(z.string().min(1, 'must not be empty (is the environment variable set?)')).optional(),
  max_request_body_size: byteSize.default(20 * 1024 * 1024),
  max_decompressed_body_size: byteSize.default(64 * 1024 * 1024),
  max_json_depth: z.number().int().min(2).max(10_000).default(64),
  max_string_length: byteSize.default(16 * 1024 * 1024),
  max_items_per_request: z.number().int().min(1).default(100_000),
  /** Serve this endpoint over TLS (mTLS with client_ca_file). */
  tls: receiverTlsSchema,
};

export const retrySchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    initial_interval: duration.default(1000),
    max_interval: duration.default(30_000),
    multiplier: z.number().min(1).default(1.5),
    randomization_factor: z.number().min(0).max(1).default(0.5),
    max_elapsed_time: duration.default(300_000),
  })
  .prefault({});

export const queueSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Items (spans, points, log records) the queue holds at most. */
    queue_size: z.number().int().min(1).default(50_000),
    /** Bytes (of the received encoding) the queue holds at most. */
    queue_bytes: byteSize.default(32 * 1024 * 1024),
    num_consumers: z.number().int().min(1).max(64).default(4),
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

/** The batching an exporter gets when neither it nor its pipeline configures one. */
export const DEFAULT_BATCH = z.strictObject(batchShape).parse({});

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
  batch: z.strictObject(batchShape).optional(),
  /** https:// endpoints: trust (ca_file), client certificate, verification and SNI. */
  tls: exporterTlsSchema,
  /** JSONL file for what is given up on. Default: data/dead-letter/<id>.jsonl */
  dead_letter_path: z.string().optional(),
};
