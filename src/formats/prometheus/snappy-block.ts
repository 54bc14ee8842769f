/**
 * A strict decoder for the snappy block format. snappyjs loops forever on some malformed blocks
 * (found by a property test: 300 random bytes hung the event loop), so decoding untrusted bodies
 * uses this one: every element is bounds-checked, every copy must point back into what was
 * written, and the output must be exactly the declared length.
 */
export class SnappyError extends Error {}

export function snappyUncompress(src: Uint8Array, declared: number, headerBytes: number): Uint8Array {
  const out = new Uint8Array(declared);
  let ip = headerBytes;
  let op = 0;
  const n = src.length;
  while (ip < n) {
    const tag = src[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60; // 1..4 little-endian length bytes follow
        if (ip + extra > n) throw new SnappyError('literal length runs past the end');
        len = 0;
        for (let i = 0; i < extra; i++) len += src[ip + i]! * 2 ** (8 * i);
        len += 1;
        ip += extra;
      }
      if (ip + len > n) throw new SnappyError('literal runs past the end of the input');
      if (op + len > declared) throw new SnappyError('output is longer than declared');
      // Short literals by hand: a subarray per literal costs more than the copy.
      if (len < 32) for (let i = 0; i < len; i++) out[op + i] = src[ip + i]!;
      else out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip + 1 > n) throw new SnappyError('copy runs past the end of the input');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip]!;
      ip += 1;
    } else if (kind === 2) {
      if (ip + 2 > n) throw new SnappyError('copy runs past the end of the input');
      len = (tag >>> 2) + 1;
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ip + 4 > n) throw new SnappyError('copy runs past the end of the input');
      len = (tag >>> 2) + 1;
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16)) + src[ip + 3]! * 2 ** 24;
      ip += 4;
    }
    if (offset === 0 || offset > op) throw new SnappyError(`copy offset ${offset} points outside the output`);
    if (op + len > declared) throw new SnappyError('output is longer than declared');
    // Overlapping copies (offset < len) repeat a pattern, so those go byte by byte.
    if (offset >= len && len > 16) {
      out.copyWithin(op, op - offset, op - offset + len);
      op += len;
    } else {
      for (let i = 0; i < len; i++, op++) out[op] = out[op - offset]!;
    }
  }
  if (op !== declared) throw new SnappyError(`output is ${op} bytes, the header declared ${declared}`);
  return out;
}
