/**
 * Per-item content truncation, with one marker for every exporter. A JSON value larger
 * than a byte budget keeps its structure: its longest strings are cut ("water-filling") and end
 * with a visible marker, so a chat transcript stays valid JSON with every message present.
 * Only when the structure alone exceeds the budget does the value become a string preview.
 */
import { setOwn } from '../../model/attributes.js';

export const TRUNCATION_MARKER_PREFIX = '…[truncated by switchyard: ';

export function truncationMarker(omittedBytes: number): string {
  return `${TRUNCATION_MARKER_PREFIX}${omittedBytes} bytes omitted]`;
}

/** UTF-8 size of the JSON text of a value. */
export function jsonBytes(v: unknown): number {
  const s = JSON.stringify(v);
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function cutUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (s.length <= maxBytes / 3) return s;
  let len = Buffer.byteLength(s, 'utf8');
  if (len <= maxBytes) return s;
  let cut = s.slice(0, maxBytes);
  len = Buffer.byteLength(cut, 'utf8');
  while (len > maxBytes) {
    cut = cut.slice(0, cut.length - Math.max(1, Math.floor((len - maxBytes) / 4)));
    len = Buffer.byteLength(cut, 'utf8');
  }
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** Cuts a string to a byte budget, appending the marker when anything was removed. */
export function truncateString(s: string, maxBytes: number): { value: string; truncated: boolean } {
  const len = Buffer.byteLength(s, 'utf8');
  if (len <= maxBytes) return { value: s, truncated: false };
  const room = Math.max(0, maxBytes - 64);
  const kept = cutUtf8(s, room);
  return { value: kept + truncationMarker(len - Buffer.byteLength(kept, 'utf8')), truncated: true };
}

export interface TruncateResult {
  value: unknown;
  truncated: boolean;
}

/**
 * Returns `value` unchanged when its JSON is within `maxBytes`, else a truncated copy (the input
 * is never mutated).
 */
export function truncateJson(value: unknown, maxBytes: number): TruncateResult {
  const size = jsonBytes(value);
  if (size <= maxBytes) return { value, truncated: false };
  if (typeof value === 'string') return truncateString(value, Math.max(0, maxBytes - 2));

  const lengths: number[] = [];
  collectStringLengths(value, lengths);
  lengths.sort((a, b) => b - a);
  const markerLen = truncationMarker(1e9).length + 8;
  let excess = size - maxBytes;
  for (let attempt = 0; attempt < 8 && lengths.length > 0; attempt++) {
    const cap = capFor(lengths, excess, markerLen);
    if (cap < 0) break;
    const out = applyCap(value, cap);
    const newSize = jsonBytes(out);
    if (newSize <= maxBytes) return { value: out, truncated: true };
    excess += newSize - maxBytes; // JSON escaping made strings longer than their raw bytes
  }
  // The structure alone is too large: send a preview of the JSON text instead.
  const text = JSON.stringify(value) ?? '';
  return truncateString(text, Math.max(0, maxBytes - 2 - Math.ceil(maxBytes / 8)));
}

/** Largest per-string cap whose cuts remove at least `excess` bytes; -1 when none can. */
function capFor(sortedDesc: number[], excess: number, markerLen: number): number {
  const reduction = (cap: number): number => {
    let r = 0;
    for (const L of sortedDesc) {
      if (L <= cap + markerLen) break;
      r += L - cap - markerLen;
    }
    return r;
  };
  if (reduction(0) < excess) return -1;
  let lo = 0;
  let hi = sortedDesc[0]!;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (reduction(mid) >= excess) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function collectStringLengths(v: unknown, out: number[]): void {
  if (typeof v === 'string') out.push(Buffer.byteLength(v, 'utf8'));
  else if (Array.isArray(v)) for (const x of v) collectStringLengths(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collectStringLengths(x, out);
}

function applyCap(v: unknown, cap: number): unknown {
  if (typeof v === 'string') {
    const len = Buffer.byteLength(v, 'utf8');
    if (len <= cap + truncationMarker(len).length) return v;
    const kept = cutUtf8(v, cap);
    return kept + truncationMarker(len - Buffer.byteLength(kept, 'utf8'));
  }
  if (Array.isArray(v)) return v.map((x) => applyCap(x, cap));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, applyCap(x, cap));
    return out;
  }
  return v;
}

export interface Truncated {
  text: string;
  truncated: boolean;
}

/**
 * Plain-text truncation (Foglamp, KeywordsAI): cuts `text` so that its UTF-8 form (marker included) is at most `maxBytes`, on a character
 * boundary, and appends a visible marker saying how much was cut.
 */
export function truncateUtf8(text: string, maxBytes: number | undefined): Truncated {
  if (maxBytes === undefined || maxBytes <= 0) return { text, truncated: false };
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false };
  // The marker for the largest possible cut bounds the marker's own size.
  let keep = Math.max(0, maxBytes - Buffer.byteLength(truncationMarker(buf.length), 'utf8'));
  // Step back to a UTF-8 character boundary.
  while (keep > 0 && keep < buf.length && (buf[keep]! & 0xc0) === 0x80) keep--;
  const head = buf.subarray(0, keep).toString('utf8');
  return { text: head + truncationMarker(buf.length - keep), truncated: true };
}
