import type { Attributes, Telemetry } from '../../model/index.js';
import { attributesToJson, isoFromNano, nowNano, valueToText } from '../../model/index.js';
import type { TelemetryType } from './contract.js';
import { TYPE_ATTR } from './decode.js';
import { instanceOf, jobOf, RESOURCE_IDENTITY_KEYS } from '../prometheus/resource.js';

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
 * (item attributes win); on metrics the resource identity also travels as the Prometheus labels
 * `job` and `instance` (so a remote-written series keeps every label under its own name).
 * `attributes` values are strings (as the document shows them; others go as their text, counted).
 * Stale markers are skipped (reported through `skipped`); a gauge or sum point with a non-finite
 * value is refused alone (InfraSage: "value must be a finite float64"); the non-finite parts of a
 * histogram or summary (a NaN quantile) are skipped, the rest of the point sent.
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
  /** A point InfraSage cannot take and that cannot be made valid (a non-finite value): set aside alone. */
  refuse?(part: Telemetry, reason: string): void;
  /** An attribute value sent as text: InfraSage shows `attributes` with string values only. */
  coerced?(field: string, count: number): void;
}

export function toRecords(data: Telemetry, opts: RecordOptions = {}): InfraSageRecordOut[] {
  const out: InfraSageRecordOut[] = [];
  const stamp = (ns: bigint | undefined) => isoFromNano(ns && ns > 0n ? ns : nowNano());
  const put = (rec: InfraSageRecordOut, res: Attributes, attrs: Attributes) => out.push(withAttrs(rec, res, attrs, opts));
  for (const rm of data.metrics ?? []) {
    const [sid, resAttrs] = service(rm.resource.attributes);
    // Labels are user data: the series' job and instance labels (the resource identity of
    // OpenTelemetry's Prometheus compatibility) reach InfraSage under those names.
    const labels = metricResource(rm.resource.attributes, resAttrs);
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const d = m.data;
        for (const p of d.dataPoints as readonly (typeof d.dataPoints[number])[]) {
          const recs = pointRecords(m.name, d.type, p as never, sid, stamp);
          if (recs === 'stale') {
            opts.skipped?.(1, `metric ${m.name}: a stale marker ends a series and is not a value InfraSage can take`);
            continue;
          }
          const finite = recs.records.filter((r) => Number.isFinite(r.rec.value));
          if (finite.length < recs.records.length && (d.type === 'gauge' || d.type === 'sum')) {
            // A gauge or counter value InfraSage cannot hold, and no other value to send for it.
            const part: Telemetry = { metrics: [{ ...rm, scopeMetrics: [{ ...sm, metrics: [{ ...m, data: { ...d, dataPoints: [p] } as typeof d }] }] }] };
            const reason = `infrasage: value must be a finite float64; metric ${m.name} has ${String(recs.records[0]!.rec.value)}`;
            if (!opts.refuse) throw new Error(reason);
            opts.refuse(part, reason);
            continue;
          }
          // A histogram's or summary's non-finite part (a NaN quantile: no observations yet) is
          // left out, the rest of the point still sent.
          const nonFinite = recs.records.length - finite.length;
          if (nonFinite) opts.skipped?.(nonFinite, `metric ${m.name}: InfraSage takes only finite values`);
          for (const r of finite) put(r.rec, labels, r.attrs);
          if (recs.skippedBuckets) opts.skipped?.(recs.skippedBuckets, `metric ${m.name}: exponential histogram buckets have no InfraSage form`);
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
        put(rec, resAttrs, a);
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
        put({ service_id: sid, type: 'trace', metric_name: s.name || 'span', value: Math.max(0, durMs), trace_id: s.traceId, timestamp: stamp(s.startTimeUnixNano) }, resAttrs, a);
      }
    }
  }
  return out;
}

export function service(res: Attributes): [string, Attributes] {
  const { ['service.name']: name, ...rest } = res;
  return [typeof name === 'string' && name !== '' ? name : 'unknown_service', rest];
}

type PointRecords = { records: { rec: InfraSageRecordOut; attrs: Attributes }[]; skippedBuckets: number };

/** The records of one point (several for a histogram or summary), or 'stale' for a stale marker. */
function pointRecords(name: string, type: string, p: any, sid: string, stamp: (ns: bigint | undefined) => string): PointRecords | 'stale' {
  const records: PointRecords['records'] = [];
  let skippedBuckets = 0;
  const stale = p.stale === true || ((p.flags ?? 0) & 1) !== 0;
  if (stale) return 'stale';
  const numeric = (metric: string, value: number, attrs: Attributes) => {
    const a = { ...attrs };
    const t = a[TYPE_ATTR];
    delete a[TYPE_ATTR];
    const kind: TelemetryType = t === 'slo' || t === 'profile' ? t : 'metric';
    records.push({ rec: { service_id: sid, type: kind, metric_name: metric, value, timestamp: stamp(p.timeUnixNano) }, attrs: a });
  };
  if (type === 'gauge' || type === 'sum') {
    numeric(name, Number(p.value), p.attributes);
  } else {
    numeric(`${name}_count`, Number(p.count), p.attributes);
    if (p.sum !== undefined) numeric(`${name}_sum`, p.sum, p.attributes);
    if (type === 'histogram') {
      let cumulative = 0;
      (p.bucketCounts as (number | bigint)[]).forEach((c, i) => {
        cumulative += Number(c);
        const le = i < p.explicitBounds.length ? String(p.explicitBounds[i]) : '+Inf';
        numeric(`${name}_bucket`, cumulative, { ...p.attributes, le });
      });
    } else if (type === 'summary') {
      for (const q of p.quantileValues) numeric(name, q.value, { ...p.attributes, quantile: String(q.quantile) });
    } else if (type === 'exponentialHistogram') {
      skippedBuckets = (p.positive?.bucketCounts.length ?? 0) + (p.negative?.bucketCounts.length ?? 0);
    }
  }
  return { records, skippedBuckets };
}

/**
 * A metric resource's attributes with its identity as the `job` and `instance` labels, when it has
 * the identity a scraped series always carries (service.instance.id, from `instance`). A resource
 * with a service.name alone (an InfraSage record's service_id) gains no label it never had.
 */
export function metricResource(resource: Attributes, rest: Attributes): Attributes {
  const instance = instanceOf(resource);
  if (instance === undefined) return rest;
  const job = jobOf(resource);
  const out: Attributes = {};
  for (const [k, v] of Object.entries(rest)) if (!RESOURCE_IDENTITY_KEYS.has(k)) out[k] = v;
  if (job !== undefined) out['job'] = job;
  if (instance !== undefined) out['instance'] = instance;
  return out;
}

function withAttrs(rec: InfraSageRecordOut, res: Attributes, attrs: Attributes, opts: RecordOptions): InfraSageRecordOut {
  const merged: Record<string, unknown> = { ...attributesToJson(res), ...attributesToJson(attrs) };
  for (const [k, v] of Object.entries(merged)) {
    if (typeof v === 'string') continue;
    // InfraSage shows `attributes` with string values only: other values go as their text.
    merged[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    opts.coerced?.(k, 1);
  }
  if (Object.keys(merged).length) rec.attributes = merged;
  return rec;
}
