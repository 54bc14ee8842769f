/**
 * What the protobuf and JSON decoders share: id checks (an item with a bad id is rejected alone,
 * OTLP's partial success), restoring ids the encoder had mapped, attribute-map building, and
 * the request-level bookkeeping of accepted and rejected items.
 */
import { InputError } from '../errors.js';
import type { DecodeResult, ItemRejection } from '../types.js';
import { Canonical, type LogRecord, type Span, type Telemetry, type Exemplar } from '../../model/index.js';
import { restoreId, SPAN_ID_HEX, TRACE_ID_HEX } from './ids.js';
import { isAllZeroHex } from './wire.js';

export { setAttr } from './decode-attributes.js';

/** Counts items as they are decoded and collects the rejected ones. */
export class ItemLedger {
  readonly rejected: ItemRejection[] = [];
  accepted = 0;
  private seen = 0;

  constructor(private readonly maxItems: number, private readonly unit: string) {}

  /** Index of the next item in the request; refuses the request past the item limit. */
  next(): number {
    if (++this.seen > this.maxItems) {
      throw new InputError('', `request carries more than ${this.maxItems} ${this.unit}, the limit per request`, 'too_large');
    }
    return this.seen - 1;
  }

  reject(index: number, field: string, problem: string): void {
    this.rejected.push({ index, field, message: `${field} ${problem}` });
  }

  /**
   * A request whose every item was rejected is a bad request as a whole (400 naming the first
   * bad field); otherwise the rejected items become the response's partial_success.
   */
  result(telemetry: Telemetry): DecodeResult {
    const first = this.rejected[0];
    if (first && this.accepted === 0) throw new InputError(first.field, first.message);
    return { telemetry, accepted: this.accepted, rejected: this.rejected };
  }
}

/** The problem with a hex id, or undefined when it is fine. `hex` is already lowercase. */
export function idProblem(hex: string, hexLen: number, required: boolean): string | undefined {
  if (hex === '') return required ? 'is required' : undefined;
  if (hex.length !== hexLen) return `must be ${hexLen / 2} bytes (${hexLen} hex digits), got ${hex.length % 2 === 0 ? hex.length / 2 + ' bytes' : hex.length + ' hex digits'}`;
  if (isAllZeroHex(hex)) return 'must not be all zero';
  return undefined;
}

/** Checks a span's ids; returns [field, problem] for the first bad one. Field names are the JSON ones. */
export function spanIdProblem(span: Span): [string, string] | undefined {
  let p = idProblem(span.traceId, TRACE_ID_HEX, true);
  if (p) return ['traceId', p];
  p = idProblem(span.spanId, SPAN_ID_HEX, true);
  if (p) return ['spanId', p];
  if (span.parentSpanId !== undefined) {
    p = idProblem(span.parentSpanId, SPAN_ID_HEX, false);
    if (p) return ['parentSpanId', p];
  }
  for (let i = 0; i < span.links.length; i++) {
    const l = span.links[i]!;
    p = idProblem(l.traceId, TRACE_ID_HEX, true);
    if (p) return [`links[${i}].traceId`, p];
    p = idProblem(l.spanId, SPAN_ID_HEX, true);
    if (p) return [`links[${i}].spanId`, p];
  }
  return undefined;
}

export function logIdProblem(r: LogRecord): [string, string] | undefined {
  let p = r.traceId !== undefined ? idProblem(r.traceId, TRACE_ID_HEX, false) : undefined;
  if (p) return ['traceId', p];
  p = r.spanId !== undefined ? idProblem(r.spanId, SPAN_ID_HEX, false) : undefined;
  if (p) return ['spanId', p];
  return undefined;
}

export function exemplarIdProblem(e: Exemplar): [string, string] | undefined {
  let p = e.traceId !== undefined ? idProblem(e.traceId, TRACE_ID_HEX, false) : undefined;
  if (p) return ['traceId', p];
  p = e.spanId !== undefined ? idProblem(e.spanId, SPAN_ID_HEX, false) : undefined;
  if (p) return ['spanId', p];
  return undefined;
}

const T = Canonical.originalTraceId;
const S = Canonical.originalSpanId;
const P = Canonical.originalParentSpanId;

/** Puts back the vendor ids the encoder had mapped (see ids.ts), on the span and its links. */
export function restoreSpanIds(span: Span): void {
  const a = span.attributes;
  if (a[T] !== undefined) span.traceId = restoreId(a, T, span.traceId, TRACE_ID_HEX);
  if (a[S] !== undefined) span.spanId = restoreId(a, S, span.spanId, SPAN_ID_HEX);
  if (a[P] !== undefined && span.parentSpanId !== undefined) span.parentSpanId = restoreId(a, P, span.parentSpanId, SPAN_ID_HEX);
  for (const l of span.links) {
    const la = l.attributes;
    if (la[T] !== undefined) l.traceId = restoreId(la, T, l.traceId, TRACE_ID_HEX);
    if (la[S] !== undefined) l.spanId = restoreId(la, S, l.spanId, SPAN_ID_HEX);
  }
}

export function restoreLogIds(r: LogRecord): void {
  const a = r.attributes;
  if (a[T] !== undefined && r.traceId !== undefined) r.traceId = restoreId(a, T, r.traceId, TRACE_ID_HEX);
  if (a[S] !== undefined && r.spanId !== undefined) r.spanId = restoreId(a, S, r.spanId, SPAN_ID_HEX);
}

export function restoreExemplarIds(e: Exemplar): void {
  const a = e.filteredAttributes;
  if (a[T] !== undefined && e.traceId !== undefined) e.traceId = restoreId(a, T, e.traceId, TRACE_ID_HEX);
  if (a[S] !== undefined && e.spanId !== undefined) e.spanId = restoreId(a, S, e.spanId, SPAN_ID_HEX);
}
