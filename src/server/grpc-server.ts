/**
 * The `otlp` receiver's gRPC half: TraceService, MetricsService and LogsService `Export`, plus
 * grpc.health.v1.Health/Check, one grpc-js server per receiver. Messages arrive as raw bytes
 * (identity deserializer) and go to the project's own protobuf decoder, the same fast path as
 * OTLP/HTTP; grpc-js undoes gzip and enforces `max_recv_msg_size_mib` on the decompressed size.
 * The answer follows the same rule as HTTP: OK only once the data is in every target queue.
 */
import * as grpc from '@grpc/grpc-js';
import { BackpressureError, InputError, type InputErrorKind } from '../formats/errors.js';
import { grpcConfigOf, type GrpcProtocolConfig } from '../formats/otlp/grpc-config.js';
import { encodeHealthResponse, encodeStatusWithRetry, GrpcCode, HealthStatus, readHealthService } from '../formats/otlp/grpc-wire.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../formats/otlp/decode-proto.js';
import { PROTOBUF } from '../formats/otlp/contract.js';
import { partialMessage } from '../formats/otlp/receiver.js';
import { exportResponse } from '../formats/otlp/responses.js';
import type { DecodeLimits, DecodeResult, ReceiverFailure } from '../formats/types.js';
import type { Signal } from '../model/index.js';
import type { ReceiverConfig, SwitchyardConfig } from '../pipeline/config/model.js';
import { KeyChecker } from './auth.js';
import { classifyFailure, decodeLimitsOf, decodeSafely, deliverDecoded, type HandlerDeps } from './receiver-handler.js';
import { grpcServerCredentials } from './grpc-tls.js';

export const OTLP_GRPC_SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};
const HEALTH_SERVICE = 'grpc.health.v1.Health';

const DECODERS: Record<Signal, (body: Buffer, limits: DecodeLimits) => DecodeResult> = {
  traces: decodeTracesProto,
  metrics: decodeMetricsProto,
  logs: decodeLogsProto,
};
const UNIT: Record<Signal, string> = { traces: 'spans', metrics: 'data points', logs: 'log records' };

/** Bytes in, bytes out: the identity (de)serializer that keeps grpc-js out of decoding. */
const raw = (b: Buffer) => b;
const bytesOut = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function unary(path: string): grpc.MethodDefinition<Buffer, Uint8Array> {
  return { path, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: bytesOut, responseDeserialize: raw };
}

export interface GrpcListeners {
  /** The bound address of a receiver's gRPC endpoint (`url` is `http://host:port`, or https with TLS). */
  address(receiverId: string): { host: string; port: number; url: string };
  /** Stops accepting calls; in-flight calls finish within the deadline, then are cancelled. */
  close(deadlineMs?: number): Promise<void>;
}

/** Starts a gRPC server for each used receiver whose config has `protocols.grpc`. */
export async function startGrpcListeners(config: SwitchyardConfig, used: ReadonlySet<string>, deps: HandlerDeps): Promise<GrpcListeners> {
  const bound = new Map<string, { server: grpc.Server; host: string; port: number; tls: boolean; stop(): void }>();
  try {
    for (const r of config.receivers.values()) {
      const g = grpcConfigOf(r.config);
      if (!g || !used.has(r.id)) continue;
      bound.set(r.id, await startOne(r.id, r.config, g, deps));
    }
  } catch (e) {
    for (const b of bound.values()) b.server.forceShutdown();
    throw e;
  }
  return {
    address(id) {
      const b = bound.get(id);
      if (!b) throw new Error(`receiver "${id}" has no gRPC endpoint`);
      const h = b.host.includes(':') ? `[${b.host}]` : b.host;
      return { host: b.host, port: b.port, url: `${b.tls ? 'https' : 'http'}://${h}:${b.port}` };
    },
    async close(deadlineMs = 5000) {
      await Promise.all([...bound.values()].map((b) => shutdownServer(b.server, deadlineMs).finally(() => b.stop())));
    },
  };
}

