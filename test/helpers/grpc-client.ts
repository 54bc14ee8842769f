import * as grpc from '@grpc/grpc-js';

export const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const METRICS_EXPORT = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
export const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
export const HEALTH_CHECK = '/grpc.health.v1.Health/Check';

export interface UnaryOutcome {
  error?: grpc.ServiceError;
  response?: Buffer;
}

/** A raw grpc-js client: sends the given bytes as the message and returns bytes or the error. */
export function rawClient(target: string, opts: { credentials?: grpc.ChannelCredentials; options?: grpc.ChannelOptions } = {}) {
  const client = new grpc.Client(target.replace(/^https?:\/\//, ''), opts.credentials ?? grpc.credentials.createInsecure(), opts.options ?? {});
  return {
    call(method: string, body: Uint8Array, metadata: Record<string, string> = {}, timeoutMs = 10_000): Promise<UnaryOutcome> {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise((resolve) => {
        client.makeUnaryRequest<Buffer, Buffer>(method, (b) => b, (b) => b, Buffer.from(body), md, { deadline: Date.now() + timeoutMs }, (error, response) =>
          resolve(error ? { error } : { response }),
        );
      });
    },
    close: () => client.close(),
  };
}
