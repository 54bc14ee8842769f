/**
 * OTLP/HTTP constants from the OpenTelemetry protocol specification: the per-signal paths, the
 * media types, the statuses a client retries and the bearer-token convention for keys.
 */
import type { Signal } from '../../model/index.js';
import type { AuthSpec } from '../types.js';

export const PROTOBUF = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

/** Media types read as protobuf: the OTLP one, and the IANA `application/protobuf` some clients send. */
export function isProtobufType(mediaType: string): boolean {
  return mediaType === PROTOBUF || mediaType === 'application/protobuf';
}

export const OTLP_MEDIA_TYPES = [PROTOBUF, 'application/protobuf', JSON_TYPE];

export const SIGNAL_PATH: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

/** OTLP has no auth of its own; when keys are configured, clients send them as a bearer token. */
export const OTLP_AUTH: AuthSpec = { header: 'authorization', scheme: 'Bearer', required: false };

/** OTLP/HTTP's retryable statuses; everything else that is not 2xx is permanent. */
export const OTLP_RETRYABLE: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Status answered when the pipeline pushes back: retried by every OTLP exporter (with Retry-After). */
export const OTLP_BACKPRESSURE_STATUS = 503;
