import { z } from 'zod';

/** The Collector's OTLP/HTTP `cors` keys (served by src/server/cors.ts). */
export const corsSchema = z
  .strictObject({
    allowed_origins: z.array(z.string().min(1)).min(1, 'name at least one origin (or "*")'),
    /** Request headers allowed besides Content-Type and Content-Encoding, which OTLP needs. */
    allowed_headers: z.array(z.string().min(1)).default([]),
    /** Seconds a browser may cache the preflight answer. */
    max_age: z.number().int().min(0).optional(),
  })
  .optional();
