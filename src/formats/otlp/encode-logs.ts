/** Model → the OTLP logs export-request tree: log records, in either wire flavor. */
import type { LogRecord, ResourceLogs, ScopeLogs } from '../../model/index.js';
import { idsOut, withOriginalIds } from './encode-shared.js';
import { anyValue, attributes, each, resource, schema, scope, type Obj, type WireFlavor } from './encode-tree.js';

export function logsTree(rl: readonly ResourceLogs[], w: WireFlavor): Obj {
  return { resourceLogs: each(rl, resourceLogs, w) };
}

function resourceLogs(rl: ResourceLogs, w: WireFlavor): Obj {
  return schema({ resource: resource(rl.resource, w), scopeLogs: each(rl.scopeLogs, scopeLogs, w) }, rl.schemaUrl);
}

function scopeLogs(sl: ScopeLogs, w: WireFlavor): Obj {
  return schema({ scope: scope(sl.scope, w), logRecords: each(sl.logRecords, logRecord, w) }, sl.schemaUrl);
}

function logRecord(r: LogRecord, w: WireFlavor): Obj {
  const ids = idsOut(r.traceId, r.spanId, undefined, false);
  const out: Obj = { timeUnixNano: w.int64(r.timeUnixNano) };
  if (r.observedTimeUnixNano !== undefined) out.observedTimeUnixNano = w.int64(r.observedTimeUnixNano);
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  if (r.body !== undefined) out.body = anyValue(r.body, w);
  out.attributes = attributes(withOriginalIds(r.attributes, ids.extra), w);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.flags) out.flags = r.flags >>> 0;
  if (ids.traceId) out.traceId = w.id(ids.traceId);
  if (ids.spanId) out.spanId = w.id(ids.spanId);
  if (r.eventName) out.eventName = r.eventName;
  return out;
}
