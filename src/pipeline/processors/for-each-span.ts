/**
 * Walking helpers shared by the processors. Processors may mutate the batch in place (the pipeline
 * hands each pipeline its own copy), so these visit items where they lie and prune by rewriting the
 * arrays; empty scopes and resources are removed afterwards, as the Collector's filter does, so that
 * exporters never see a resource with nothing under it.
 */
import type {
  Attributes,
  InstrumentationScope,
  LogRecord,
  Metric,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  Span,
  Telemetry,
} from '../../model/index.js';

/** What a visitor is told besides the item: where it lives. */
export interface ItemContext {
  resource: Attributes;
  scope: InstrumentationScope;
}

export function forEachSpan(data: Telemetry, fn: (span: Span, ctx: ItemContext) => void): void {
  for (const rs of data.traces ?? []) {
    for (const ss of rs.scopeSpans) {
      const ctx = { resource: rs.resource.attributes, scope: ss.scope };
      for (const span of ss.spans) fn(span, ctx);
    }
  }
}

export function forEachLogRecord(data: Telemetry, fn: (record: LogRecord, ctx: ItemContext) => void): void {
  for (const rl of data.logs ?? []) {
    for (const sl of rl.scopeLogs) {
      const ctx = { resource: rl.resource.attributes, scope: sl.scope };
      for (const rec of sl.logRecords) fn(rec, ctx);
    }
  }
}

export function forEachMetric(data: Telemetry, fn: (metric: Metric, ctx: ItemContext) => void): void {
  for (const rm of data.metrics ?? []) {
    for (const sm of rm.scopeMetrics) {
      const ctx = { resource: rm.resource.attributes, scope: sm.scope };
      for (const m of sm.metrics) fn(m, ctx);
    }
  }
}

/** Attributes of every data point of every metric (each point type has an `attributes` map). */
export function forEachDataPointAttributes(data: Telemetry, fn: (attrs: Attributes, metric: Metric, ctx: ItemContext) => void): void {
  forEachMetric(data, (m, ctx) => {
    for (const p of m.data.dataPoints) fn(p.attributes, m, ctx);
  });
}

/** Every resource attribute map of whichever signals the batch carries. */
export function forEachResource(data: Telemetry, fn: (attrs: Attributes) => void): void {
  for (const r of data.traces ?? []) fn(r.resource.attributes);
  for (const r of data.metrics ?? []) fn(r.resource.attributes);
  for (const r of data.logs ?? []) fn(r.resource.attributes);
}

/** Keeps the spans `keep` accepts; returns how many were removed. */
export function retainSpans(data: Telemetry, keep: (span: Span, ctx: ItemContext) => boolean): number {
  if (!data.traces) return 0;
  let removed = 0;
  const out: ResourceSpans[] = [];
  for (const rs of data.traces) {
    const scopes = [];
    for (const ss of rs.scopeSpans) {
      const ctx = { resource: rs.resource.attributes, scope: ss.scope };
      const before = ss.spans.length;
      ss.spans = ss.spans.filter((s) => keep(s, ctx));
      removed += before - ss.spans.length;
      if (ss.spans.length > 0) scopes.push(ss);
    }
    rs.scopeSpans = scopes;
    if (scopes.length > 0) out.push(rs);
  }
  data.traces = out;
  return removed;
}

export function retainLogRecords(data: Telemetry, keep: (record: LogRecord, ctx: ItemContext) => boolean): number {
  if (!data.logs) return 0;
  let removed = 0;
  const out: ResourceLogs[] = [];
  for (const rl of data.logs) {
    const scopes = [];
    for (const sl of rl.scopeLogs) {
      const ctx = { resource: rl.resource.attributes, scope: sl.scope };
      const before = sl.logRecords.length;
      sl.logRecords = sl.logRecords.filter((r) => keep(r, ctx));
      removed += before - sl.logRecords.length;
      if (sl.logRecords.length > 0) scopes.push(sl);
    }
    rl.scopeLogs = scopes;
    if (scopes.length > 0) out.push(rl);
  }
  data.logs = out;
  return removed;
}

/**
 * Drops whole metrics (`keepMetric`) and single data points (`keepPoint`); a metric left with no
 * points is removed. Returns the number of data points removed, the Collector's item unit.
 */
export function retainMetrics(
  data: Telemetry,
  keepMetric: ((metric: Metric, ctx: ItemContext) => boolean) | undefined,
  keepPoint: ((point: Metric['data']['dataPoints'][number], metric: Metric, ctx: ItemContext) => boolean) | undefined,
): number {
  if (!data.metrics) return 0;
  let removed = 0;
  const out: ResourceMetrics[] = [];
  for (const rm of data.metrics) {
    const scopes = [];
    for (const sm of rm.scopeMetrics) {
      const ctx = { resource: rm.resource.attributes, scope: sm.scope };
      const metrics: Metric[] = [];
      for (const m of sm.metrics) {
        const n = m.data.dataPoints.length;
        if (keepMetric && !keepMetric(m, ctx)) {
          removed += n;
          continue;
        }
        if (keepPoint) {
          // The union of point arrays cannot be filtered through one call signature; the cast
          // keeps each metric's own point type, since filter never changes element types.
          const pts = (m.data.dataPoints as Metric['data']['dataPoints'][number][]).filter((p) => keepPoint(p, m, ctx));
          removed += n - pts.length;
          (m.data as { dataPoints: unknown[] }).dataPoints = pts;
        }
        if (m.data.dataPoints.length > 0 || n === 0) metrics.push(m);
      }
      sm.metrics = metrics;
      if (metrics.length > 0) scopes.push(sm);
    }
    rm.scopeMetrics = scopes;
    if (scopes.length > 0) out.push(rm);
  }
  data.metrics = out;
  return removed;
}

/** True when the attribute is set to something (OTLP has no "present but null" worth keeping). */
export function has(attrs: Attributes, key: string): boolean {
  const v = attrs[key];
  return v !== undefined && v !== null;
}

/** Sets `key` only when it is absent: the normalizer's one rule for canonical values. */
export function setIfAbsent(attrs: Attributes, key: string, value: Attributes[string] | undefined): boolean {
  if (value === undefined || value === null || has(attrs, key)) return false;
  attrs[key] = value;
  return true;
}
