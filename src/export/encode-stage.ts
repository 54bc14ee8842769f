import type { EncodeContext, ExporterDefinition, OutboundRequest } from '../formats/types.js';
import { countItems, splitTelemetry, type Telemetry } from '../model/index.js';

export interface Encoded {
  requests: OutboundRequest[];
  /** Items the encoder threw on, each alone (or the smallest slice that still threw). */
  setAside: { data: Telemetry; items: number; error: string }[];
}

/**
 * Encodes a batch; when the encoder throws, halves the batch and tries again, so that one item
 * it cannot encode costs only itself (log2(n) extra encodes per bad item, none when all is well).
 */
export function encodeIsolating(def: Pick<ExporterDefinition, 'encode'>, data: Telemetry, ctx: EncodeContext): Encoded {
  const out: Encoded = { requests: [], setAside: [] };
  const visit = (part: Telemetry, items: number): void => {
    let error: string;
    try {
      out.requests.push(...def.encode(part, ctx));
      return;
    } catch (e) {
      error = (e as Error)?.message ?? String(e);
    }
    const halves = items > 1 ? splitTelemetry(part, Math.ceil(items / 2)) : [];
    if (halves.length < 2) {
      out.setAside.push({ data: part, items, error });
      return;
    }
    for (const h of halves) visit(h, countItems(h));
  };
  visit(data, countItems(data));
  return out;
}
