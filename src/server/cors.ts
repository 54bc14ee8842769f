/**
 * CORS for OTLP/HTTP, so that browser SDKs can post from a web page: the Collector's
 * `cors: { allowed_origins, allowed_headers, max_age }`, served by hono's cors middleware.
 * Origins may hold one `*` wildcard (`https://*.example.com`); a lone `*` allows any origin.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { z } from 'zod';
import type { corsSchema } from '../util/cors-schema.js';

export type CorsConfig = NonNullable<z.infer<typeof corsSchema>>;

function originMatcher(patterns: readonly string[]): (origin: string) => string | null {
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*')}$`, 'i'));
  return (origin) => (origin && res.some((r) => r.test(origin)) ? origin : null);
}

export function corsMiddleware(c: CorsConfig): MiddlewareHandler {
  return cors({
    origin: originMatcher(c.allowed_origins),
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Content-Encoding', ...c.allowed_headers],
    ...(c.max_age !== undefined ? { maxAge: c.max_age } : {}),
  });
}
