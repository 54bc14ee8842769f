/**
 * Model → the OTLP export-request object tree (resource → scope → spans / metrics / logs), shared
 * by the JSON and protobuf encoders. The tree's shape is the same for both; only how scalars are
 * written differs, and that is left to a {@link WireFlavor}. Keys are added in the order OTLP/JSON
 * output is expected in (protobufjs encodes by field number, so order does not matter there);
 * default values are left out.
 *
 * The per-signal builders are encode-traces.ts, encode-metrics.ts and encode-logs.ts; this file
 * holds what they share (any values, attributes, resource, scope).
 *
 * This is the exporter's hot path: the flavor is passed down as an argument (no closures are
 * made per item) and the tree is built in one pass.
 */
import { isKeyValueList, type AnyValue, type Attributes, type InstrumentationScope, type Resource } from '../../model/index.js';

export type Obj = Record<string, unknown>;

/** How one encoding writes the scalars whose wire form differs between OTLP/JSON and protobuf. */
export interface WireFlavor {
  /** A 64-bit integer held as bigint: timestamps, int values. */
  int64(v: bigint): unknown;
  /** A 64-bit unsigned count held as a JS number. */
  count(n: number): unknown;
  /** A list of counts (bucket counts). */
  counts(ns: readonly number[]): unknown;
  double(n: number): unknown;
  /** A list of doubles (explicit bounds). */
  doubles(ns: readonly number[]): unknown;
  /** A bytes value. */
  bytes(b: Uint8Array): unknown;
  /** A trace or span id, given as lowercase hex ('' only for a required id that is empty). */
  id(hex: string): unknown;
}

export type Build<T> = (x: T, w: WireFlavor) => Obj;

/** `xs.map((x) => fn(x, w))` without a closure per call. */
export function each<T>(xs: readonly T[], fn: Build<T>, w: WireFlavor): Obj[] {
  const out: Obj[] = [];
  for (let i = 0; i < xs.length; i++) out.push(fn(xs[i]!, w));
  return out;
}

// ---- common ----

export function anyValue(v: AnyValue, w: WireFlavor): Obj {
  if (v === null) return {};
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: w.int64(v) };
    case 'number': return { doubleValue: w.double(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: each(v, anyValue, w) } };
  if (v instanceof Uint8Array) return { bytesValue: w.bytes(v) };
  if (isKeyValueList(v)) return { kvlistValue: { values: attributes(v.values, w) } };
  return {};
}

export function attributes(attrs: Attributes, w: WireFlavor): Obj[] {
  const out: Obj[] = [];
  for (const key in attrs) out.push({ key, value: anyValue(attrs[key]!, w) });
  return out;
}

export function resource(r: Resource, w: WireFlavor): Obj {
  const out: Obj = { attributes: attributes(r.attributes, w) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

export function scope(s: InstrumentationScope, w: WireFlavor): Obj {
  const out: Obj = { name: s.name };
  if (s.version) out.version = s.version;
  if (s.attributes) out.attributes = attributes(s.attributes, w);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

export function schema(o: Obj, url: string | undefined): Obj {
  if (url) o.schemaUrl = url;
  return o;
}
