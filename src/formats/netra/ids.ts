import { createHash } from 'node:crypto';

/** Hex SHA-256 of a text: the seed of every id the Netra and Neatlogs codecs have to invent. */
export function hashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A UUID (version-4 layout) derived deterministically from `seed`, so that a generated
 * `event_id` is the same on every retry of the same data (the vendor can deduplicate).
 */
export function uuidFrom(seed: string): string {
  const h = hashHex(seed);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 32-hex trace id / 16-hex span id derived from a seed. */
export function traceIdFrom(seed: string): string {
  return hashHex('trace\0' + seed).slice(0, 32);
}

export function spanIdFrom(seed: string): string {
  return hashHex('span\0' + seed).slice(0, 16);
}
