import type { Attributes } from './attributes.js';
import type { InstrumentationScope, ResourceSpans, Span, Telemetry } from './telemetry.js';
import { SpanKind, StatusCode } from './telemetry.js';

/** A span with every collection present and empty, for codecs to fill in. */
export function newSpan(fields: Pick<Span, 'traceId' | 'spanId' | 'name' | 'startTimeUnixNano' | 'endTimeUnixNano'> & Partial<Span>): Span {
  return {
    kind: SpanKind.INTERNAL,
    attributes: {},
    events: [],
    links: [],
    status: { code: StatusCode.UNSET },
    ...fields,
  };
}

/** Groups spans under one resource and scope: the shape vendor decoders produce. */
export function tracesOf(spans: Span[], resource: Attributes = {}, scope: InstrumentationScope = { name: 'switchyard' }): Telemetry {
  if (spans.length === 0) return { traces: [] };
  const rs: ResourceSpans = { resource: { attributes: resource }, scopeSpans: [{ scope, spans }] };
  return { traces: [rs] };
}

/** Every span with its resource and scope, flattened: the shape vendor encoders consume. */
export interface SpanWithContext {
  span: Span;
  resource: Attributes;
  scope: InstrumentationScope;
}

export function flattenSpans(rs: readonly ResourceSpans[]): SpanWithContext[] {
  const out: SpanWithContext[] = [];
  for (const r of rs) for (const ss of r.scopeSpans) for (const span of ss.spans) out.push({ span, resource: r.resource.attributes, scope: ss.scope });
  return out;
}
