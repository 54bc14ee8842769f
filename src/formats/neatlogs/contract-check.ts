/**
 * Neatlogs' documented contract for one span, read strictly (vendor-apis/neatlogs-http-trace-
 * injection.md, "Request Format" and "Span Kinds"): `name` is a required string (an empty one names
 * nothing), `openinference.span.kind` is one of the seven supported kinds, `status` is success or
 * error, `input`/`output` are objects. A span is made valid where no fact is invented:
 * - a kind outside the list is sent as the nearest supported one (RERANKER → RETRIEVER, else
 *   CHAIN), the model's kind kept in the custom attribute `switchyard.span_kind`;
 * - a non-object input/output is sent as `{"value": …}` and marked, so it decodes back unchanged;
 * - a status outside the list gives way to the span's OTel status (the text is dropped, counted);
 * and refused (set aside alone) when it has no name.
 */
import { Canonical, StatusCode, type SpanWithContext } from '../../model/index.js';
import { isObject, type JsonObject } from '../json.js';
import { spanPart, dropUnheldSpanFacts, type Fidelity } from '../shared/fidelity.js';
import { ATTR_KIND, ATTR_ORIGINAL_KIND, ATTR_STATUS, ATTR_WRAPPED, NEATLOGS_SPAN_KINDS, NEATLOGS_STATUSES } from './contract.js';

function nearestKind(kind: string): string {
  const upper = kind.toUpperCase();
  if (NEATLOGS_SPAN_KINDS.has(upper)) return upper;
  return upper === 'RERANKER' ? 'RETRIEVER' : 'CHAIN';
}

/** The span as Neatlogs can take it, or undefined when it was refused through `f`. */
export function holdNeatlogsSpan(s: JsonObject, sw: SpanWithContext, f: Fidelity): JsonObject | undefined {
  if (typeof s.name !== 'string' || s.name.trim() === '') {
    f.refuse(spanPart(sw), `neatlogs: span name is required and span ${sw.span.spanId} has none; Neatlogs documents no default`);
    return undefined;
  }
  dropUnheldSpanFacts(sw, f);
  let out = s;
  let attrs = s.attributes as JsonObject;
  const kind = attrs[ATTR_KIND];
  if (typeof kind !== 'string' || !NEATLOGS_SPAN_KINDS.has(kind)) {
    const sent = nearestKind(typeof kind === 'string' ? kind : 'UNKNOWN');
    attrs = { ...attrs, [ATTR_KIND]: sent, [ATTR_ORIGINAL_KIND]: typeof kind === 'string' ? kind : 'UNKNOWN' };
    f.coerce(Canonical.spanKind);
  }
  const status = attrs[ATTR_STATUS];
  if (status !== undefined && (typeof status !== 'string' || !NEATLOGS_STATUSES.has(status))) {
    const code = sw.span.status.code;
    attrs = { ...attrs };
    if (code === StatusCode.OK) attrs[ATTR_STATUS] = 'success';
    else if (code === StatusCode.ERROR) attrs[ATTR_STATUS] = 'error';
    else delete attrs[ATTR_STATUS];
    // The status text itself has no place at Neatlogs: a dropped fact, not a converted one.
    f.drop('neatlogs.status');
  }
  for (const dir of ['input', 'output'] as const) {
    const v = out[dir];
    if (v === undefined || v === null || isObject(v)) continue;
    out = { ...out, [dir]: { value: v } };
    attrs = { ...attrs, [ATTR_WRAPPED[dir]]: true };
    f.coerce(dir === 'input' ? Canonical.inputValue : Canonical.outputValue);
  }
  if (attrs !== s.attributes) out = { ...out, attributes: attrs };
  return out;
}
