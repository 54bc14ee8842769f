/**
 * Attribute values follow the OTLP AnyValue model. JavaScript cannot tell the integer 2 from the
 * double 2.0, but OTLP can, so the two are kept apart by type: an OTLP intValue is a `bigint`, a
 * doubleValue is a `number`. Bytes are a `Uint8Array`, a kvlist is a `KeyValueList`.
 */
export type AnyValue = string | boolean | bigint | number | Uint8Array | AnyValue[] | KeyValueList | null;

export class KeyValueList {
  constructor(public readonly values: Attributes) {}
}

export type Attributes = Record<string, AnyValue>;

export function isKeyValueList(v: unknown): v is KeyValueList {
  return v instanceof KeyValueList;
}

/** A numeric attribute as a JS number, whether it was stored as int, double or numeric string. */
export function attrNumber(attrs: Attributes, key: string): number | undefined {
  return toNumber(attrs[key]);
}

export function toNumber(v: AnyValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function attrString(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An integer count as an OTLP intValue; non-finite or negative input is rejected by the caller. */
export function intAttr(n: number): bigint {
  return BigInt(Math.trunc(n));
}

/** Converts parsed JSON into an AnyValue: integers become ints, other numbers doubles, objects kvlists. */
export function fromJson(v: unknown): AnyValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isSafeInteger(v) ? BigInt(v) : v;
    case 'bigint':
      return v;
    case 'object': {
      if (Array.isArray(v)) return v.map(fromJson);
      if (v instanceof Uint8Array) return v;
      const out: Attributes = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x);
      return new KeyValueList(out);
    }
    default:
      return String(v);
  }
}

/** Converts an AnyValue back to plain JSON (ints as numbers when safe, bytes as base64). */
export function toJson(v: AnyValue | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof KeyValueList) return attributesToJson(v.values);
  return v;
}

export function attributesToJson(attrs: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in attrs) out[k] = toJson(attrs[k]);
  return out;
}

export function attributesFromJson(obj: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const k in obj) out[k] = fromJson(obj[k]);
  return out;
}

/** A stable, JSON-safe text form of any value: used for hashing and for string-only targets. */
export function valueToText(v: AnyValue | undefined): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(toJson(v));
}

/**
 * Sets `out[key] = value` as an own, enumerable property whatever the key: with `obj[key] = v`,
 * a `__proto__` key from input would replace the object's prototype instead of being stored.
 * Input keys are data, never structure.
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
