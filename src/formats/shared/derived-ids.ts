import { createHash } from 'node:crypto';

/**
 * Ids the Netra and Neatlogs codecs have to invent, derived deterministically from a seed so that
 * the same data gets the same ids on every retry.
 */

/** Hex SHA-256 of a text: the seed of every derived id. */
export function hashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The first 32 hex digits of `h` laid out as a UUID (version-4 layout, RFC 4122 variant). */
export function uuidLayout(h: string): string {
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A UUID (version-4 layout) derived deterministically from `seed`, so that a generated
 * `event_id` is the same on every retry of the same data (the vendor can deduplicate).
 */
export function uuidFrom(seed: string): string {
  return uuidLayout(hashHex(seed));
}

/** A 32-hex trace id / 16-hex span id derived from a seed. */
export function traceIdFrom(seed: string): string {
  return hashHex('trace\0' + seed).slice(0, 32);
}

export function spanIdFrom(seed: string): string {
  return hashHex('span\0' + seed).slice(0, 16);
}
