import type { z } from 'zod';
import type { Signal, Telemetry } from '../model/index.js';
import type { InputError } from './errors.js';
import type { EncodeSteps } from './shared/encode-steps.js';

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
  /**
   * Samples the request carried, for formats whose clients count samples rather than items
   * (remote-write: `prometheus_remote_storage_samples_total`): switchyard_receiver_samples_total.
   */
  samples?: number;
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
  /** Most containers (protobuf messages, JSON objects and arrays) decoded from one request. */
  maxContainers?: number;
  /** Most attributes on one item (span, event, link, point, record, resource, scope). */
  maxAttributesPerItem?: number;
  /** Most elements in one list: an AnyValue array or kvlist, a JSON array or object, a repeated field. */
  maxArrayLength?: number;
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
  /** The body is the JSON array of those records: parsed for them only when some are refused. */
  recordsInBody?: boolean;
}

/** What one attempt at sending one request came to. */
export type SendResult =
  | { kind: 'ok' }
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'reject'; reason: string; status?: number }
  /** Delivered, but the target refused some items as invalid: never retried. */
  | { kind: 'partial'; rejected: ItemRefusals };

/**
 * A target's per-item answer. `byIndex` names the refused records (InfraSage `failures`); OTLP's
 * `partial_success` says only how many, so `count` is all there is.
 */
export interface ItemRefusals {
  count: number;
  byIndex?: { index: number; reason: string }[];
  message?: string;
}

export interface EncodeContext<C = FormatOptions> {
  /** The format's own config keys (validated, defaults applied), plus `max_content_bytes`. */
  config: C;
  /** Called for each item the encoder had to change or skip, for /metrics and logs. */
  note?(event: 'truncated' | 'skipped' | 'split', count: number, reason: string): void;
  /**
   * An item the target's contract cannot take and that cannot be made valid without inventing
   * facts (e.g. an LLM event without any model): the exporter dead-letters `part` alone, with
   * the reason, and the encoder leaves it out of its requests.
   */
  refuse?(part: Telemetry, reason: string): void;
  /**
   * Fidelity accounting: a source fact the target cannot hold (`dropped`) or had to convert to
   * hold (`coerced`), by the model field's name (`gen_ai.request.top_k`, `span.links`, …).
   */
  fidelity?(kind: 'dropped' | 'coerced', field: string, count: number): void;
}

/** Options every encoder may read: the exporter's `max_content_bytes` and the format's own keys. */
export type FormatOptions = { max_content_bytes?: number } & Record<string, unknown>;

/** The options an encoder gets for a format whose own keys are `S`. */
export type OptionsOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>> & { max_content_bytes?: number };

/**
 * How a target answers, where its protocol differs from the generic HTTP rule (2xx delivered;
 * 408, 429, 5xx retried; other statuses refused for good). The exporter layers do the rest.
 */
export interface AnswerRules {
  /** Statuses worth retrying, instead of 408/429/5xx (OTLP/HTTP: 429, 502, 503, 504). */
  retryableStatuses?: ReadonlySet<number>;
  /** Reads a 2xx body for items the target refused; undefined when it refused none. */
  refusedItems?(body: Buffer, contentType: string | undefined, request: OutboundRequest): ItemRefusals | undefined;
  /** The target's error message in a non-2xx body, for the dead-letter reason. */
  errorText?(body: Buffer, contentType: string | undefined): string | undefined;
}

export interface ExporterDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  signals: Signal[];
  /** The format's own config keys, merged into the common exporter schema. */
  configSchema?: S;
  auth?: AuthSpec;
  /**
   * Splits and encodes a batch into requests that each respect the vendor's documented limits.
   * Pure: never mutates `data`. May throw for data it cannot encode: the exporter then narrows
   * the batch down to the items that throw and sets those aside alone.
   */
  encode(data: Telemetry, ctx: EncodeContext<OptionsOf<S>>): OutboundRequest[];
  /**
   * The same encoding as `encode`, as steps (shared/encode-steps.ts): the exporter then runs it in
   * slices of a few milliseconds, yielding to receivers between them. For encoders whose batches
   * take long enough to stall ingest.
   */
  encodeSteps?(data: Telemetry, ctx: EncodeContext<OptionsOf<S>>): EncodeSteps<OutboundRequest[]>;
  answers?: AnswerRules;
  /**
   * The wire format groups spans by trace or workflow (Neatlogs' workflow_name, Foglamp's
   * traces[]): the exporter then groups whole traces before encoding, unless configured off.
   */
  groupsByTrace?: boolean;
  /** A transport other than HTTP (the debug exporter writes to stdout or a file; `otlp` is gRPC). */
  createTransport?(config: OptionsOf<S> & TransportConfig): Transport;
}

/** The common exporter keys a transport of the format's own may need. */
export interface TransportConfig {
  endpoint?: string;
  api_key?: string;
  headers?: Record<string, string>;
  /** Per attempt, in milliseconds. */
  timeout: number;
}

/** Gives `encode` the inferred type of the format's own keys. */
export function defineExporter<S extends z.ZodRawShape>(def: ExporterDefinition<S>): ExporterDefinition {
  return def as unknown as ExporterDefinition;
}

/**
 * One attempt at delivering one encoded request. The exporter's layers (timeout, retry,
 * compression, outcome) wrap it; `signal` aborts the attempt (timeout or shutdown).
 */
export interface Transport {
  send(request: OutboundRequest, signal?: AbortSignal): Promise<SendResult>;
  close?(): Promise<void>;
}

// ---------------------------------------------------------------- offline translation

export interface TranslateCodec {
  /** Name on the command line: `otlp-json`, `netra`, `neatlogs`, `foglamp`, `keywordsai`. */
  name: string;
  decode(input: Buffer): Telemetry;
  /**
   * The request bodies the exporter would send, as text (several bodies are separated by
   * newlines). `ctx` receives what the exporter would report: skipped items, refused items (left
   * out), dropped and coerced fields (`switchyard translate --report`).
   */
  encode(data: Telemetry, ctx?: Pick<EncodeContext, 'note' | 'refuse' | 'fidelity'>): string;
}
