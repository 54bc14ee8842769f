/**
 * The small protobuf messages gRPC needs around OTLP, written by hand with protobufjs' Writer and
 * Reader (three fields each; no .proto needed): google.rpc.Status with a google.rpc.RetryInfo
 * detail, carried in the `grpc-status-details-bin` trailer as the Collector sends it, and the
 * grpc.health.v1 messages.
 */
import protobuf from 'protobufjs';

export const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** gRPC status codes used here (the same numbers as google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** google.rpc.Status { code, message, details: [Any(RetryInfo{retry_delay})] }. */
export function encodeStatusWithRetry(code: number, message: string, retryDelayMs?: number): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(8).int32(code);
  if (message) w.uint32(18).string(message);
  if (retryDelayMs !== undefined) {
    const seconds = Math.floor(retryDelayMs / 1000);
    const nanos = Math.round((retryDelayMs % 1000) * 1e6);
    const duration = protobuf.Writer.create();
    if (seconds) duration.uint32(8).int64(seconds);
    if (nanos) duration.uint32(16).int32(nanos);
    const retryInfo = protobuf.Writer.create().uint32(10).bytes(duration.finish()).finish();
    const any = protobuf.Writer.create().uint32(10).string(RETRY_INFO_TYPE).uint32(18).bytes(retryInfo).finish();
    w.uint32(26).bytes(any);
  }
  return w.finish();
}

/** The retry delay a google.rpc.Status carries in a RetryInfo detail, in milliseconds. */
export function readRetryDelayMs(statusBytes: Uint8Array): number | undefined {
  try {
    const r = protobuf.Reader.create(statusBytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 !== 3 || (tag & 7) !== 2) {
        r.skipType(tag & 7);
        continue;
      }
      const any = fields(r.bytes());
      if (textOf(any.get(1)) !== RETRY_INFO_TYPE) continue;
      const info = fields(any.get(2) ?? new Uint8Array());
      const d = info.get(1);
      if (!d) return 0;
      const dr = protobuf.Reader.create(d);
      let seconds = 0;
      let nanos = 0;
      while (dr.pos < dr.len) {
        const t = dr.uint32();
        if (t === 8) seconds = Number(dr.int64());
        else if (t === 16) nanos = dr.int32();
        else dr.skipType(t & 7);
      }
      return seconds * 1000 + Math.round(nanos / 1e6);
    }
  } catch {
    /* an unreadable detail is the same as none */
  }
  return undefined;
}

/** Length-delimited fields of a message by number (the last one wins). */
function fields(bytes: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if ((tag & 7) === 2) out.set(tag >>> 3, r.bytes());
    else r.skipType(tag & 7);
  }
  return out;
}

function textOf(b: Uint8Array | undefined): string {
  return b ? Buffer.from(b).toString('utf8') : '';
}

export const HealthStatus = { SERVING: 1, NOT_SERVING: 2 } as const;

/** grpc.health.v1.HealthCheckRequest.service. */
export function readHealthService(bytes: Uint8Array): string {
  return textOf(fields(bytes).get(1));
}

/** grpc.health.v1.HealthCheckResponse { status }. */
export function encodeHealthResponse(status: number): Uint8Array {
  return protobuf.Writer.create().uint32(8).int32(status).finish();
}
