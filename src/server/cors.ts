/**
 * CORS for OTLP/HTTP, so that browser SDKs can post from a web page: the Collector's
 * `cors: { allowed_origins, allowed_headers, max_age }`, served by hono's cors middleware.
 * Origins may hold one `*` wildcard (`https://*.example.com`); a lone `*` allows any origin.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';

export const corsSchema = z
  .strictObject({
    allowed_origins: z.array(z.string().min(1)).min(1, 'name at least one origin (or "*")'),
    /** Request headers allowed besides Content-Type and Content-Encoding, which OTLP needs. */
    allowed_headers: z.array(z.string().min(1)).default([]),
    /** Seconds a browser may cache the preflight answer. */
    max_age: z.number().int().min(0).optional(),
  })
  .optional();

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
