/**
 * Loads the OTLP .proto files under `proto/` into one protobufjs Root, once per process.
 * The path is resolved from this module's own location so that it works from `src/formats/otlp`
 * (vitest) and from `dist/formats/otlp` (compiled) alike: both sit three levels below the
 * package root, where `proto/` lives.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export interface OtlpTypes {
  root: protobuf.Root;
  traceRequest: protobuf.Type;
  traceResponse: protobuf.Type;
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  logsRequest: protobuf.Type;
  logsResponse: protobuf.Type;
  status: protobuf.Type;
}

const FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'google/rpc/status.proto',
];

let cached: OtlpTypes | undefined;

/** The package root's `proto/` directory, found by walking up from this module. */
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'opentelemetry'))) return candidate;
    dir = dirname(dir);
  }
  // src/formats/otlp and dist/formats/otlp are both three levels below the root.
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../proto');
}

export function otlpTypes(): OtlpTypes {
  if (cached) return cached;
  const base = protoDir();
  const root = new protobuf.Root();
  // Imports are written relative to proto/; protobufjs' bundled google/protobuf/* types resolve
  // by name, so only our own files are mapped onto the directory.
  root.resolvePath = (_origin: string, target: string) =>
    target.startsWith('google/protobuf/') || target.startsWith(base) ? target : join(base, target);
  root.loadSync(FILES, { keepCase: false });
  root.resolveAll();
  cached = {
    root,
    traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    traceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    metricsRequest: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    metricsResponse: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    logsRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    logsResponse: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
  return cached;
}
