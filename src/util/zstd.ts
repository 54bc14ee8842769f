/**
 * zstd for request bodies in (receivers) and out (exporters). Node 20's zlib has none, so:
 * - @bokuweb/zstd-wasm (zstd itself compiled to wasm, shipped inside the package) compresses and
 *   does the fast decode, used when the frame header declares a content size within the limit:
 *   its output buffer is then exactly that size, so nothing can inflate past it;
 * - fzstd (pure JS, streaming) decodes the rest (no declared size, several frames) block by block,
 *   stopping as soon as the output passes the limit, so a zstd bomb costs at most the limit.
 * Measured on a 1.0 MB OTLP body (bench/zstd-decode.mjs, shared 2-core machine): wasm 7.2 ms,
 * fzstd streaming 12.1 ms, zlib gunzip of the same body 28.1 ms.
 */
import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { Decompress } from 'fzstd';

const MAGIC = 0xfd2fb528;
let ready: Promise<void> | undefined;

/** The wasm module loads once, on the first zstd body. */
function wasm(): Promise<void> {
  return (ready ??= init());
}

export class DecompressedTooLarge extends Error {}

/** Content size declared by the first frame's header; undefined when absent or not a zstd frame. */
export function declaredContentSize(b: Uint8Array): number | undefined {
  if (b.length < 6 || new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true) !== MAGIC) return undefined;
  const fhd = b[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictIdBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  if (b.length < at + fcsBytes) return undefined;
  const v = new DataView(b.buffer, b.byteOffset + at, fcsBytes);
  switch (fcsBytes) {
    case 1: return v.getUint8(0);
    case 2: return v.getUint16(0, true) + 256;
    case 4: return v.getUint32(0, true);
    default: return Number(v.getBigUint64(0, true));
  }
}

/** Decodes a zstd body; throws DecompressedTooLarge past `maxOut` bytes, Error when invalid. */
export async function zstdDecompress(body: Uint8Array, maxOut: number): Promise<Buffer> {
  const declared = declaredContentSize(body);
  if (declared !== undefined && declared > maxOut) throw new DecompressedTooLarge(`declares ${declared} bytes`);
  if (declared !== undefined) {
    await wasm();
    try {
      const out = decompress(body);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } catch {
      /* more than one frame, or invalid: the streaming decoder decides which */
    }
  }
  return streamingDecompress(body, maxOut);
}

function streamingDecompress(body: Uint8Array, maxOut: number): Buffer {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const d = new Decompress((chunk) => {
    size += chunk.length;
    if (size > maxOut) throw new DecompressedTooLarge(`over ${maxOut} bytes`);
    chunks.push(chunk);
  });
  d.push(body, true);
  return Buffer.concat(chunks, size);
}

/** zstd at `level` (default 3, zstd's own default). */
export async function zstdCompress(body: Uint8Array, level = 3): Promise<Uint8Array> {
  await wasm();
  return compress(body, level);
}
