import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { OutboundRequest } from '../formats/types.js';
import { zstdCompress } from '../util/zstd.js';

const gzipAsync = promisify(gzip);

/**
 * The bytes that go on the wire for a request: compressed as it asks, gzip in zlib's thread pool
 * so a multi-megabyte gzip never stalls the event loop (and with it every receiver's latency);
 * zstd in wasm on the event loop (about 3× faster than gzip level 6 on OTLP bodies).
 */
export async function wireBody(req: OutboundRequest): Promise<Uint8Array | string> {
  if (req.contentEncoding === 'zstd') return zstdCompress(typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body, req.compressionLevel);
  if (req.contentEncoding !== 'gzip') return req.body;
  return gzipAsync(typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body, { level: req.compressionLevel ?? 6 });
}

/** The same, synchronously: for tests and offline tools that post an encoder's output themselves. */
export function wireBodySync(req: OutboundRequest): Uint8Array | string {
  if (req.contentEncoding === 'zstd') throw new Error('wireBodySync does gzip only; zstd bodies go through wireBody');
  if (req.contentEncoding !== 'gzip') return req.body;
  return gzipSync(typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body, { level: req.compressionLevel ?? 6 });
}
