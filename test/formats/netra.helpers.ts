import type { OutboundRequest } from '../../src/formats/types.js';

/** JSON with null-valued keys removed (null and absent mean the same in both vendor schemas). */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

export function gunzipLines(req: OutboundRequest): Record<string, unknown>[] {
  const text = Buffer.from(req.body).toString('utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function uncompressedSize(req: OutboundRequest): number {
  return Buffer.byteLength(req.body);
}

export const baseConfig = { timeout_ms: 10_000 };
