/**
 * Loads the OTLP .proto files under `proto/` into one protobufjs Root, once per process.
 * The path is resolved from this module's own location so that it works from `src/formats/otlp`
 * (vitest) and from `dist/formats/otlp` (compiled) alike: both sit three levels below the
 * package root, where `proto/` lives.
 */
import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { chargeEveryMessage } from '../decode-budget.js';
import { decodeAnyValue, decodeKeyValue } from './decode-attributes.js';

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
let cachedDecode: OtlpTypes | undefined;

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

/** The schema as written: for encoding, responses and anything that inspects messages. */
export function otlpTypes(): OtlpTypes {
  return (cached ??= load());
}

/**
 * A second Root for the protobuf receive path, whose KeyValue messages decode straight into model
 * values ({key, value: AnyValue}) through decode-attributes.ts. Kept apart so that the schema's
 * own messages (otlpTypes) stay standard for encoding, toObject and tests.
 */
export function otlpDecodeTypes(): OtlpTypes {
  if (cachedDecode) return cachedDecode;
  const t = load();
  const kv = t.root.lookupType('opentelemetry.proto.common.v1.KeyValue');
  kv.setup();
  (kv as unknown as { decode: typeof decodeKeyValue }).decode = decodeKeyValue;
  // AnyValue is decoded on its own only as a log body: boxed, so that an empty value is not "no body".
  const any = t.root.lookupType('opentelemetry.proto.common.v1.AnyValue');
  any.setup();
  (any as unknown as { decode: unknown }).decode = (r: protobuf.Reader, len: number, _z?: unknown, depth = 0) => ({ value: decodeAnyValue(r, len, depth) });
  chargeEveryMessage(t.root, new Set([kv, any]));
  return (cachedDecode = t);
}

function load(): OtlpTypes {
  const base = protoDir();
  const root = new protobuf.Root();
  // Imports are written relative to proto/; protobufjs' bundled google/protobuf/* types resolve
  // by name, so only our own files are mapped onto the directory.
  root.resolvePath = (_origin: string, target: string) =>
    target.startsWith('google/protobuf/') || target.startsWith(base) ? target : join(base, target);
  root.loadSync(FILES, { keepCase: false });
  root.resolveAll();
  return {
    root,
    traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    traceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    metricsRequest: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    metricsResponse: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    logsRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    logsResponse: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
}

/**
 * A reader whose UTF-8 check for proto3 strings is native. protobufjs verifies proto3 strings
 * with a pure-JS decoder, which made string-heavy GenAI spans (prompts, completions) four times
 * slower to decode; Node's utf8Slice is native and replaces bad bytes with U+FFFD, so only a
 * string containing U+FFFD needs the (native) strict check. Invalid UTF-8 is still refused,
 * as the proto3 rules (and the Collector) require.
 */
/** Node's Buffer has a native, undocumented `utf8Slice` (protobufjs uses it too). */
type NodeBuffer = Buffer & { utf8Slice?(start: number, end: number): string };

export class OtlpReader extends protobuf.BufferReader {
  override stringVerify(): string {
    const len = this.size();
    const start = this.pos;
    const end = start + len;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${len} > ${this.len}`);
    this.pos = end;
    const buf = this.buf as NodeBuffer;
    const s = buf.utf8Slice ? buf.utf8Slice(start, end) : buf.toString('utf8', start, end);
    if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) throw new Error('invalid UTF-8 in a string field');
    return s;
  }
}

/** Wraps a body for decoding without copying it. */
export function readerOf(body: Uint8Array): OtlpReader {
  return new OtlpReader(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
