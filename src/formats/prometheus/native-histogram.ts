import type { ExponentialHistogramDataPoint, HistogramDataPoint } from '../../model/index.js';
import type { RawHistogram, RawSpan } from './raw.js';

/**
 * Native histograms ↔ OTLP exponential histograms. Both use base 2^(2^-scale); Prometheus' bucket
 * i is (base^(i-1), base^i] while OTLP's is (base^i, base^(i+1)], hence the off-by-one in offsets.
 * Schema -53 (custom buckets) is a classic explicit-bounds histogram.
 */
export const CUSTOM_BUCKETS_SCHEMA = -53;

/** Spans + per-bucket counts → a dense array starting at the first bucket's index. */
function dense(spans: RawSpan[], counts: number[]): { first: number; counts: number[] } | undefined {
  if (spans.length === 0 || counts.length === 0) return undefined;
  const out: number[] = [];
  let idx = 0;
  let first = 0;
  let k = 0;
  for (let si = 0; si < spans.length; si++) {
    const sp = spans[si]!;
    idx += sp.offset;
    if (si === 0) first = idx;
    else for (let gap = 0; gap < sp.offset; gap++) out.push(0);
    for (let j = 0; j < sp.length; j++) out.push(counts[k++] ?? 0);
    idx += sp.length;
  }
  return { first, counts: out };
}

export function nativeToModel(h: RawHistogram, attributes: HistogramDataPoint['attributes'], timeUnixNano: bigint, stale: boolean):
  | { kind: 'histogram'; point: HistogramDataPoint }
  | { kind: 'exponential'; point: ExponentialHistogramDataPoint } {
  const flags = stale ? 1 : undefined;
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    const bounds = h.customValues;
    const buckets = new Array<number>(bounds.length + 1).fill(0);
    const d = dense(h.positiveSpans, h.positiveCounts);
    if (d) d.counts.forEach((c, i) => { const at = d.first + i; if (at >= 0 && at < buckets.length) buckets[at] = c; });
    const point: HistogramDataPoint = { attributes, timeUnixNano, count: h.count, sum: h.sum, bucketCounts: buckets, explicitBounds: bounds.slice() };
    if (flags) point.flags = flags;
    return { kind: 'histogram', point };
  }
  const point: ExponentialHistogramDataPoint = { attributes, timeUnixNano, count: h.count, sum: h.sum, scale: h.schema, zeroCount: h.zeroCount };
  if (h.zeroThreshold) point.zeroThreshold = h.zeroThreshold;
  const pos = dense(h.positiveSpans, h.positiveCounts);
  if (pos) point.positive = { offset: pos.first - 1, bucketCounts: pos.counts };
  const neg = dense(h.negativeSpans, h.negativeCounts);
  if (neg) point.negative = { offset: neg.first - 1, bucketCounts: neg.counts };
  if (flags) point.flags = flags;
  return { kind: 'exponential', point };
}

/** The protobufjs object (keepCase names) of a native histogram for an OTLP exponential point. */
export function exponentialToNative(p: ExponentialHistogramDataPoint, timestampMs: number, stale: boolean): Record<string, unknown> {
  const side = (b: ExponentialHistogramDataPoint['positive']) => {
    if (!b || b.bucketCounts.length === 0) return { spans: [], deltas: [] as number[] };
    let prev = 0;
    const deltas = b.bucketCounts.map((c) => { const d = c - prev; prev = c; return d; });
    return { spans: [{ offset: b.offset + 1, length: b.bucketCounts.length }], deltas };
  };
  const pos = side(p.positive);
  const neg = side(p.negative);
  return {
    count_int: p.count,
    // Prometheus marks a stale native histogram by a NaN sum; the receiver reads any NaN sum as stale.
    sum: stale ? NaN : (p.sum ?? 0),
    schema: p.scale,
    zero_threshold: p.zeroThreshold ?? 0,
    zero_count_int: p.zeroCount,
    negative_spans: neg.spans,
    negative_deltas: neg.deltas,
    positive_spans: pos.spans,
    positive_deltas: pos.deltas,
    reset_hint: 0,
    timestamp: timestampMs,
  };
}
