import { z } from 'zod';
import { parseDuration } from './duration.js';
import { parseByteSize } from './size.js';

/** A duration: `200ms`, `5s`, `1m`, or a number of milliseconds. Parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (examples: 200ms, 5s, 1m)` });
    return z.NEVER;
  }
  return ms;
});

/** A byte size: `5MiB`, `1MB`, or a number of bytes. */
export const byteSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a byte size (examples: 4096, 5MiB, 1MB)` });
    return z.NEVER;
  }
  return n;
});

/** `host:port`, as the Collector writes endpoints. */
export const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]*):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:4318');

export const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL, e.g. http://127.0.0.1:4000');
