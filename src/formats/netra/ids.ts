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

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * The event id of a span: with OTLP-born ids it is laid out straight from the span id and the low
 * half of the trace id (unique per span, no hashing on the export hot path); other ids are hashed.
 */
export function spanEventUuid(traceId: string, spanId: string): string {
  if (HEX32.test(traceId) && HEX16.test(spanId)) {
    const h = spanId + traceId.slice(16);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  return uuidFrom(`netra-span\0${traceId}\0${spanId}`);
}

/** A 32-hex trace id / 16-hex span id derived from a seed. */
export function traceIdFrom(seed: string): string {
  return hashHex('trace\0' + seed).slice(0, 32);
}

export function spanIdFrom(seed: string): string {
  return hashHex('span\0' + seed).slice(0, 16);
}
