/**
 * Model → OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): ids as lowercase hex,
 * 64-bit integers as decimal strings, enums as integers, bytes as base64, non-finite doubles as
 * "NaN" / "Infinity" / "-Infinity", lowerCamelCase keys, default values left out. The tree itself
 * is built by encode-tree.ts; this file says how JSON writes the scalars.
 */
import type { AnyValue, Attributes, ResourceLogs, ResourceMetrics, ResourceSpans } from '../../model/index.js';
import { logsTree } from './encode-logs.js';
import { metricsTree } from './encode-metrics.js';
import { anyValue, attributes, type Obj, type WireFlavor } from './encode-tree.js';
import { tracesTree } from './encode-traces.js';
import { toBase64 } from './wire.js';

/**
 * A double the proto3 JSON way: JSON has no NaN or Infinity literals, so those are strings; -0
 * is written as the string "-0" too (a number would print as 0), keeping the sign bit lossless.
 */
function dbl(n: number): number | string {
  if (Number.isFinite(n)) return n === 0 && Object.is(n, -0) ? '-0' : n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

const count = (n: number): string => BigInt(Math.max(0, Math.trunc(Number.isFinite(n) ? n : 0))).toString();

const JSON_FLAVOR: WireFlavor = {
  int64: (v) => v.toString(),
  count,
  counts: (ns) => ns.map(count),
  double: dbl,
  doubles: (ns) => ns.map(dbl),
  bytes: toBase64,
  id: (hex) => hex,
};

export const tracesJsonObject = (rs: readonly ResourceSpans[]): Obj => tracesTree(rs, JSON_FLAVOR);
export const metricsJsonObject = (rm: readonly ResourceMetrics[]): Obj => metricsTree(rm, JSON_FLAVOR);
export const logsJsonObject = (rl: readonly ResourceLogs[]): Obj => logsTree(rl, JSON_FLAVOR);

export const encodeTracesJson = (rs: readonly ResourceSpans[]): string => JSON.stringify(tracesJsonObject(rs));
export const encodeMetricsJson = (rm: readonly ResourceMetrics[]): string => JSON.stringify(metricsJsonObject(rm));
export const encodeLogsJson = (rl: readonly ResourceLogs[]): string => JSON.stringify(logsJsonObject(rl));

export const anyJson = (v: AnyValue): Obj => anyValue(v, JSON_FLAVOR);
export const attrsJson = (attrs: Attributes): Obj[] => attributes(attrs, JSON_FLAVOR);
