import type { Attributes } from './attributes.js';
import type { UnixNano } from './time.js';

/** The semantic model is the OTLP data model; field names follow opentelemetry-proto. */
export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

/** OTLP Span.SpanKind. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP Status.StatusCode. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

export interface SpanEvent {
  timeUnixNano: UnixNano;
  name: string;
  attributes: Attributes;
  droppedAttributesCount?: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
}

/**
 * Ids are text: lowercase hex for OTLP-born spans (32 / 16 chars), the vendor's own text otherwise
 * ("span_xyz789"). The OTLP encoder maps non-hex ids to valid ones deterministically.
 */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: UnixNano;
  endTimeUnixNano: UnixNano;
  attributes: Attributes;
  droppedAttributesCount?: number;
  events: SpanEvent[];
  droppedEventsCount?: number;
  links: SpanLink[];
  droppedLinksCount?: number;
  status: SpanStatus;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl?: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl?: string;
  scopeSpans: ScopeSpans[];
}

// ---- metrics ----

export interface Exemplar {
  timeUnixNano: UnixNano;
  value: number | bigint;
  spanId?: string;
  traceId?: string;
  filteredAttributes: Attributes;
}

/** Prometheus' stale marker: a NaN with this exact bit pattern. Carried, never rejected. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

export interface NumberDataPoint {
  attributes: Attributes;
  startTimeUnixNano?: UnixNano;
  timeUnixNano: UnixNano;
  /** bigint for asInt, number for asDouble (NaN allowed, including the stale marker). */
  value: number | bigint;
  /** True when `value` is the Prometheus stale marker, whose NaN payload JS cannot hold. */
  stale?: boolean;
  exemplars?: Exemplar[];
  flags?: number;
}

export interface HistogramDataPoint {
  attributes: Attributes;
  startTimeUnixNano?: UnixNano;
  timeUnixNano: UnixNano;
  count: number;
  sum?: number;
  bucketCounts: number[];
  explicitBounds: number[];
  min?: number;
  max?: number;
  exemplars?: Exemplar[];
  flags?: number;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint {
  attributes: Attributes;
  startTimeUnixNano?: UnixNano;
  timeUnixNano: UnixNano;
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive?: ExponentialHistogramBuckets;
  negative?: ExponentialHistogramBuckets;
  min?: number;
  max?: number;
  zeroThreshold?: number;
  exemplars?: Exemplar[];
  flags?: number;
}

export interface SummaryDataPoint {
  attributes: Attributes;
  startTimeUnixNano?: UnixNano;
  timeUnixNano: UnixNano;
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
  flags?: number;
}

/** OTLP AggregationTemporality. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;
export type Temporality = (typeof Temporality)[keyof typeof Temporality];

export type MetricData =
  | { type: 'gauge'; dataPoints: NumberDataPoint[] }
  | { type: 'sum'; dataPoints: NumberDataPoint[]; aggregationTemporality: Temporality; isMonotonic: boolean }
  | { type: 'histogram'; dataPoints: HistogramDataPoint[]; aggregationTemporality: Temporality }
  | { type: 'exponentialHistogram'; dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: Temporality }
  | { type: 'summary'; dataPoints: SummaryDataPoint[] };

export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  metadata?: Attributes;
  data: MetricData;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl?: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl?: string;
  scopeMetrics: ScopeMetrics[];
}

// ---- logs ----

export interface LogRecord {
  timeUnixNano: UnixNano;
  observedTimeUnixNano?: UnixNano;
  severityNumber?: number;
  severityText?: string;
  body?: import('./attributes.js').AnyValue;
  attributes: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl?: string;
  logRecords: LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  schemaUrl?: string;
  scopeLogs: ScopeLogs[];
}

/**
 * What flows through a pipeline: any subset of the three signals. A receiver of one request may
 * produce several signals (InfraSage records are metrics, logs and spans at once); the router
 * hands each signal to the pipelines of that signal.
 */
export interface Telemetry {
  traces?: ResourceSpans[];
  metrics?: ResourceMetrics[];
  logs?: ResourceLogs[];
}
