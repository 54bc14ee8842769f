import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { InputError } from '../formats/errors.js';
import { DecompressedTooLarge, zstdDecompress } from '../util/zstd.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const brotliAsync = promisify(brotliDecompress);

export interface BodyLimits {
  maxBytes: number;
  maxDecompressedBytes: number;
}

/**
 * Reads a request body, chunked or not, stopping as soon as it passes the limit: a client that
 * sends no Content-Length cannot make us buffer more than `maxBytes`.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    req.resume();
    return Promise.reject(new InputError('', `request body of ${declared} bytes is over the limit of ${limits.maxBytes} bytes`, 'too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    // Events rather than for-await: leaving a for-await loop destroys the socket, and the client
    // would see a reset instead of our 413. Past the limit the rest is read and discarded.
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limits.maxBytes) {
        over = true;
        chunks.length = 0;
        reject(new InputError('', `request body is over the limit of ${limits.maxBytes} bytes`, 'too_large'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', (e) => reject(new InputError('', `request body could not be read: ${e.message}`)));
  });
}

/**
 * Undoes Content-Encoding off the event loop's critical path (zlib runs in the thread pool), with
 * an output cap so that a gzip or zstd bomb is refused, not inflated. Snappy is left to the formats that
 * use it (remote-write), since its framing is part of their protocol.
 */
export async function decodeContent(body: Buffer, encoding: string | undefined, maxOut: number): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity' || enc === 'snappy') return body;
  try {
    switch (enc) {
      case 'gzip':
      case 'x-gzip':
        return await gunzipAsync(body, { maxOutputLength: maxOut });
      case 'deflate':
        return await inflateAsync(body, { maxOutputLength: maxOut });
      case 'br':
        return await brotliAsync(body, { maxOutputLength: maxOut });
      case 'zstd':
        return await zstdDecompress(body, maxOut);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError || err instanceof DecompressedTooLarge) {
      throw new InputError('Content-Encoding', `decompressed body is over the limit of ${maxOut} bytes`, 'too_large');
    }
    throw new InputError('Content-Encoding', `body is not valid ${enc}: ${err.message}`);
  }
  throw new InputError('Content-Encoding', `Content-Encoding "${enc}" is not supported (use gzip, deflate, zstd or none)`, 'unsupported_media_type');
}
