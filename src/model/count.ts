import { wireOf } from './wire-original.js';
import type { Metric, ResourceLogs, ResourceMetrics, ResourceSpans, Signal, Telemetry } from './telemetry.js';

export function countSpans(rs: readonly ResourceSpans[]): number {
  let n = 0;
  for (const r of rs) for (const s of r.scopeSpans) n += s.spans.length;
  return n;
}

export function countMetricPoints(rm: readonly ResourceMetrics[]): number {
  let n = 0;
  for (const r of rm) for (const s of r.scopeMetrics) for (const m of s.metrics) n += metricPointCount(m);
  return n;
}

export function metricPointCount(m: Metric): number {
  return m.data.dataPoints.length;
}

export function countLogRecords(rl: readonly ResourceLogs[]): number {
  let n = 0;
  for (const r of rl) for (const s of r.scopeLogs) n += s.logRecords.length;
  return n;
}

/** Items in the Collector's sense: spans, metric data points, log records. */
export function countItems(t: Telemetry, signal?: Signal): number {
  const wire = wireOf(t);
  if (wire) return !signal || signal === wire.signal ? wire.items : 0;
  let n = 0;
  if ((!signal || signal === 'traces') && t.traces) n += countSpans(t.traces);
  if ((!signal || signal === 'metrics') && t.metrics) n += countMetricPoints(t.metrics);
  if ((!signal || signal === 'logs') && t.logs) n += countLogRecords(t.logs);
  return n;
}

