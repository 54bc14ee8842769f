import type { Attributes, Telemetry } from '../../model/index.js';
import { attributesToJson, isoFromNano, nowNano, valueToText } from '../../model/index.js';
import type { TelemetryType } from './contract.js';
import { TYPE_ATTR } from './decode.js';

/**
 * Model → InfraSage records (the inverse of decode.ts):
 * - gauge and sum points → `metric` records (or `slo` / `profile` when `infrasage.type` says so);
 * - histogram and summary points → `metric` records the Prometheus way, since InfraSage has no
 *   distribution type: `<name>_count`, `<name>_sum`, then one `<name>_bucket` per bucket with a
 *   cumulative value and attribute `le` (the last `+Inf`), or one `<name>` per quantile with
 *   attribute `quantile`; exponential histograms send `_count`/`_sum` and report their buckets as
 *   skipped (no fixed bounds to name them by);
 * - log records → `log` records, or `event` when `infrasage.type` = event or eventName is set
 *   (eventName → metric_name); non-string bodies are sent as their JSON text;
 * - spans → `trace` records: metric_name = span name, value = duration in ms, trace_id,
 *   timestamp = start, and attributes `span_id` / `parent_span_id` so that ids survive a round trip.
 * service_id is the resource's service.name (`unknown_service` without one, as OpenTelemetry
 * SDKs default); other resource attributes are merged into `attributes` under their own keys
 * (item attributes win). Values InfraSage refuses (NaN, ±Inf, stale markers) are skipped and
 * reported through `skipped`.
 */
export interface InfraSageRecordOut {
  service_id: string;
  type: TelemetryType;
  metric_name?: string;
  value?: number;
  body?: string;
  trace_id?: string;
  timestamp: string;
  attributes?: Record<string, unknown>;
}

export interface RecordOptions {
  skipped?(count: number, reason: string): void;
}

export function toRecords(data: Telemetry, opts: RecordOptions = {}): InfraSageRecordOut[] {
  const out: InfraSageRecordOut[] = [];
  const stamp = (ns: bigint | undefined) => isoFromNano(ns && ns > 0n ? ns : nowNano());
  for (const rm of data.metrics ?? []) {
    const [sid, resAttrs] = service(rm.resource.attributes);
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const numeric = (name: string, value: number, attrs: Attributes, ns: bigint, stale: boolean) => {
          if (stale || !Number.isFinite(value)) {
            opts.skipped?.(1, `metric ${name}: InfraSage takes only finite values (got ${stale ? 'a stale marker' : String(value)})`);
            return;
          }
          const a = { ...attrs };
          const t = a[TYPE_ATTR];
          delete a[TYPE_ATTR];
          const type: TelemetryType = t === 'slo' || t === 'profile' ? t : 'metric';
          out.push(withAttrs({ service_id: sid, type, metric_name: name, value, timestamp: stamp(ns) }, resAttrs, a));
        };
        const d = m.data;
        if (d.type === 'gauge' || d.type === 'sum') {
          for (const p of d.dataPoints) numeric(m.name, Number(p.value), p.attributes, p.timeUnixNano, p.stale === true || ((p.flags ?? 0) & 1) !== 0);
        } else {
          for (const p of d.dataPoints) {
            const stale = ((p.flags ?? 0) & 1) !== 0;
            numeric(`${m.name}_count`, p.count, p.attributes, p.timeUnixNano, stale);
            if (p.sum !== undefined) numeric(`${m.name}_sum`, p.sum, p.attributes, p.timeUnixNano, stale);
            if (d.type === 'histogram') {
              const hp = p as typeof d.dataPoints[number];
              let cumulative = 0;
              hp.bucketCounts.forEach((c, i) => {
                cumulative += Number(c);
                const le = i < hp.explicitBounds.length ? String(hp.explicitBounds[i]) : '+Inf';
                numeric(`${m.name}_bucket`, cumulative, { ...hp.attributes, le }, hp.timeUnixNano, stale);
              });
            } else if (d.type === 'summary') {
              const sp = p as typeof d.dataPoints[number];
              for (const q of sp.quantileValues) numeric(m.name, q.value, { ...sp.attributes, quantile: String(q.quantile) }, sp.timeUnixNano, stale);
            } else if (d.type === 'exponentialHistogram') {
              const ep = p as typeof d.dataPoints[number];
              const buckets = (ep.positive?.bucketCounts.length ?? 0) + (ep.negative?.bucketCounts.length ?? 0);
              if (buckets) opts.skipped?.(buckets, `metric ${m.name}: exponential histogram buckets have no InfraSage form`);
            }
          }
        }
      }
    }
  }
  for (const rl of data.logs ?? []) {
    const [sid, resAttrs] = service(rl.resource.attributes);
    for (const sl of rl.scopeLogs) {
      for (const lr of sl.logRecords) {
        const a = { ...lr.attributes };
        const isEvent = a[TYPE_ATTR] === 'event' || !!lr.eventName;
        delete a[TYPE_ATTR];
        const rec: InfraSageRecordOut = { service_id: sid, type: isEvent ? 'event' : 'log', body: valueToText(lr.body), timestamp: stamp(lr.timeUnixNano || lr.observedTimeUnixNano) };
        if (lr.eventName) rec.metric_name = lr.eventName;
        if (lr.traceId) rec.trace_id = lr.traceId;
        out.push(withAttrs(rec, resAttrs, a));
      }
    }
  }
  for (const rs of data.traces ?? []) {
    const [sid, resAttrs] = service(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const durMs = Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
        const a: Attributes = { ...s.attributes, span_id: s.spanId };
        if (s.parentSpanId) a['parent_span_id'] = s.parentSpanId;
        out.push(withAttrs({ service_id: sid, type: 'trace', metric_name: s.name || 'span', value: Math.max(0, durMs), trace_id: s.traceId, timestamp: stamp(s.startTimeUnixNano) }, resAttrs, a));
      }
    }
  }
  return out;
}

function service(res: Attributes): [string, Attributes] {
  const { ['service.name']: name, ...rest } = res;
  return [typeof name === 'string' && name !== '' ? name : 'unknown_service', rest];
}

function withAttrs(rec: InfraSageRecordOut, res: Attributes, attrs: Attributes): InfraSageRecordOut {
  const merged = { ...attributesToJson(res), ...attributesToJson(attrs) };
  if (Object.keys(merged).length) rec.attributes = merged;
  return rec;
}
