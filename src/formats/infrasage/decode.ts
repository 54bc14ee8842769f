import { createHash } from 'node:crypto';
import type { Attributes, LogRecord, Metric, ResourceLogs, ResourceMetrics, ResourceSpans, Span, Telemetry } from '../../model/index.js';
import { attributesFromJson, newSpan } from '../../model/index.js';
import type { ValidRecord } from './contract.js';

/**
 * InfraSage records → model. `service_id` is the resource's `service.name`; `attributes` are the
 * item's attributes; the timestamp keeps nanosecond precision.
 * - metric: a gauge point named metric_name (the document gives no counter semantics).
 * - slo, profile: gauge points too, with the attribute `infrasage.type` = slo | profile.
 * - log: a log record, body = body.
 * - event: a log record with `infrasage.type` = event and eventName = metric_name when given.
 * - trace: a span named metric_name, starting at timestamp, lasting `value` milliseconds;
 *   trace_id as the trace id (derived from the record when absent); the span id and parent come
 *   from the attributes `span_id` / `parent_span_id` (which the exporter writes), else derived.
 */
export const TYPE_ATTR = 'infrasage.type';
const SCOPE = { name: 'switchyard/infrasage' };

export function recordsToModel(records: { rec: ValidRecord; index: number }[]): Telemetry {
  const metrics = new Map<string, Map<string, Metric>>();
  const logs = new Map<string, LogRecord[]>();
  const spans = new Map<string, Span[]>();
  for (const { rec, index } of records) {
    const attributes: Attributes = attributesFromJson(rec.attributes);
    switch (rec.type) {
      case 'metric':
      case 'slo':
      case 'profile': {
        if (rec.type !== 'metric') attributes[TYPE_ATTR] = rec.type;
        let byName = metrics.get(rec.serviceId);
        if (!byName) metrics.set(rec.serviceId, (byName = new Map()));
        let m = byName.get(rec.metricName!);
        if (!m) byName.set(rec.metricName!, (m = { name: rec.metricName!, data: { type: 'gauge', dataPoints: [] } }));
        (m.data.dataPoints as { attributes: Attributes; timeUnixNano: bigint; value: number }[]).push({ attributes, timeUnixNano: rec.timeUnixNano, value: rec.value! });
        break;
      }
      case 'log':
      case 'event': {
        const lr: LogRecord = { timeUnixNano: rec.timeUnixNano, body: rec.body ?? '', attributes };
        if (rec.type === 'event') {
          attributes[TYPE_ATTR] = 'event';
          if (rec.metricName) lr.eventName = rec.metricName;
        }
        if (rec.traceId) lr.traceId = rec.traceId;
        push(logs, rec.serviceId, lr);
        break;
      }
      case 'trace': {
        const spanId = takeString(attributes, 'span_id') ?? derivedId(rec, index, 16);
        const parent = takeString(attributes, 'parent_span_id');
        const durationNs = BigInt(Math.round(Math.max(0, rec.value ?? 0) * 1e6));
        const span = newSpan({
          traceId: rec.traceId ?? derivedId(rec, index, 32),
          spanId,
          name: rec.metricName!,
          startTimeUnixNano: rec.timeUnixNano,
          endTimeUnixNano: rec.timeUnixNano + durationNs,
          attributes,
        });
        if (parent) span.parentSpanId = parent;
        push(spans, rec.serviceId, span);
        break;
      }
    }
  }
  const out: Telemetry = {};
  if (metrics.size) {
    out.metrics = [...metrics].map(([sid, byName]): ResourceMetrics => ({ resource: { attributes: { 'service.name': sid } }, scopeMetrics: [{ scope: SCOPE, metrics: [...byName.values()] }] }));
  }
  if (logs.size) out.logs = [...logs].map(([sid, logRecords]): ResourceLogs => ({ resource: { attributes: { 'service.name': sid } }, scopeLogs: [{ scope: SCOPE, logRecords }] }));
  if (spans.size) out.traces = [...spans].map(([sid, ss]): ResourceSpans => ({ resource: { attributes: { 'service.name': sid } }, scopeSpans: [{ scope: SCOPE, spans: ss }] }));
  return out;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function takeString(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  if (typeof v !== 'string' || v === '') return undefined;
  delete attrs[key];
  return v;
}

/** A stable hex id from the record's content, so a retried request yields the same span. */
function derivedId(rec: ValidRecord, index: number, hexLen: number): string {
  return createHash('sha256').update(`${rec.serviceId}\0${rec.traceId ?? ''}\0${rec.metricName ?? ''}\0${rec.timeUnixNano}\0${index}`).digest('hex').slice(0, hexLen);
}
