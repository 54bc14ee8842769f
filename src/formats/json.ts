import { InputError, fail } from './errors.js';
import { DEFAULT_STRUCTURE_LIMITS } from './decode-budget.js';
import type { DecodeLimits } from './types.js';

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxJsonDepth: 64, maxStringLength: 8 * 1024 * 1024, maxItems: 100_000 };

/**
 * Parses a JSON body after checking nesting depth, string length, the number of containers and
 * the length of each array and object in one byte scan, so that a hostile body is refused before
 * its object graph is built (`[{},{},…]` is 3 bytes per object on the wire, 50+ in memory).
 */
export function parseJsonBody(body: Buffer | Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): unknown {
  checkJsonShape(body, limits);
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    throw new InputError('', `body is not valid JSON: ${(e as Error).message}`);
  }
}

export function checkJsonShape(b: Uint8Array, limits: DecodeLimits): void {
  let depth = 0;
  const n = b.length;
  const maxContainers = limits.maxContainers ?? DEFAULT_STRUCTURE_LIMITS.maxContainers;
  // A list of items may be as long as the item limit allows.
  const maxElements = Math.max(limits.maxArrayLength ?? DEFAULT_STRUCTURE_LIMITS.maxArrayLength, limits.maxItems);
  // Commas seen in the open container at each depth: its element count is that plus one.
  const commas = new Int32Array(limits.maxJsonDepth + 2);
  let containers = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < n; i++) {
        const d = b[i]!;
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      if (i - start - 1 > limits.maxStringLength) {
        throw new InputError('', `a JSON string is longer than the limit of ${limits.maxStringLength} bytes`, 'too_large');
      }
    } else if (c === 0x2c /* , */) {
      if (depth > 0 && ++commas[depth]! >= maxElements) {
        throw new InputError('', `a JSON array or object has more than the limit of ${maxElements} elements (max_array_length)`, 'too_large');
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limits.maxJsonDepth) throw new InputError('', `JSON nesting is deeper than the limit of ${limits.maxJsonDepth}`);
      commas[depth] = 0;
      if (++containers > maxContainers) {
        throw new InputError('', `the body has more than the limit of ${maxContainers} JSON objects and arrays (max_containers_per_request)`, 'too_large');
      }
    } else if (c === 0x7d || c === 0x5d) {
      if (depth > 0) depth--;
    }
  }
}

// ---- typed field access with the field's path in every error ----

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, path: string): JsonObject {
  if (!isObject(v)) fail(path, `must be an object, got ${typeName(v)}`);
  return v;
}

export function asArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be an array, got ${typeName(v)}`);
  return v;
}

export function reqString(o: JsonObject, key: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null) fail(join(path, key), 'is required');
  if (typeof v !== 'string') fail(join(path, key), `must be a string, got ${typeName(v)}`);
  return v;
}

export function optString(o: JsonObject, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(join(path, key), `must be a string, got ${typeName(v)}`);
  return v;
}

export function reqNumber(o: JsonObject, key: string, path: string): number {
  const v = o[key];
  if (v === undefined || v === null) fail(join(path, key), 'is required');
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(join(path, key), `must be a finite number, got ${typeName(v)}`);
  return v;
}

export function optNumber(o: JsonObject, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(join(path, key), `must be a finite number, got ${typeName(v)}`);
  return v;
}

export function optObject(o: JsonObject, key: string, path: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return asObject(v, join(path, key));
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}
