/**
 * The `otlp` receiver's Collector form: `protocols: { grpc: {…}, http: {…} }`. The top-level
 * `endpoint:` stays as shorthand for http; `protocols` without `http` serves gRPC only.
 */
import { z } from 'zod';
import { hostPort } from '../../util/schema.js';
import { receiverTlsSchema, type ReceiverTls } from '../../util/tls-schema.js';
import { corsSchema } from '../../util/cors-schema.js';
import { CONNECTION_KEYS, optionalConnectionShape } from '../../util/connection-schema.js';

/** `grpc:` written with nothing after it is YAML null: the Collector reads it as "defaults". */
const orEmpty = (v: unknown) => (v === null ? {} : v);

export const grpcProtocolSchema = z.preprocess(
  orEmpty,
  z.strictObject({
    endpoint: hostPort.default('127.0.0.1:4317'),
    /** Largest message accepted, after decompression (the Collector's default is 4 MiB). */
    max_recv_msg_size_mib: z.number().positive().max(1024).default(4),
    tls: receiverTlsSchema,
  }),
);

export const httpProtocolSchema = z.preprocess(
  orEmpty,
  z.strictObject({
    endpoint: hostPort.optional(),
    tls: receiverTlsSchema,
    cors: corsSchema,
    ...optionalConnectionShape,
  }),
);

export const otlpProtocolsShape = {
  /** Browser SDKs: CORS on the OTLP/HTTP routes. */
  cors: corsSchema,
  protocols: z
    .strictObject({ grpc: grpcProtocolSchema.optional(), http: httpProtocolSchema.optional() })
    .refine((p) => p.grpc || p.http, 'name at least one of grpc, http')
    .optional(),
};

export interface GrpcProtocolConfig {
  endpoint: string;
  max_recv_msg_size_mib: number;
  tls?: ReceiverTls;
}

/** The gRPC half of a receiver's config, when it has one. */
export function grpcConfigOf(config: Record<string, unknown>): GrpcProtocolConfig | undefined {
  return (config.protocols as { grpc?: GrpcProtocolConfig } | undefined)?.grpc;
}

/** False when `protocols` is written without `http`: that receiver opens no HTTP routes. */
export function servesHttp(config: Record<string, unknown>): boolean {
  const p = config.protocols as { http?: unknown } | undefined;
  return !p || p.http !== undefined;
}

/**
 * Folds `protocols.http` into the receiver's top-level keys (endpoint, tls, cors, connection limits), which the HTTP
 * listeners read. Returns the problems as [path, message] pairs.
 */
export function foldHttpProtocol(config: Record<string, unknown>, written: Record<string, unknown>): [string[], string][] {
  const http = (config.protocols as { http?: Record<string, unknown> } | undefined)?.http;
  if (!http) return [];
  const issues: [string[], string][] = [];
  for (const key of ['endpoint', 'tls', 'cors', ...CONNECTION_KEYS]) {
    if (http[key] === undefined) continue;
    if (written[key] !== undefined) issues.push([['protocols', 'http', key], `is also given as ${key} at the top of this receiver: write it once`]);
    else config[key] = http[key];
  }
  return issues;
}
