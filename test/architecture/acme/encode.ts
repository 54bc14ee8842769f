import type { EncodeContext, OutboundRequest } from '../../../src/formats/types.js';
import { flattenSpans, GenAI, type Telemetry } from '../../../src/model/index.js';
import { ACME_MAX_EVENTS, ACME_MEDIA_TYPE, ACME_PATH } from './contract.js';

/** Spans → requests of at most ACME_MAX_EVENTS events; a span without a model is refused alone. */
export function encodeAcme(data: Telemetry, ctx: EncodeContext): OutboundRequest[] {
  const events = [];
  for (const sw of flattenSpans(data.traces ?? [])) {
    const model = sw.span.attributes[GenAI.requestModel];
    if (typeof model !== 'string') {
      ctx.refuse?.({ traces: [{ resource: { attributes: sw.resource }, scopeSpans: [{ scope: sw.scope, spans: [sw.span] }] }] }, `span ${sw.span.spanId}: acme requires a model`);
      continue;
    }
    events.push({ id: sw.span.spanId, trace: sw.span.traceId, model, ms: Number(sw.span.startTimeUnixNano / 1_000_000n) });
  }
  const out: OutboundRequest[] = [];
  for (let i = 0; i < events.length; i += ACME_MAX_EVENTS) {
    const chunk = events.slice(i, i + ACME_MAX_EVENTS);
    out.push({ path: ACME_PATH, contentType: ACME_MEDIA_TYPE, body: JSON.stringify({ events: chunk }), items: chunk.length });
  }
  return out;
}
