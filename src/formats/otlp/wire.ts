/**
 * Conversions between protobufjs' wire values and the model's: 64-bit integers arrive as
 * `Long` objects (or plain numbers) and the model keeps them as `bigint`; ids are bytes on the
 * wire and lowercase hex text in the model.
 */

/** What protobufjs hands back for a 64-bit field: a Long when the `long` package is present. */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

const TWO32 = 4294967296;

/** An unsigned 64-bit wire value (fixed64, uint64) as bigint. */
export function u64(v: LongLike | number | null | undefined): bigint {
  if (v == null) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const lo = v.low >>> 0;
  const hi = v.high >>> 0;
  if (hi === 0) return BigInt(lo);
  // Below 2^53 the float path is exact and much cheaper than bigint shifts.
  if (hi < 0x200000) return BigInt(hi * TWO32 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A signed 64-bit wire value (int64, sfixed64) as bigint. */
export function i64(v: LongLike | number | null | undefined): bigint {
  if (v == null) return 0n;
  if (typeof v === 'number') return BigInt(v);
  if (v.high === 0 && v.low >= 0) return BigInt(v.low);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}

/** An unsigned 64-bit count as a JS number (counts beyond 2^53 lose precision, as in every JS SDK). */
export function u64Number(v: LongLike | number | null | undefined): number {
  if (v == null) return 0;
  if (typeof v === 'number') return v;
  return (v.high >>> 0) * TWO32 + (v.low >>> 0);
}

/**
 * A bigint as the `{low, high}` pair protobufjs' Writer accepts for 64-bit fields. Negative values
 * wrap to their two's complement, which is what int64/sfixed64 put on the wire.
 */
export function longOf(v: bigint): LongLike {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false };
}

/** A non-negative JS number (a count) as a Writer-ready 64-bit value. */
export function longOfNumber(n: number): LongLike | number {
  // Writer handles safe integers itself; anything else (fractions, huge) goes through bigint.
  if (Number.isSafeInteger(n) && n >= 0) return n;
  return longOf(BigInt(Math.max(0, Math.trunc(Number.isFinite(n) ? n : 0))));
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Bytes as lowercase hex, without going through Buffer (ids are short; this is the hot path). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function isLowerHex(s: string, len: number): boolean {
  if (s.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function isAllZeroHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Strict-enough base64 (standard or URL alphabet, padding optional); undefined when not base64. */
export function fromBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'));
}
