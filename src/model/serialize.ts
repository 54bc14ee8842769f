import { KeyValueList, type Attributes } from './attributes.js';
import type { Telemetry } from './telemetry.js';

/**
 * Lossless JSON text for the model (persistent queue records, dead letters, debug output): bigint,
 * bytes, kvlists and non-finite doubles are tagged ({"$i": "5"}, {"$b": "…"}, {"$kv": …},
 * {"$d": "NaN"}) so that they come back with their exact types. Keys are data: every key of the
 * model that starts with `$` is written with one more `$` in front (`$i` → `$$i`) and read back
 * without it, so no attribute map can be taken for a tag, whatever its keys; `__proto__` keys are
 * read back as own keys.
 */
export function serializeTelemetry(t: Telemetry): string {
  return JSON.stringify(t, replacer);
}

export function deserializeTelemetry(text: string): Telemetry {
  return JSON.parse(text, reviver) as Telemetry;
}

/** An attribute map as canonical text (a grouping key that tells every value type apart). */
export function serializeAttributes(a: Attributes): string {
  return JSON.stringify(a, replacer);
}

const DOLLAR = 0x24;

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (typeof raw === 'bigint') return { $i: raw.toString() };
  if (typeof raw === 'number' && !Number.isFinite(raw)) return { $d: String(raw) };
  if (raw instanceof Uint8Array) return { $b: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  // The map inside is escaped when the serializer reaches it (through the branch below).
  if (raw instanceof KeyValueList) return { $kv: raw.values };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return escapeKeys(value as Record<string, unknown>);
  return value;
}

/** The object itself when no key starts with `$` (the common case), else a copy with `$` doubled. */
function escapeKeys(o: Record<string, unknown>): Record<string, unknown> {
  let needs = false;
  for (const k of Object.keys(o)) {
    if (k.charCodeAt(0) === DOLLAR) {
      needs = true;
      break;
    }
  }
  if (!needs) return o;
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(o)) out[k.charCodeAt(0) === DOLLAR ? '$' + k : k] = o[k];
  return out;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    // Tags have one key of a single `$` and a name; escaped data keys start with `$$`.
    const k = keys[0]!;
    const v = o[k];
    if (k === '$i' && typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
    if (k === '$d' && typeof v === 'string') return Number(v);
    if (k === '$b' && typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
    if (k === '$kv' && v && typeof v === 'object') return new KeyValueList(v as Record<string, never>);
  }
  let escaped = false;
  for (const k of keys) {
    if (k.charCodeAt(0) === DOLLAR) {
      escaped = true;
      break;
    }
  }
  if (!escaped) return value;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const name = k.charCodeAt(0) === DOLLAR ? k.slice(1) : k;
    if (name === '__proto__') Object.defineProperty(out, name, { value: o[k], enumerable: true, writable: true, configurable: true });
    else out[name] = o[k];
  }
  return out;
}
