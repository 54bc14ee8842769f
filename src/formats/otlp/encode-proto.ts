/**
 * Model → OTLP/protobuf. Builds the plain objects protobufjs' generated encoder accepts (no
 * `create`/`fromObject` pass: the shapes are already right) and encodes the export request.
 * 64-bit fields are given as `{low, high}` pairs, ids and bytes as Uint8Array, doubles as they
 * are. The tree itself is built by encode-tree.ts; this file says how protobuf writes the scalars.
 */
import type { AnyValue, Attributes, ResourceLogs, ResourceMetrics, ResourceSpans } from '../../model/index.js';
import { logsTree } from './encode-logs.js';
import { metricsTree } from './encode-metrics.js';
import { anyValue, attributes, type Obj, type WireFlavor } from './encode-tree.js';
import { tracesTree } from './encode-traces.js';
import { otlpTypes } from './proto-loader.js';
import { fromHex, longOf, longOfNumber } from './wire.js';

const EMPTY = new Uint8Array(0);

const PROTO_FLAVOR: WireFlavor = {
  int64: longOf,
  count: longOfNumber,
  counts: (ns) => ns.map(longOfNumber),
  double: (n) => n,
  doubles: (ns) => ns,
  bytes: (b) => b,
  id: (hex) => (hex ? fromHex(hex) : EMPTY),
};

export function encodeTracesProto(rs: readonly ResourceSpans[]): Uint8Array {
  return otlpTypes().traceRequest.encode(tracesTree(rs, PROTO_FLAVOR)).finish();
}

export function encodeMetricsProto(rm: readonly ResourceMetrics[]): Uint8Array {
  return otlpTypes().metricsRequest.encode(metricsTree(rm, PROTO_FLAVOR)).finish();
}

export function encodeLogsProto(rl: readonly ResourceLogs[]): Uint8Array {
  return otlpTypes().logsRequest.encode(logsTree(rl, PROTO_FLAVOR)).finish();
}

export const anyOut = (v: AnyValue): Obj => anyValue(v, PROTO_FLAVOR);
export const attrsOut = (attrs: Attributes): Obj[] => attributes(attrs, PROTO_FLAVOR);
