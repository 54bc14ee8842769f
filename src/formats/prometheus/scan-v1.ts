import { isUtf8 } from 'node:buffer';
import { DEFAULT_STRUCTURE_LIMITS } from '../decode-budget.js';
import type { DecodeLimits } from '../types.js';
import { TARGET_INFO } from './resource.js';

/**
 * A one-pass check of a remote-write 1.0 WriteRequest that builds nothing: whether the request
 * is *plain* (only counters and gauges, every series valid), answered with its sample count.
 * A plain request maps onto the model one sample to one point with no rejections, so its bytes
 * may stand for the model (see model/wire-original.ts).
 *
 * Anything else answers undefined and takes the full decoder, which alone names what is wrong:
 * - a series that breaks the label rules, or has an empty label value;
 * - exemplars, native or classic histograms, summaries, `target_info` or metadata;
 * - samples out of time order, or times outside 1970–2262;
 * - names outside the classic character set, which the exporter would rewrite (the set is ASCII,
 *   so byte order is string order);
 * - unknown fields, or a structure limit reached.
 */
/** Latest sample time the model (int64 nanoseconds) holds, in milliseconds. */
const MAX_MS = 9_223_372_036_854;

export function scanPlainWriteRequest(buf: Uint8Array, limits: DecodeLimits): number | undefined {
  const s = new Scanner(buf);
  const maxContainers = limits.maxContainers ?? DEFAULT_STRUCTURE_LIMITS.maxContainers;
  const maxArray = Math.max(limits.maxArrayLength ?? DEFAULT_STRUCTURE_LIMITS.maxArrayLength, limits.maxItems);
  let series = 0;
  let samples = 0;
  let containers = 0;
  while (s.pos < s.len) {
    const tag = s.varint();
    if (tag === 0x0a) {
      const end = s.lengthEnd();
      if (end < 0 || ++series > limits.maxItems) return undefined;
      const n = scanSeries(s, end, maxArray);
      if (n < 0) return undefined;
      samples += n;
      containers += 1 + s.elements;
      if (containers > maxContainers) return undefined;
    } else {
      // Metadata too: it retypes series (a COUNTER named without `_total` gains the suffix on
      // the way out). Prometheus sends it in requests of its own, so sample requests stay plain.
      return undefined;
    }
  }
  return s.pos === s.len ? samples : undefined;
}

/** Samples of one series, or -1 when it is not plain. Leaves `s.elements` = labels + samples. */
function scanSeries(s: Scanner, end: number, maxArray: number): number {
  let samples = 0;
  let labels = 0;
  let prevStart = -1;
  let prevLen = 0;
  let named = false;
  let lastMs = 0;
  while (s.pos < end) {
    const tag = s.varint();
    if (tag === 0x0a) {
      const le = s.lengthEnd();
      if (le < 0 || le > end) return -1;
      // Label: name (1) then value (2), each once, as every sender writes them.
      if (s.varint() !== 0x0a) return -1;
      const nEnd = s.lengthEnd();
      const nStart = s.pos;
      if (nEnd < 0 || nEnd > le || nEnd === nStart) return -1;
      if (!classicLabelName(s.buf, nStart, nEnd)) return -1;
      s.pos = nEnd;
      if (s.pos >= le || s.varint() !== 0x12) return -1;
      const vEnd = s.lengthEnd();
      const vStart = s.pos;
      if (vEnd !== le || vEnd === vStart || !utf8(s.buf, vStart, vEnd)) return -1;
      if (prevStart >= 0 && compare(s.buf, prevStart, prevLen, nStart, nEnd - nStart) >= 0) return -1;
      const nameLen = nEnd - nStart;
      if (isWord(s.buf, nStart, nameLen, '__name__')) {
        named = true;
        if (!classicMetricName(s.buf, vStart, vEnd) || !plainMetricName(s.buf, vStart, vEnd)) return -1;
      } else if (isWord(s.buf, nStart, nameLen, 'le') || isWord(s.buf, nStart, nameLen, 'quantile')) {
        return -1;
      }
      prevStart = nStart;
      prevLen = nameLen;
      s.pos = le;
      labels++;
    } else if (tag === 0x12) {
      const se = s.lengthEnd();
      if (se < 0 || se > end) return -1;
      // Sample: value (fixed64) and timestamp (varint), either left out when zero, nothing else;
      // in time order, as senders write them (the exporter would sort them otherwise).
      let ms = 0;
      while (s.pos < se) {
        const t = s.buf[s.pos++];
        if (t === 0x09) {
          if (s.pos + 8 > se) return -1;
          s.pos += 8;
        } else if (t === 0x10) {
          ms = s.varint();
          if (ms < 0 || ms > MAX_MS) return -1;
        } else {
          return -1;
        }
      }
      if (s.pos !== se || ms < lastMs) return -1;
      lastMs = ms;
      samples++;
    } else {
      return -1;
    }
    if (labels + samples > maxArray) return -1;
  }
  s.elements = labels + samples;
  return named && s.pos === end ? samples : -1;
}

/** Names the full decoder maps other than one sample to one point. */
function plainMetricName(b: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  const endsWith = (suffix: string) => n >= suffix.length && isWord(b, end - suffix.length, suffix.length, suffix);
  return !endsWith('_sum') && !endsWith('_count') && !endsWith('_bucket') && !(n === TARGET_INFO.length && isWord(b, start, n, TARGET_INFO));
}

