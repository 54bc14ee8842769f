import snappy from 'snappyjs';
import { InputError } from '../errors.js';
import { protobuf } from './proto.js';
import { snappyUncompress } from './snappy-block.js';

/**
 * Low-level remote-write helpers: snappy block format, protobuf varint/fixed64 details and the
 * stale-marker bit pattern, which JavaScript numbers cannot be trusted to keep (V8 may canonicalise
 * NaN payloads), so it is detected on and written to the raw bytes.
 */

/** Largest decompressed remote-write body accepted (Prometheus sends ~ a few MB at most). */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export type Reader = protobuf.Reader;
export const Reader = protobuf.Reader;
export const Writer = protobuf.Writer;

/** Decodes a snappy *block* (not framed) body, refusing anything that is not one. */
export function snappyDecode(body: Uint8Array, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  // The block format starts with the uncompressed length as a varint; check it before allocating.
  const header = declaredLength(body);
  if (header === undefined) throw new InputError('', 'body is not snappy-compressed (block format expected)');
  const [declared, headerBytes] = header;
  if (declared > maxBytes) {
    throw new InputError('', `decompressed body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`, 'too_large');
  }
  // The output buffer is allocated at the declared size, so a 4-byte body declaring 64 MiB would
  // cost 64 MiB. No snappy element expands more than 64/3 times (a 3-byte copy of 64 bytes):
  // a larger declaration is a lie, refused before allocating.
  if (declared > Math.ceil(((body.length - headerBytes) * 64) / 3)) {
    throw new InputError('', `body is not valid snappy: it declares ${declared} bytes, more than its ${body.length} bytes can expand to`);
  }
  // The framed format's stream identifier chunk starts with 0xff "sNaPpY": a common sender mistake.
  if (body.length >= 10 && body[0] === 0xff && Buffer.from(body.subarray(4, 10)).toString('latin1') === 'sNaPpY') {
    throw new InputError('', 'body uses the snappy framed format; remote-write requires the block format');
  }
  try {
    return snappyUncompress(body, declared, headerBytes);
  } catch (e) {
    throw new InputError('', `body is not valid snappy: ${(e as Error).message}`);
  }
}

/** The block's declared uncompressed length and the bytes its varint takes. */
function declaredLength(b: Uint8Array): [number, number] | undefined {
  let result = 0;
  for (let i = 0, shift = 0; i < b.length && i < 5; i++, shift += 7) {
    const c = b[i]!;
    result += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [result, i + 1];
  }
  return undefined;
}

export function snappyEncode(bytes: Uint8Array): Uint8Array {
  return snappy.compress(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Little-endian bytes of the stale marker 0x7ff0000000000002. */
const STALE_LO = 0x00000002;
const STALE_HI = 0x7ff00000;

/** True when the 8 bytes at `pos` are exactly the Prometheus stale-marker NaN. */
export function isStaleAt(buf: Uint8Array, pos: number): boolean {
  if (pos + 8 > buf.length) return false;
  const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
  const hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
  return lo === STALE_LO && hi === STALE_HI;
}

/** Writes a double field, with the exact stale bit pattern when `stale`. */
export function writeDouble(w: protobuf.Writer, field: number, value: number, stale = false): void {
  w.uint32((field << 3) | 1);
  if (stale) w.fixed32(STALE_LO).fixed32(STALE_HI);
  else w.double(value);
}

/** protobufjs gives int64 as a Long (when the long package is present) or a number. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string') return BigInt(v);
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean };
    const bits = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
    return l.unsigned ? bits : BigInt.asIntN(64, bits);
  }
  return 0n;
}

export function toNum(v: unknown): number {
  return typeof v === 'number' ? v : Number(toBigInt(v));
}

/** Reads the length of an embedded message and checks it fits, returning its end offset. */
export function subEnd(r: protobuf.Reader, what: string): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new InputError('', `body is not a valid protobuf message: ${what} is truncated`);
  return end;
}

/** Skips a field of a known message whose wire type is not the declared one, or an unknown field. */
export function skipField(r: protobuf.Reader, tag: number): void {
  r.skipType(tag & 7, 0, tag >>> 3);
}

/** Runs a protobuf decode, turning the reader's range and wire-type errors into an InputError. */
export function guardDecode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('', `body is not a valid ${what} protobuf message: ${(e as Error).message}`);
  }
}
