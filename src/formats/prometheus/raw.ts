import { toBigInt, toNum } from './wire.js';

/**
 * A remote-write request after the wire is read but before it is mapped onto the model: the same
 * shape for 1.0 and 2.0 (2.0's symbol references already resolved), so that validation and mapping
 * are written once.
 */
export type LabelPair = [name: string, value: string];

export interface RawSample {
  value: number;
  timestampMs: bigint;
  stale: boolean;
}

export interface RawExemplar {
  labels: LabelPair[];
  value: number;
  timestampMs: bigint;
}

export interface RawSpan {
  offset: number;
  length: number;
}

/** A native histogram sample, counts as numbers (integer histograms' deltas already summed). */
export interface RawHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  negativeSpans: RawSpan[];
  negativeCounts: number[];
  positiveSpans: RawSpan[];
  positiveCounts: number[];
  resetHint: number;
  timestampMs: bigint;
  customValues: number[];
}

/** MetricMetadata.MetricType / Metadata.MetricType share their numbers. */
export const MetricType = { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, GAUGEHISTOGRAM: 4, SUMMARY: 5, INFO: 6, STATESET: 7 } as const;

export interface RawMeta {
  type: number;
  help: string;
  unit: string;
}

export interface RawSeries {
  /** Position in the request, for error messages. */
  index: number;
  labels: LabelPair[];
  samples: RawSample[];
  exemplars: RawExemplar[];
  histograms: RawHistogram[];
  /** 2.0: per-series metadata. */
  meta?: RawMeta;
  /** 2.0: created (start) timestamp in ms; absent when 0. */
  createdMs?: bigint;
  /** Set when the series could not be read (bad symbol reference): rejected, not mapped. */
  error?: string;
}

export interface RawRequest {
  version: 1 | 2;
  series: RawSeries[];
  /** 1.0: metadata by metric family name (sent by Prometheus, often in requests of its own). */
  metadata: Map<string, RawMeta>;
}

/** Converts a protobufjs-decoded Histogram (keepCase field names) into counts per bucket. */
export function rawHistogram(h: Record<string, unknown>): RawHistogram {
  const isFloat = h['count_float'] !== undefined && h['count_int'] === undefined;
  const num = (k: string): number => toNum(h[k] ?? 0);
  const spans = (k: string): RawSpan[] =>
    ((h[k] as Record<string, unknown>[] | undefined) ?? []).map((s) => ({ offset: toNum(s['offset'] ?? 0), length: toNum(s['length'] ?? 0) }));
  const counts = (deltasKey: string, countsKey: string): number[] => {
    const floats = (h[countsKey] as number[] | undefined) ?? [];
    if (isFloat || floats.length) return floats.slice();
    // Integer histograms carry each bucket as a delta to the previous bucket.
    let acc = 0;
    return ((h[deltasKey] as unknown[] | undefined) ?? []).map((d) => (acc += toNum(d)));
  };
  return {
    count: isFloat ? num('count_float') : num('count_int'),
    sum: num('sum'),
    schema: num('schema'),
    zeroThreshold: num('zero_threshold'),
    zeroCount: h['zero_count_float'] !== undefined && h['zero_count_int'] === undefined ? num('zero_count_float') : num('zero_count_int'),
    negativeSpans: spans('negative_spans'),
    negativeCounts: counts('negative_deltas', 'negative_counts'),
    positiveSpans: spans('positive_spans'),
    positiveCounts: counts('positive_deltas', 'positive_counts'),
    resetHint: num('reset_hint'),
    timestampMs: toBigInt(h['timestamp'] ?? 0),
    customValues: ((h['custom_values'] as number[] | undefined) ?? []).slice(),
  };
}
