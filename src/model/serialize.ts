import { KeyValueList } from './attributes.js';
import type { Telemetry } from './telemetry.js';

/**
 * Lossless JSON text for the model (persistent queue records, dead letters, debug output): bigint,
 * bytes, kvlists and non-finite doubles are tagged so that they come back with their exact types.
 */
export function serializeTelemetry(t: Telemetry): string {
  return JSON.stringify(t, replacer);
}

export function deserializeTelemetry(text: string): Telemetry {
  return JSON.parse(text, reviver) as Telemetry;
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (typeof raw === 'bigint') return { $i: raw.toString() };
  if (typeof raw === 'number' && !Number.isFinite(raw)) return { $d: String(raw) };
  if (raw instanceof Uint8Array) return { $b: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  if (raw instanceof KeyValueList) return { $kv: raw.values };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return value;
  const k = keys[0];
  const v = o[k!];
  if (k === '$i' && typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (k === '$d' && typeof v === 'string') return Number(v);
  if (k === '$b' && typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
  if (k === '$kv' && v && typeof v === 'object') return new KeyValueList(v as Record<string, never>);
  return value;
}
