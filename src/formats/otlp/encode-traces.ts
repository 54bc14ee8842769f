/** Model → the OTLP traces export-request tree: spans (with events and links), in either wire flavor. */
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink } from '../../model/index.js';
import { idsOut, withOriginalIds } from './encode-shared.js';
import { attributes, each, resource, schema, scope, type Obj, type WireFlavor } from './encode-tree.js';

export function tracesTree(rs: readonly ResourceSpans[], w: WireFlavor): Obj {
  return { resourceSpans: each(rs, resourceSpans, w) };
}

function resourceSpans(rs: ResourceSpans, w: WireFlavor): Obj {
  return schema({ resource: resource(rs.resource, w), scopeSpans: each(rs.scopeSpans, scopeSpans, w) }, rs.schemaUrl);
}

function scopeSpans(ss: ScopeSpans, w: WireFlavor): Obj {
  return schema({ scope: scope(ss.scope, w), spans: each(ss.spans, span, w) }, ss.schemaUrl);
}

function span(s: Span, w: WireFlavor): Obj {
  const ids = idsOut(s.traceId, s.spanId, s.parentSpanId, true);
  const out: Obj = { traceId: w.id(ids.traceId), spanId: w.id(ids.spanId) };
  if (s.traceState) out.traceState = s.traceState;
  if (ids.parentSpanId) out.parentSpanId = w.id(ids.parentSpanId);
  if (s.flags) out.flags = s.flags >>> 0;
  out.name = s.name;
  out.kind = s.kind;
  out.startTimeUnixNano = w.int64(s.startTimeUnixNano);
  out.endTimeUnixNano = w.int64(s.endTimeUnixNano);
  out.attributes = attributes(withOriginalIds(s.attributes, ids.extra), w);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) out.events = each(s.events, event, w);
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) out.links = each(s.links, link, w);
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  // Always present, as the SDKs write it: an unset status is an empty message.
  const st: Obj = {};
  if (s.status.message) st.message = s.status.message;
  if (s.status.code) st.code = s.status.code;
  out.status = st;
  return out;
}

function event(e: SpanEvent, w: WireFlavor): Obj {
  const eo: Obj = { timeUnixNano: w.int64(e.timeUnixNano), name: e.name, attributes: attributes(e.attributes, w) };
  if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
  return eo;
}

function link(l: SpanLink, w: WireFlavor): Obj {
  const li = idsOut(l.traceId, l.spanId, undefined, true);
  const lo: Obj = { traceId: w.id(li.traceId), spanId: w.id(li.spanId) };
  if (l.traceState) lo.traceState = l.traceState;
  lo.attributes = attributes(withOriginalIds(l.attributes, li.extra), w);
  if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) lo.flags = l.flags >>> 0;
  return lo;
}
