/**
 * Trace and span ids. The model keeps ids as text; OTLP needs 16-byte trace ids and 8-byte span
 * ids. OTLP-born ids are lowercase hex and pass through unchanged. Any other text (a vendor's
 * `span_xyz789`, an uppercase or short hex id) is mapped deterministically, so that a parent id
 * still points at its parent after mapping, and the original text is kept in a
 * `switchyard.original.*` attribute that the OTLP decoder reads back: vendor → OTLP → vendor
 * round trips keep their ids.
 */
import { createHash } from 'node:crypto';
import type { AnyValue, Attributes } from '../../model/index.js';
import { isAllZeroHex, isLowerHex, toHex } from './wire.js';

export const TRACE_ID_HEX = 32;
export const SPAN_ID_HEX = 16;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True when the text is already a valid OTLP id of that hex length (never all zero). */
export function isNativeId(text: string, hexLen: number): boolean {
  return isLowerHex(text, hexLen) && !isAllZeroHex(text);
}

/**
 * The hex id OTLP carries for `text`. Native ids are returned as they are. A UUID trace id keeps
 * its 16 bytes (so the OTLP id is recognisable); everything else takes the first bytes of the
 * SHA-256 of the text. Never all zero: OTLP treats that as "no id".
 */
export function otlpIdHex(text: string, hexLen: number): string {
  if (isNativeId(text, hexLen)) return text;
  let hex: string;
  if (hexLen === TRACE_ID_HEX && UUID_RE.test(text)) hex = text.replace(/-/g, '').toLowerCase();
  else hex = toHex(createHash('sha256').update(text, 'utf8').digest().subarray(0, hexLen / 2));
  if (isAllZeroHex(hex)) hex = hex.slice(0, -1) + '1';
  return hex;
}

/**
 * Puts back an id the encoder had mapped: when `attrs[key]` holds text that maps to `hex`, that
 * text is the model id and the attribute is removed. An attribute that does not map to this id
 * (edited, or copied from elsewhere) is left alone and the hex id stands.
 */
export function restoreId(attrs: Attributes, key: string, hex: string, hexLen: number): string {
  const orig: AnyValue | undefined = attrs[key];
  if (typeof orig !== 'string' || otlpIdHex(orig, hexLen) !== hex) return hex;
  delete attrs[key];
  return orig;
}
