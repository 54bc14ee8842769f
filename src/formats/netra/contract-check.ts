/**
 * Netra's documented contract for one NDJSON event, read strictly (vendor-apis/netra-bulk-ingest.md
 * §3.2): request.model names the model ("An object identifying the model used", every example has
 * `name`), usage counts are integers (the Go example's `TotalTokens int`), event_id is a UUID and
 * "auto-generated if not provided". An event is made valid where no fact has to be invented, and
 * refused otherwise.
 */
import type { SpanWithContext } from '../../model/index.js';
import type { JsonObject } from '../json.js';
import { isTokenCount, spanPart, dropUnheldSpanFacts, type Fidelity } from '../shared/fidelity.js';
import { spanEventUuid } from './ids.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NETRA_USAGE_COUNTS = ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const;

/** The event as Netra can take it, or undefined when it was refused through `f`. */
export function holdNetraEvent(ev: JsonObject, sw: SpanWithContext, f: Fidelity): JsonObject | undefined {
  const request = ev.request as JsonObject;
  const model = request.model as JsonObject;
  if (typeof model.name !== 'string' || model.name === '') {
    f.refuse(spanPart(sw), `netra: request.model.name is required and span ${sw.span.spanId} names no model (gen_ai.request.model / gen_ai.response.model); Netra documents no default`);
    return undefined;
  }
  const usage = (ev.response as JsonObject).usage as JsonObject;
  for (const k of NETRA_USAGE_COUNTS) {
    if (usage[k] !== undefined && !isTokenCount(usage[k])) {
      f.refuse(spanPart(sw), `netra: response.usage.${k} must be a non-negative integer, span ${sw.span.spanId} has ${JSON.stringify(usage[k])}`);
      return undefined;
    }
  }
  dropUnheldSpanFacts(sw, f);
  const em = ev.event_metadata as JsonObject;
  if (typeof em.event_id !== 'string' || !UUID.test(em.event_id)) {
    // "Auto-generated if not provided": the id a Netra client sent was not a UUID, so Switchyard
    // fills the one it derives from the span ids, as Netra itself would fill one.
    f.coerce('netra.event_metadata.event_id');
    return { ...ev, event_metadata: { ...em, event_id: spanEventUuid(sw.span.traceId, sw.span.spanId) } };
  }
  return ev;
}