async function startOne(id: string, rc: ReceiverConfig, g: GrpcProtocolConfig, deps: HandlerDeps) {
  const maxBytes = Math.floor(g.max_recv_msg_size_mib * 1024 * 1024);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxBytes });
  const keys = rc.api_keys?.length ? new KeyChecker(rc.api_keys, { header: 'authorization', scheme: 'Bearer', required: false }) : undefined;
  const limits = decodeLimitsOf(rc, maxBytes);
  const log = deps.logger.child({ receiver: id, protocol: 'grpc' });

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const name = OTLP_GRPC_SERVICES[signal];
    server.addService({ Export: unary(`/${name}/Export`) }, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
        const started = performance.now();
        void exportOnce(signal, call, id, deps, keys, limits).then(
          (body) => {
            finish('OK');
            callback(null, body);
          },
          (e: unknown) => {
            const failure = classifyFailure(e, id, deps, log);
            const err = toServiceError(failure);
            finish(grpc.status[err.code!] ?? String(err.code));
            callback(err);
          },
        );
        function finish(status: string) {
          deps.metrics.receiverRequests.inc({ receiver: id, status: `grpc_${status}` });
          deps.metrics.requestDuration.observe({ receiver: id }, (performance.now() - started) / 1000);
        }
      },
    });
  }

  const known = new Set(['', HEALTH_SERVICE, ...Object.values(OTLP_GRPC_SERVICES)]);
  server.addService({ Check: unary(`/${HEALTH_SERVICE}/Check`) }, {
    Check: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
      const service = readHealthService(call.request);
      if (!known.has(service)) return callback({ code: grpc.status.NOT_FOUND, details: `unknown service "${service}"` });
      callback(null, encodeHealthResponse(deps.accepting() ? HealthStatus.SERVING : HealthStatus.NOT_SERVING));
    },
  });

  const creds = grpcServerCredentials(g.tls);
  const { host } = splitHostPort(g.endpoint);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(bindTarget(g.endpoint), creds.credentials, (err, p) => (err ? reject(new Error(`cannot listen for gRPC on ${g.endpoint}: ${err.message}`)) : resolve(p)));
  });
  deps.logger.info({ receiver: id, endpoint: `${host}:${port}`, tls: Boolean(g.tls) }, 'listening (gRPC)');
  return { server, host, port, tls: Boolean(g.tls), stop: creds.stop };
}

/** One Export call: the same checks, decoder and queue step as the HTTP route. */
async function exportOnce(signal: Signal, call: grpc.ServerUnaryCall<Buffer, Uint8Array>, id: string, deps: HandlerDeps, keys: KeyChecker | undefined, limits: DecodeLimits): Promise<Uint8Array> {
  const body = call.request;
  if (!deps.accepting()) throw new BackpressureError('Switchyard is shutting down', 5);
  if (keys) {
    const value = call.metadata.get('authorization')[0];
    const problem = keys.check({ authorization: typeof value === 'string' ? value : undefined });
    if (problem) throw new InputError('authorization', problem, 'unauthorized');
  }
  if (!deps.graph.canAccept(id, body.length)) throw new BackpressureError('an exporter queue is full', 1);
  const result = decodeSafely(() => DECODERS[signal](body, limits), deps.logger.child({ receiver: id }), () => deps.metrics.receiverRefused.inc({ receiver: id, reason: 'internal' }));
  await deliverDecoded(id, deps, result, body.length);
  const rejected = result.rejected.length;
  return exportResponse(signal, rejected, rejected ? partialMessage(result, UNIT[signal]) : '', PROTOBUF).body as Uint8Array;
}

function codeOf(kind: InputErrorKind): grpc.status {
  switch (kind) {
    case 'unauthorized': return grpc.status.UNAUTHENTICATED;
    // As grpc-js itself answers an oversized message; without RetryInfo OTLP clients do not retry it.
    case 'too_large': return grpc.status.RESOURCE_EXHAUSTED;
    case 'not_found': return grpc.status.UNIMPLEMENTED;
    default: return grpc.status.INVALID_ARGUMENT;
  }
}

/**
 * Back-pressure is UNAVAILABLE with a google.rpc.RetryInfo in grpc-status-details-bin, which OTLP
 * exporters retry after the given delay (as the Collector answers); bad data INVALID_ARGUMENT.
 */
function toServiceError(f: ReceiverFailure): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (f.kind === 'backpressure') {
    const delayMs = Math.max(1, f.retryAfterSeconds) * 1000;
    metadata.set('grpc-status-details-bin', Buffer.from(encodeStatusWithRetry(GrpcCode.UNAVAILABLE, f.message, delayMs)));
    return { code: grpc.status.UNAVAILABLE, details: f.message, metadata };
  }
  const code = codeOf(f.error.kind);
  metadata.set('grpc-status-details-bin', Buffer.from(encodeStatusWithRetry(code, f.error.message)));
  return { code, details: f.error.message, metadata };
}

function splitHostPort(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  let host = endpoint.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(endpoint.slice(i + 1)) };
}

function bindTarget(endpoint: string): string {
  const { host, port } = splitHostPort(endpoint.replace(/^localhost:/, '127.0.0.1:'));
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function shutdownServer(server: grpc.Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, deadlineMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
