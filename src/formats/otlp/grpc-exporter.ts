/**
 * The `otlp` exporter: OTLP over gRPC, as the Collector's. The encoder is otlp_http's protobuf
 * encoder (one Export request per signal, split under max_request_bytes); the transport calls
 * TraceService/MetricsService/LogsService Export over a grpc-js channel with those bytes as the
 * message (identity serializer). OTLP's retryable codes become `retry` (with RetryInfo's delay),
 * everything else `reject`, and the exporter's queue/retry layers do the rest.
 */
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import { defineExporter, type OptionsOf, type OutboundRequest, type SendResult, type Transport, type TransportConfig } from '../types.js';
import { exporterTlsSchema, type ExporterTls } from '../../util/tls-schema.js';
import { encodeOtlpHttp } from './exporter.js';
import { readRetryDelayMs } from './grpc-wire.js';
import { PROTOBUF } from './contract.js';
import { readPartialSuccess } from './responses.js';
import { grpcChannelCredentials } from './grpc-channel-tls.js';

/** Collector-style target: `host:port`, or a URL whose scheme says plaintext (http) or TLS (https). */
const grpcTarget = z.string().regex(/^((https?):\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):\d{1,5}\/?$/, 'must be host:port or http(s)://host:port, e.g. 127.0.0.1:4317');

export const otlpGrpcConfigSchema = {
  endpoint: grpcTarget,
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /** gRPC servers refuse messages over 4 MiB by default; larger batches are split to fit. */
  max_request_bytes: z.number().int().positive().default(4 * 1024 * 1024),
  tls: exporterTlsSchema,
};

const METHOD: Record<string, string> = {
  '/v1/traces': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  '/v1/metrics': '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  '/v1/logs': '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** OTLP/gRPC's retryable codes; RESOURCE_EXHAUSTED only when the server sent RetryInfo. */
const RETRYABLE = new Set([grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED, grpc.status.ABORTED, grpc.status.OUT_OF_RANGE, grpc.status.UNAVAILABLE, grpc.status.DATA_LOSS]);

export function interpretGrpcError(err: grpc.ServiceError): SendResult {
  const details = err.metadata?.get('grpc-status-details-bin')[0];
  const retryAfterMs = Buffer.isBuffer(details) ? readRetryDelayMs(details) : undefined;
  const reason = `gRPC ${grpc.status[err.code] ?? err.code}: ${err.details}`;
  const retry = RETRYABLE.has(err.code) || (err.code === grpc.status.RESOURCE_EXHAUSTED && retryAfterMs !== undefined);
  // The gRPC code goes where an HTTP status would, so the dead-letter reason and metrics say it.
  if (retry) return retryAfterMs === undefined ? { kind: 'retry', reason, status: err.code } : { kind: 'retry', reason, status: err.code, retryAfterMs };
  return { kind: 'reject', reason, status: err.code };
}

/** Strips the scheme: grpc-js wants `host:port`; the scheme only chose plaintext or TLS. */
function parseTarget(endpoint: string, tls: ExporterTls | undefined): { target: string; secure: boolean } {
  const m = /^(https?):\/\/(.*?)\/?$/.exec(endpoint);
  const target = m ? m[2]! : endpoint;
  // As the Collector: http:// or insecure: true is plaintext; otherwise TLS.
  const secure = m ? m[1] === 'https' : !tls?.insecure;
  return { target, secure };
}

export class GrpcTransport implements Transport {
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();
  private readonly timeoutMs: number;

  constructor(config: OptionsOf<typeof otlpGrpcConfigSchema> & TransportConfig) {
    const tls = config.tls;
    const { target, secure } = parseTarget(String(config.endpoint), tls);
    const options: grpc.ChannelOptions = {
      'grpc.primary_user_agent': 'switchyard/0.1',
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    };
    if (config.compression !== 'none') options['grpc.default_compression_algorithm'] = grpc.compressionAlgorithms.gzip;
    if (tls?.server_name_override) options['grpc.ssl_target_name_override'] = tls.server_name_override;
    this.client = new grpc.Client(target, grpcChannelCredentials(secure, tls), options);
    for (const [k, v] of Object.entries(config.headers ?? {})) this.metadata.set(k.toLowerCase(), v);
    if (config.api_key) this.metadata.set('authorization', `Bearer ${config.api_key}`);
    this.timeoutMs = config.timeout;
  }

  send(request: OutboundRequest): Promise<SendResult> {
    const method = METHOD[request.path];
    if (!method) return Promise.resolve({ kind: 'reject', reason: `no gRPC method for ${request.path}` });
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(
        method,
        (b) => b,
        (b) => b,
        body,
        this.metadata.clone(),
        { deadline: Date.now() + this.timeoutMs },
        (err, response) => {
          if (err) return resolve(interpretGrpcError(err));
          // partial_success is a success that is not retried (OTLP names no items to dead-letter).
          const partial = readPartialSuccess(response ?? Buffer.alloc(0), PROTOBUF);
          resolve(partial.rejected > 0 ? { kind: 'partial', rejected: { count: partial.rejected, message: partial.message } } : { kind: 'ok' });
        },
      );
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

export const otlpGrpcExporter = defineExporter({
  signals: ['traces', 'metrics', 'logs'],
  configSchema: otlpGrpcConfigSchema,
  // The body goes out as protobuf, uncompressed: grpc-js compresses each message itself.
  encode: (data, ctx) => encodeOtlpHttp(data, { ...ctx, config: { max_request_bytes: ctx.config.max_request_bytes, max_content_bytes: ctx.config.max_content_bytes, encoding: 'proto', compression: 'none' } }),
  createTransport: (config) => new GrpcTransport(config),
});
