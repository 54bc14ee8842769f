import type { EncodeContext, ExporterDefinition, OutboundRequest } from '../formats/types.js';
import { countItems, splitTelemetry, type Telemetry } from '../model/index.js';

export interface Encoded {
  requests: OutboundRequest[];
  /**
   * Items set aside alone: those the encoder refused by the target's contract, and those it
   * threw on (each alone, or the smallest slice that still threw).
   */
  setAside: { data: Telemetry; items: number; error: string; reason: 'contract' | 'encode_error' }[];
}

/**
 * Encodes a batch; when the encoder throws, halves the batch and tries again, so that one item
 * it cannot encode costs only itself (log2(n) extra encodes per bad item, none when all is well).
 */
export function encodeIsolating(def: Pick<ExporterDefinition, 'encode'>, data: Telemetry, ctx: EncodeContext): Encoded {
  const out: Encoded = { requests: [], setAside: [] };
  const visit = (part: Telemetry, items: number): void => {
    let error: string;
    const refused: Encoded['setAside'] = [];
    const scoped: EncodeContext = { ...ctx, refuse: (p, why) => refused.push({ data: p, items: countItems(p), error: why, reason: 'contract' }) };
    try {
      out.requests.push(...def.encode(part, scoped));
      out.setAside.push(...refused);
      return;
    } catch (e) {
      error = (e as Error)?.message ?? String(e);
    }
    const halves = items > 1 ? splitTelemetry(part, Math.ceil(items / 2)) : [];
    if (halves.length < 2) {
      out.setAside.push({ data: part, items, error, reason: 'encode_error' });
      return;
    }
    for (const h of halves) visit(h, countItems(h));
  };
  visit(data, countItems(data));
  return out;
}
