import type { Server } from 'node:http';
import { z } from 'zod';
import { connectionShape, type ConnectionLimits } from '../util/connection-schema.js';

/** What the telemetry listener uses: the receivers' defaults. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = z.object(connectionShape).parse({});

/** Receivers that share a listener share its connections: the strictest setting of each wins. */
export function strictest(a: ConnectionLimits, b: ConnectionLimits): ConnectionLimits {
  const min = (x: number, y: number) => (x === 0 ? y : y === 0 ? x : Math.min(x, y));
  return {
    read_header_timeout: min(a.read_header_timeout, b.read_header_timeout),
    read_timeout: min(a.read_timeout, b.read_timeout),
    idle_timeout: min(a.idle_timeout, b.idle_timeout),
    max_connections: min(a.max_connections, b.max_connections),
  };
}

/**
 * Node's names for the same limits, as http(s).createServer options. Node checks header and
 * request deadlines on a sweep (every 30 s by default), so the sweep runs often enough for the
 * shortest deadline to mean what it says.
 */
export function serverOptionsOf(l: ConnectionLimits) {
  const shortest = Math.min(...[l.read_header_timeout, l.read_timeout].filter((t) => t > 0));
  return {
    headersTimeout: l.read_header_timeout,
    requestTimeout: l.read_timeout,
    keepAliveTimeout: l.idle_timeout,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))),
  };
}

export function applyConnectionLimits(server: Server, l: ConnectionLimits): void {
  if (l.max_connections > 0) server.maxConnections = l.max_connections;
}
