import { KeyValueList } from './attributes.js';
import type { Telemetry } from './telemetry.js';

/**
 * Deep copy of a batch, for handing the same data to several pipelines whose processors may
 * mutate it. Primitives and bigints are shared; bytes are copied; kvlists keep their class.
 */
export function cloneTelemetry(t: Telemetry): Telemetry {
  return cloneValue(t) as Telemetry;
}

function cloneValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v instanceof Uint8Array) return v.slice();
  if (v instanceof KeyValueList) return new KeyValueList(cloneValue(v.values) as KeyValueList['values']);
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) out[k] = cloneValue((v as Record<string, unknown>)[k]);
  return out;
}
