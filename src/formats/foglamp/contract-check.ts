/**
 * Foglamp's documented contract for one span and one trace, read strictly
 * (vendor-apis/foglamp-ingest.md): `metadata` is shown with string values only, so it gets string
 * values; usage counts are shown as integers and count things, so they are non-negative integers.
 * A metadata value of another type is sent as its text (counted as coerced, by attribute key); a
 * span whose usage cannot be a count is refused alone (a count cannot be made up).
 */
import type { SpanWithContext } from '../../model/index.js';
import { isObject, type JsonObject } from '../json.js';
import { asText, isTokenCount, spanPart, dropUnheldSpanFacts, type Fidelity } from '../shared/fidelity.js';
import { MARK, USAGE_MAP } from './contract.js';

/**
 * Switchyard's metadata entry naming the entries it sent as JSON text (a JSON array of keys, itself
 * a string), so that a Foglamp document Switchyard wrote decodes back to the same typed values.
 */
export const JSON_TEXT_KEYS = `${MARK}json_keys`;

/** `metadata` with every value a string; the same object when it already was. */
export function stringMetadata(md: unknown, f: Fidelity): unknown {
  if (!isObject(md)) return md;
  let out: JsonObject | undefined;
  const keys: string[] = [];
  for (const [k, v] of Object.entries(md)) {
    if (typeof v === 'string') continue;
    out ??= { ...md };
    out[k] = asText(v);
    keys.push(k);
    // Switchyard's own markers (switchyard.content.truncated) are not source facts.
    if (!k.startsWith('switchyard.')) f.coerce(k);
  }
  if (!out) return md;
  out[JSON_TEXT_KEYS] = JSON.stringify(keys);
  return out;
}

/** The inverse of stringMetadata, for the decoder: entries Switchyard sent as JSON text, parsed. */
export function restoreMetadata(md: JsonObject | undefined): JsonObject | undefined {
  if (!md || typeof md[JSON_TEXT_KEYS] !== 'string') return md;
  let keys: unknown;
  try {
    keys = JSON.parse(md[JSON_TEXT_KEYS] as string);
  } catch {
    return md;
  }
  if (!Array.isArray(keys)) return md;
  const out: JsonObject = { ...md };
  delete out[JSON_TEXT_KEYS];
  for (const k of keys) {
    if (typeof k !== 'string' || typeof out[k] !== 'string') continue;
    try {
      out[k] = JSON.parse(out[k] as string);
    } catch {
      /* not Switchyard's text after all: keep the string */
    }
  }
  return out;
}

/** The span as Foglamp can take it, or undefined when it was refused through `f`. */
export function holdFoglampSpan(span: JsonObject, sw: SpanWithContext, f: Fidelity): JsonObject | undefined {
  if (isObject(span.usage)) {
    for (const [k, v] of Object.entries(span.usage)) {
      if (isTokenCount(v)) continue;
      f.refuse(spanPart(sw), `foglamp: usage.${k} must be a non-negative integer count, span ${sw.span.spanId} has ${JSON.stringify(v)} (${USAGE_MAP[k] ?? k})`);
      return undefined;
    }
  }
  dropUnheldSpanFacts(sw, f);
  const md = stringMetadata(span.metadata, f);
  return md === span.metadata ? span : { ...span, metadata: md };
}
