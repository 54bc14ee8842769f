/**
 * What the protobuf and JSON encoders share: choosing the OTLP ids for model ids (mapping
 * non-hex text and remembering the original in an attribute) and the stale-marker flag.
 */
import { setOwn } from '../../model/attributes.js';
import { Canonical, type Attributes } from '../../model/index.js';
import { otlpIdHex, SPAN_ID_HEX, TRACE_ID_HEX } from './ids.js';

/** OTLP's DataPointFlags.NO_RECORDED_VALUE: the Collector's form of Prometheus' stale marker. */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface IdsOut {
  traceId: string;
  spanId: string;
  /** '' when there is none. */
  parentSpanId: string;
  /** Original-id attributes to append, only when some id was mapped. */
  extra?: [string, string][];
}

/**
 * Hex ids for a span-like item. An empty or absent optional id stays empty; a required id
 * (spans, links) is always mapped, even when empty, so that OTLP gets a valid one.
 */
export function idsOut(traceId: string | undefined, spanId: string | undefined, parentSpanId: string | undefined, required: boolean): IdsOut {
  let extra: [string, string][] | undefined;
  const map = (text: string | undefined, hexLen: number, key: string, req: boolean): string => {
    if (text === undefined || (text === '' && !req)) return '';
    const hex = otlpIdHex(text, hexLen);
    if (hex !== text) (extra ??= []).push([key, text]);
    return hex;
  };
  const out: IdsOut = {
    traceId: map(traceId, TRACE_ID_HEX, Canonical.originalTraceId, required),
    spanId: map(spanId, SPAN_ID_HEX, Canonical.originalSpanId, required),
    parentSpanId: map(parentSpanId, SPAN_ID_HEX, Canonical.originalParentSpanId, false),
  };
  if (extra) out.extra = extra;
  return out;
}

/** The model attributes plus the original-id ones, without mutating the model. */
export function withOriginalIds(attrs: Attributes, extra: [string, string][] | undefined): Attributes {
  if (!extra) return attrs;
  const out: Attributes = { ...attrs };
  for (const [k, v] of extra) setOwn(out, k, v);
  return out;
}
