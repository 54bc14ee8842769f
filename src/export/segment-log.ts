import * as zlib from 'node:zlib';
import type { Signal } from '../model/telemetry.js';

/**
 * On-disk record format of the persistent queue's segment files.
 *
 *   offset 0  magic   4 bytes  F5 FF 53 51  (resync point after corruption)
 *          4  crc32   u32 LE   over bytes [8, 12 + length)
 *          8  length  u32 LE   of the body
 *         12  body    `length` bytes
 *
 * Entry body: type=1 u8 | signal u8 | seq u64 LE | items u64 LE | bytes u64 LE | payload (UTF-8
 * serializeTelemetry text). Ack body: type=2 u8 | count u32 LE | count × seq u64 LE.
 *
 * The magic starts with 0xF5 0xFF, bytes that never occur in well-formed UTF-8, and JSON.stringify
 * always produces well-formed text, so a payload can never fake a record header; after a bad
 * record the reader scans for the next magic and carries on.
 */
export const MAGIC = Buffer.from([0xf5, 0xff, 0x53, 0x51]);
export const HEADER_BYTES = 12;
const ENTRY_FIXED = 1 + 1 + 8 + 8 + 8;
/** Longer bodies are treated as a corrupt length field rather than trusted for a huge read. */
export const MAX_BODY_BYTES = 1 << 30;

export const RecordType = { ENTRY: 1, ACK: 2 } as const;

const SIGNAL_CODES: Record<Signal, number> = { traces: 0, metrics: 1, logs: 2 };
const SIGNALS_BY_CODE: readonly Signal[] = ['traces', 'metrics', 'logs'];

export function crc32(data: Uint8Array, seed = 0): number {
  return crc32Impl(data, seed);
}

// zlib.crc32 exists from Node 20.15 / 22.2; the table keeps older runtimes working.
const crc32Impl: (data: Uint8Array, seed: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d, s) => zlib.crc32(d, s) >>> 0 : tableCrc32;

let table: Uint32Array | undefined;
export function tableCrc32(data: Uint8Array, seed = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~seed >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Fills in magic, length and checksum of a record whose body is already in place. */
function seal(out: Buffer): Buffer {
  MAGIC.copy(out, 0);
  out.writeUInt32LE(out.length - HEADER_BYTES, 8);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

export interface EntryFields {
  seq: number;
  signal: Signal;
  items: number;
  bytes: number;
}

export function encodeEntry(f: EntryFields, payload: string): Buffer {
  // The payload is encoded straight into the record: batches can be megabytes, so no extra copy.
  const text = Buffer.byteLength(payload, 'utf8');
  const out = Buffer.allocUnsafe(HEADER_BYTES + ENTRY_FIXED + text);
  const b = HEADER_BYTES;
  out.writeUInt8(RecordType.ENTRY, b);
  out.writeUInt8(SIGNAL_CODES[f.signal], b + 1);
  out.writeBigUInt64LE(BigInt(f.seq), b + 2);
  out.writeBigUInt64LE(BigInt(f.items), b + 10);
  out.writeBigUInt64LE(BigInt(f.bytes), b + 18);
  out.write(payload, b + ENTRY_FIXED, text, 'utf8');
  return seal(out);
}

export function encodeAck(seqs: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 1 + 4 + 8 * seqs.length);
  const b = HEADER_BYTES;
  out.writeUInt8(RecordType.ACK, b);
  out.writeUInt32LE(seqs.length, b + 1);
  for (let i = 0; i < seqs.length; i++) out.writeBigUInt64LE(BigInt(seqs[i]!), b + 5 + 8 * i);
  return seal(out);
}

export type SegmentRecord =
  | (EntryFields & { type: 'entry'; payload: Buffer })
  | { type: 'ack'; seqs: number[] };

export interface ScanResult {
  records: SegmentRecord[];
  /** Damaged regions skipped (each contiguous run of bad bytes counts once). */
  corrupt: number;
}

/**
 * Reads every valid record of a segment. A bad checksum, an impossible length or a short tail is
 * skipped and counted, never fatal: what a crash or a flipped bit destroyed is lost, the rest of
 * the segment still replays.
 */
export function scanSegment(buf: Buffer): ScanResult {
  const records: SegmentRecord[] = [];
  let corrupt = 0;
  let inBadRegion = false;
  let p = 0;
  const bad = (): void => {
    if (!inBadRegion) corrupt++;
    inBadRegion = true;
    const next = buf.indexOf(MAGIC, p + 1);
    p = next < 0 ? buf.length : next;
  };
  while (p < buf.length) {
    if (buf.length - p < HEADER_BYTES || !buf.subarray(p, p + 4).equals(MAGIC)) {
      bad();
      continue;
    }
    const len = buf.readUInt32LE(p + 8);
    const end = p + HEADER_BYTES + len;
    if (len < 1 || len > MAX_BODY_BYTES || end > buf.length || crc32(buf.subarray(p + 8, end)) !== buf.readUInt32LE(p + 4)) {
      bad();
      continue;
    }
    const rec = decodeBody(buf.subarray(p + HEADER_BYTES, end));
    if (rec === 'invalid') {
      bad();
      continue;
    }
    inBadRegion = false;
    if (rec) records.push(rec);
    p = end;
  }
  return { records, corrupt };
}

/** undefined: a well-formed record of a type this version does not know (skipped, not corrupt). */
function decodeBody(body: Buffer): SegmentRecord | undefined | 'invalid' {
  const type = body.readUInt8(0);
  if (type === RecordType.ENTRY) {
    if (body.length < ENTRY_FIXED) return 'invalid';
    const signal = SIGNALS_BY_CODE[body.readUInt8(1)];
    if (!signal) return 'invalid';
    return {
      type: 'entry',
      signal,
      seq: Number(body.readBigUInt64LE(2)),
      items: Number(body.readBigUInt64LE(10)),
      bytes: Number(body.readBigUInt64LE(18)),
      payload: body.subarray(ENTRY_FIXED),
    };
  }
  if (type === RecordType.ACK) {
    if (body.length < 5) return 'invalid';
    const n = body.readUInt32LE(1);
    if (body.length !== 5 + 8 * n) return 'invalid';
    const seqs: number[] = new Array(n);
    for (let i = 0; i < n; i++) seqs[i] = Number(body.readBigUInt64LE(5 + 8 * i));
    return { type: 'ack', seqs };
  }
  return undefined;
}
