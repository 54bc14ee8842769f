import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EncodeContext, ExporterDefinition, OutboundRequest } from '../formats/types.js';
import type { EncodeSteps } from '../formats/shared/encode-steps.js';
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
 * How long a stepped encoder runs before receivers get the event loop back. A 1,000-span Netra
 * batch takes 10–30 ms to encode on the bench machine; in slices of this size a request that
 * arrives meanwhile waits for one slice, not for the batch.
 */
export const ENCODE_SLICE_MS = 2;

/**
 * Encodes a batch; when the encoder throws, halves the batch and tries again, so that one item
 * it cannot encode costs only itself (log2(n) extra encodes per bad item, none when all is well).
 * An encoder that has `encodeSteps` runs in slices of `sliceMs`, yielding to the event loop in
 * between.
 */
export async function encodeIsolating(
  def: Pick<ExporterDefinition, 'encode' | 'encodeSteps'>,
  data: Telemetry,
  ctx: EncodeContext,
  sliceMs = ENCODE_SLICE_MS,
): Promise<Encoded> {
  const out: Encoded = { requests: [], setAside: [] };
  const visit = async (part: Telemetry, items: number): Promise<void> => {
    let error: string;
    const refused: Encoded['setAside'] = [];
    const scoped: EncodeContext = { ...ctx, refuse: (p, why) => refused.push({ data: p, items: countItems(p), error: why, reason: 'contract' }) };
    try {
      out.requests.push(...(def.encodeSteps ? await runSliced(def.encodeSteps(part, scoped), sliceMs) : def.encode(part, scoped)));
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
    for (const h of halves) await visit(h, countItems(h));
  };
  await visit(data, countItems(data));
  return out;
}

async function runSliced<T>(steps: EncodeSteps<T>, sliceMs: number): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