/**
 * Names the OpenTelemetry → Prometheus rules keep as they are ([a-zA-Z_][a-zA-Z0-9_]*, not
 * `__`-prefixed but for `__name__`): the exporter writes such a series back unchanged.
 */
function classicLabelName(b: Uint8Array, start: number, end: number): boolean {
  if (b[start] === 0x5f && b[start + 1] === 0x5f) return isWord(b, start, end - start, '__name__');
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!(isLetter(c) || c === 0x5f || (i > start && isDigit(c)))) return false;
  }
  return true;
}

/** [a-zA-Z_:][a-zA-Z0-9_:]* */
function classicMetricName(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!(isLetter(c) || c === 0x5f || c === 0x3a || (i > start && isDigit(c)))) return false;
  }
  return true;
}

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function utf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return isUtf8(b.subarray(start, end));
  return true;
}

function isWord(b: Uint8Array, start: number, len: number, word: string): boolean {
  if (len !== word.length) return false;
  for (let i = 0; i < len; i++) if (b[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Byte order of two ASCII names (the order of their JavaScript strings too). */
function compare(b: Uint8Array, a0: number, aLen: number, b0: number, bLen: number): number {
  const n = Math.min(aLen, bLen);
  for (let i = 0; i < n; i++) {
    const d = b[a0 + i]! - b[b0 + i]!;
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

class Scanner {
  pos = 0;
  readonly len: number;
  elements = 0;
  constructor(readonly buf: Uint8Array) {
    this.len = buf.length;
  }

  /** A varint up to 2^56; -1 when truncated or longer (negative int64s take ten bytes). */
  varint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.len) return -1;
    let c = b[p++]!;
    if (c < 0x80) {
      this.pos = p;
      return c;
    }
    let result = c & 0x7f;
    for (let mul = 0x80, i = 1; i < 8; i++, mul *= 0x80) {
      if (p >= this.len) return -1;
      c = b[p++]!;
      result += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return result;
      }
    }
    return -1;
  }

  /** Reads a length and returns where the field ends; -1 when it overruns the buffer. */
  lengthEnd(): number {
    const n = this.varint();
    if (n < 0) return -1;
    const end = this.pos + n;
    return end > this.len ? -1 : end;
  }
}

/**
 * One series of a plain request as byte ranges of the request (valid until the next series):
 * label i is name [labelAt[4i], labelAt[4i+1]) and value [labelAt[4i+2], labelAt[4i+3]).
 */
export interface PlainSeries {
  readonly bytes: Uint8Array;
  labels: number;
  labelAt: Int32Array;
  samples: number;
  sampleValues: Float64Array;
  /** Sample times in milliseconds since 1970 (0 when the sender left the field out). */
  sampleMs: Float64Array;
  /**
   * The bytes of all the series' labels, [labelsStart, labelsEnd), when they come before its
   * samples (as every sender writes them); labelsEnd is -1 otherwise. Equal bytes, equal labels.
   */
  labelsStart: number;
  labelsEnd: number;
}

/**
 * Reads the series of bytes `scanPlainWriteRequest` accepted, one at a time into the same typed
 * arrays, so that an encoder can write its output straight from the request's bytes: no string
 * per label, no object per sample.
 */
export function forEachPlainSeries(buf: Uint8Array, visit: (s: PlainSeries) => void): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const s = new Scanner(buf);
  const out: PlainSeries = { bytes: buf, labels: 0, labelAt: new Int32Array(64), samples: 0, sampleValues: new Float64Array(16), sampleMs: new Float64Array(16), labelsStart: 0, labelsEnd: 0 };
  while (s.pos < s.len) {
    s.varint(); // timeseries (plain requests hold nothing else)
    const end = s.lengthEnd();
    out.labels = 0;
    out.samples = 0;
    out.labelsStart = s.pos;
    out.labelsEnd = end;
    while (s.pos < end) {
      const fieldStart = s.pos;
      const tag = s.varint();
      const fieldEnd = s.lengthEnd();
      if (tag !== 0x0a && out.samples === 0) out.labelsEnd = fieldStart;
      else if (tag === 0x0a && out.samples > 0) out.labelsEnd = -1;
      if (tag === 0x0a) {
        if ((out.labels + 1) * 4 > out.labelAt.length) out.labelAt = grow(out.labelAt);
        const at = out.labels++ * 4;
        s.varint();
        out.labelAt[at + 1] = s.lengthEnd();
        out.labelAt[at] = s.pos;
        s.pos = out.labelAt[at + 1]!;
        s.varint();
        out.labelAt[at + 3] = s.lengthEnd();
        out.labelAt[at + 2] = s.pos;
      } else {
        let value = 0;
        let ms = 0;
        while (s.pos < fieldEnd) {
          if (buf[s.pos++] === 0x09) {
            value = view.getFloat64(s.pos, true);
            s.pos += 8;
          } else {
            ms = s.varint();
          }
        }
        if (out.samples === out.sampleValues.length) {
          out.sampleValues = grow(out.sampleValues);
          out.sampleMs = grow(out.sampleMs);
        }
        out.sampleValues[out.samples] = value;
        out.sampleMs[out.samples++] = ms;
      }
      s.pos = fieldEnd;
    }
    visit(out);
  }
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** Whether bytes [start, end) are `word` (ASCII). */
export function bytesAre(b: Uint8Array, start: number, end: number, word: string): boolean {
  return isWord(b, start, end - start, word);
}
