import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { chargeEveryMessage } from '../decode-budget.js';

/**
 * The remote-write messages, loaded once from proto/prometheus. The path is resolved from this
 * module's own location so that it works both from src/formats/prometheus (vitest) and from
 * dist/formats/prometheus (after tsc): the package root is three levels up in both.
 */
const PROTO_DIR = fileURLToPath(new URL('../../../proto/prometheus/', import.meta.url));

export interface PromTypes {
  WriteRequest: protobuf.Type;
  MetricMetadata: protobuf.Type;
  Exemplar: protobuf.Type;
  Histogram: protobuf.Type;
  V2Request: protobuf.Type;
  V2Metadata: protobuf.Type;
  V2Exemplar: protobuf.Type;
  V2Histogram: protobuf.Type;
}

let cached: PromTypes | undefined;

export function promTypes(): PromTypes {
  if (cached) return cached;
  const root = new protobuf.Root();
  // keepCase keeps the .proto field names (metric_family_name), matching the specification text.
  root.loadSync([PROTO_DIR + 'remote.proto', PROTO_DIR + 'write_v2.proto'], { keepCase: true });
  root.resolveAll();
  // Nested messages (exemplar labels, histogram spans) are charged to the request's budget.
  chargeEveryMessage(root);
  cached = {
    WriteRequest: root.lookupType('prometheus.WriteRequest'),
    MetricMetadata: root.lookupType('prometheus.MetricMetadata'),
    Exemplar: root.lookupType('prometheus.Exemplar'),
    Histogram: root.lookupType('prometheus.Histogram'),
    V2Request: root.lookupType('io.prometheus.write.v2.Request'),
    V2Metadata: root.lookupType('io.prometheus.write.v2.Metadata'),
    V2Exemplar: root.lookupType('io.prometheus.write.v2.Exemplar'),
    V2Histogram: root.lookupType('io.prometheus.write.v2.Histogram'),
  };
  return cached;
}

export { protobuf };
