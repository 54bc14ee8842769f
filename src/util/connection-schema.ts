import { z } from 'zod';
import { duration } from './schema.js';

/**
 * Connection hygiene for a receiver's listener, in the Collector's (Go http.Server's) names: a
 * client that trickles its headers or body, or parks idle connections, can hold neither the
 * listener nor the shutdown.
 */
export const connectionShape = {
  /** Time to receive the request headers. */
  read_header_timeout: duration.default(10_000),
  /** Time to receive the whole request, body included (0 = no limit). */
  read_timeout: duration.default(60_000),
  /** How long a keep-alive connection may wait for its next request. */
  idle_timeout: duration.default(60_000),
  /** Connections open at once on the listener (per worker); more are closed on accept. 0 = no limit. */
  max_connections: z.number().int().min(0).default(4096),
};

/** The same keys without defaults, for where they may also be written (`protocols.http`). */
export const optionalConnectionShape = {
  read_header_timeout: duration.optional(),
  read_timeout: duration.optional(),
  idle_timeout: duration.optional(),
  max_connections: z.number().int().min(0).optional(),
};

export const CONNECTION_KEYS = Object.keys(connectionShape) as (keyof typeof connectionShape)[];

export interface ConnectionLimits {
  read_header_timeout: number;
  read_timeout: number;
  idle_timeout: number;
  max_connections: number;
}

/** Problems Node's http.Server would throw on, as [key, message]. */
export function connectionIssues(c: ConnectionLimits): [string, string][] {
  if (c.read_timeout > 0 && c.read_header_timeout > c.read_timeout) return [['read_header_timeout', `(${c.read_header_timeout} ms) must not exceed read_timeout (${c.read_timeout} ms)`]];
  return [];
}
