/**
 * What a vendor encoder reports while it holds each item to the target's documented contract
 * (DESIGN §10): facts converted so the target can hold them (`coerce`), facts it cannot hold at
 * all (`drop`), and items it cannot make valid without inventing facts (`refuse`: set aside alone).
 * Counts are summed per field and handed to the exporter once per encode, not once per item.
 */
import type { SpanWithContext, Telemetry } from '../../model/index.js';
import type { EncodeContext } from '../types.js';

export interface Fidelity {
  coerce(field: string, n?: number): void;
  drop(field: string, n?: number): void;
  /** Sets `part` aside with `reason`; without an exporter to take it (offline use), throws. */
  refuse(part: Telemetry, reason: string): void;
  /** Hands the summed counts to the context; call once, at the end of an encode. */
  flush(): void;
}

export function fidelityOf(ctx: Pick<EncodeContext, 'refuse' | 'fidelity'> | undefined): Fidelity {
  const coerced = new Map<string, number>();
  const dropped = new Map<string, number>();
  const add = (m: Map<string, number>, f: string, n: number) => m.set(f, (m.get(f) ?? 0) + n);
  return {
    coerce: (f, n = 1) => add(coerced, f, n),
    drop: (f, n = 1) => add(dropped, f, n),
    refuse(part, reason) {
      // An encoder that throws has its batch narrowed to the items that throw, so offline callers
      // (and any exporter without `refuse`) still lose nothing silently.
      if (!ctx?.refuse) throw new Error(reason);
      ctx.refuse(part, reason);
    },
    flush() {
      for (const [f, n] of coerced) ctx?.fidelity?.('coerced', f, n);
      for (const [f, n] of dropped) ctx?.fidelity?.('dropped', f, n);
      coerced.clear();
      dropped.clear();
    },
  };
}

/** One span alone, with its resource and scope: what `refuse` sets aside. */
export function spanPart(sw: SpanWithContext): Telemetry {
  return { traces: [{ resource: { attributes: sw.resource }, scopeSpans: [{ scope: sw.scope, spans: [sw.span] }] }] };
}

/** A token count a vendor can hold: a non-negative integer. */
export function isTokenCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The JSON text of a non-string value, for maps the vendor shows with string values only. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * Span facts none of the AI-observability vendors has a place for: events (exceptions, stream
 * chunks) and links. Counted once per encoded span that had them.
 */
export function dropUnheldSpanFacts(sw: SpanWithContext, f: Fidelity): void {
  if (sw.span.events.length) f.drop('span.events', sw.span.events.length);
  if (sw.span.links.length) f.drop('span.links', sw.span.links.length);
}
