import { uuidFrom, uuidLayout } from '../shared/derived-ids.js';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * The event id of a span: with OTLP-born ids it is laid out straight from the span id and the low
 * half of the trace id (unique per span, no hashing on the export hot path); other ids are hashed.
 */
export function spanEventUuid(traceId: string, spanId: string): string {
  if (HEX32.test(traceId) && HEX16.test(spanId)) return uuidLayout(spanId + traceId.slice(16));
  return uuidFrom(`netra-span\0${traceId}\0${spanId}`);
}
