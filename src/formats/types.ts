import type { z } from 'zod';
import type { Signal, Telemetry } from '../model/index.js';
import type { InputError } from './errors.js';

/**
 * One wire format = one folder under src/formats/ exporting a FormatDefinition. The receiver side
 * is a decoder plus an HTTP contract; the exporter side an encoder plus the vendor's limits. The
 * shared machinery (auth, body limits, decompression, queues, retry, batching) lives outside the
 * folders and is the same for every format.
 */
export interface FormatDefinition {
  /** Component type in config (`netra`, `otlp`, `prometheus_remote_write`, …). */
  type: string;
  receiver?: ReceiverDefinition;
  exporter?: ExporterDefinition;
  /** Offline conversion for `switchyard translate` (name used on the command line, e.g. `otlp-json`). */
  translate?: TranslateCodec;
}

// ---------------------------------------------------------------- auth

/** How the vendor's client presents its key: `Authorization: Bearer k` or `x-api-key: k`. */
export interface AuthSpec {
  /** Lowercase header name. */
  header: string;
  /** `Bearer` when the value is `Bearer <key>`; absent when the header is the bare key. */
  scheme?: 'Bearer';
  /** The vendor rejects a request without a key even when Switchyard has none configured. */
  required: boolean;
}

// ---------------------------------------------------------------- receiving

export interface RequestInfo {
  method: string;
  path: string;
  /** Media type without parameters, lowercase (`application/json`). */
  mediaType: string;
  /** The full Content-Type header, parameters included (remote-write 2.0 needs `proto=`). */
  contentType: string;
  headers: Readonly<Record<string, string>>;
}

/** A rejected item of an otherwise accepted request (partial success). */
export interface ItemRejection {
  index: number;
  field: string;
  message: string;
  /** Vendor code, e.g. InfraSage's `timestamp_too_old`. */
  code?: string;
}

export interface DecodeResult {
  telemetry: Telemetry;
  /** Items accepted, in the vendor's unit (Foglamp: span rows; InfraSage: records; OTLP: spans). */
  accepted: number;
  rejected: ItemRejection[];
}

export interface DecodeLimits {
  /** Deepest JSON nesting accepted. */
  maxJsonDepth: number;
  /** Longest single JSON string, in characters. */
  maxStringLength: number;
  /** Most items (spans, records, series) in one request. */
  maxItems: number;
  /** Largest body after decompression, for formats that decompress themselves (snappy). */
  maxDecompressedBytes?: number;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  /** A string or bytes is sent as is; anything else as JSON. */
  body?: string | Uint8Array | object;
}

export interface RouteDefinition {
  method: 'POST' | 'GET';
  path: string;
  /** Signals this route can produce: used to check pipelines and to claim routes per endpoint. */
  signals: Signal[];
  /** Accepted media types (lowercase, no parameters). A missing/other type gets 415. Omit to accept any. */
  mediaTypes?: string[];
  /** Decodes a (decompressed) body. Throws InputError for a request rejected as a whole. */
  decode?(body: Buffer, req: RequestInfo, limits: DecodeLimits): DecodeResult;
  /** The success answer after every item is safely queued. */
  reply(result: DecodeResult | undefined, req: RequestInfo): HttpReply;
}

export type ReceiverFailure =
  | { kind: 'input'; error: InputError }
  | { kind: 'backpressure'; message: string; retryAfterSeconds: number };

export interface ReceiverDefinition {
  /** Extra config keys of this receiver type, merged into the common receiver schema. */
  configSchema?: z.ZodRawShape;
  auth?: AuthSpec;
  routes: RouteDefinition[];
  /**
   * The vendor's error shape. Back-pressure must use a status the vendor's real clients retry
   * (OTLP: 429/503; remote-write: 503) with Retry-After; never 500.
   */
  errorReply(failure: ReceiverFailure, req: RequestInfo): HttpReply;
}

// ---------------------------------------------------------------- exporting

export interface OutboundRequest {
  /** Path appended to the exporter's endpoint (`/v1/bulk`). */
  path: string;
  contentType: string;
  /**
   * Send the body with this Content-Encoding. Encoders return the body uncompressed; the exporter
   * compresses it once, in zlib's thread pool, so no encoder blocks the event loop with gzip.
   */
  contentEncoding?: 'gzip' | 'zstd';
  /** zlib level for `contentEncoding` (default 6; Netra uses 1). */
  compressionLevel?: number;
  body: Uint8Array | string;
  headers?: Record<string, string>;
  /** Items (spans, points, records) this request carries, for counting. */
  items: number;
  /**
   * The JSON items in the body in order, so that partial rejections can be dead-lettered one by
   * one. Only for vendors that answer with per-item failures (InfraSage): it keeps them in memory.
   */
  records?: unknown[];
}

export type SendResult =
  | { kind: 'ok'; duplicates?: number }
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'reject'; reason: string; status?: number }
  /** Some items refused as invalid: dead-letter them, do not retry. */
  | { kind: 'partial'; rejected: { index: number; reason: string }[] };

export interface EncodeContext {
  /** Exporter config, after validation (common keys plus the format's own). */
  config: ExporterConfigBase & Record<string, unknown>;
  /** Called for each item the encoder had to change or skip, for /metrics and logs. */
  note?(event: 'truncated' | 'skipped' | 'split', count: number, reason: string): void;
}

export interface ExporterDefinition {
  signals: Signal[];
  configSchema?: z.ZodRawShape;
  auth?: AuthSpec;
  /**
   * Splits and encodes a batch into requests that each respect the vendor's documented limits.
   * Pure: never mutates `data`.
   */
  encode(data: Telemetry, ctx: EncodeContext): OutboundRequest[];
  /**
   * Reads the vendor's answer. The default: 2xx ok; 429, 5xx retry (honouring Retry-After);
   * other statuses reject.
   */
  interpret?(status: number, headers: Record<string, string>, body: Buffer, request: OutboundRequest): SendResult | undefined;
  /** A transport other than HTTP (the debug exporter writes to stdout or a file). */
  createTransport?(config: ExporterConfigBase & Record<string, unknown>): Transport;
}

/** One attempt at delivering one encoded request. Retry, timeouts and HTTP are layers of this. */
export interface Transport {
  send(request: OutboundRequest): Promise<SendResult>;
  close?(): Promise<void>;
}

/** Keys every exporter understands (the format adds its own through configSchema). */
export interface ExporterConfigBase {
  endpoint?: string;
  api_key?: string;
  headers?: Record<string, string>;
  timeout_ms: number;
  /** Per-item cap on input/output content; larger content is truncated and marked. */
  max_content_bytes?: number;
}

// ---------------------------------------------------------------- offline translation

export interface TranslateCodec {
  /** Name on the command line: `otlp-json`, `netra`, `neatlogs`, `foglamp`, `keywordsai`. */
  name: string;
  decode(input: Buffer): Telemetry;
  /** The request bodies the exporter would send, as text (several bodies are separated by newlines). */
  encode(data: Telemetry): string;
}
