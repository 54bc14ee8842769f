/**
 * Hostile-input generators for the receiver fuzz tests: byte-level mutations, JSON-structure
 * mutations, and a small protobuf wire-format tree that can be re-serialised with correct lengths
 * (so a mutation deep inside stays reachable) or with deliberately absurd varints and lengths.
 */
import fc from 'fast-check';

// ------------------------------------------------------------------ bytes

export type ByteOp =
  | { op: 'set'; pos: number; byte: number }
  | { op: 'insert'; pos: number; bytes: Uint8Array }
  | { op: 'delete'; pos: number; len: number };

export const byteOpsArb: fc.Arbitrary<ByteOp[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('set' as const), pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      pos: fc.nat(),
      bytes: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        fc.constantFrom(...['{', '[', '"', '\\', ',', ':', '}', ']', 'null', '\\u', '\u00e9', '\ud83d'].map((s) => new Uint8Array(Buffer.from(s)))),
      ),
    }),
    fc.record({ op: fc.constant('delete' as const), pos: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  ),
  { minLength: 1, maxLength: 8 },
);

export function applyByteOps(base: Uint8Array, ops: ByteOp[]): Buffer {
  let b = Buffer.from(base);
  for (const o of ops) {
    const pos = b.length ? o.pos % (b.length + (o.op === 'insert' ? 1 : 0)) : 0;
    if (o.op === 'set') {
      if (b.length) b[pos] = b[pos] === o.byte ? o.byte ^ 0xff : o.byte;
    } else if (o.op === 'insert') {
      b = Buffer.concat([b.subarray(0, pos), o.bytes, b.subarray(pos)]);
    } else {
      b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + o.len)]);
    }
  }
  return b;
}

/** The body cut at a random point (never the whole body). */
export const truncateArb = (base: Uint8Array): fc.Arbitrary<Buffer> =>
  fc.integer({ min: 0, max: Math.max(0, base.length - 1) }).map((n) => Buffer.from(base.subarray(0, n)));

// ------------------------------------------------------------------ JSON structure

type Json = unknown;
export type JsonPath = (string | number)[];

export function jsonPaths(v: Json, path: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonPaths(x, [...path, k], out);
  return out;
}

function getAt(doc: Json, path: JsonPath): Json {
  let cur = doc as Record<string | number, Json>;
  for (const k of path) cur = cur[k] as Record<string | number, Json>;
  return cur;
}

/** A deep copy of `doc` with the value at `path` replaced by `f(old)` (`undefined` deletes it). */
export function updateAt(doc: Json, path: JsonPath, f: (old: Json) => Json): Json {
  if (path.length === 0) return f(doc);
  const copy = structuredClone(doc) as Record<string | number, Json>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const next = f(parent[key]);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    parent[key] = next;
  }
  return copy;
}

/**
 * Values JSON.stringify cannot write as such (1e400, -0, 20-digit integers) travel as marker
 * strings and are spliced in raw by `stringifyRaw`.
 */
const rawTokens: string[] = [];
const RAW = (token: string) => {
  let i = rawTokens.indexOf(token);
  if (i < 0) i = rawTokens.push(token) - 1;
  return `\u0000RAW:${i}\u0000`;
};
export function stringifyRaw(doc: Json): string {
  return JSON.stringify(doc).replace(/"\\u0000RAW:(\d+)\\u0000"/g, (_, i: string) => rawTokens[Number(i)]!);
}
export const raw = RAW;

const RAW_NUMBERS = ['1e400', '-1e400', '1E-400', '-0', '123456789012345678901234567890', '9007199254740993', '18446744073709551616',
  '-9223372036854775809', '0.000000000000000000000000001', '1.7976931348623157e308', '4.9e-324'];

/** Values that are wrong for (almost) any field: wrong types, nulls, huge numbers, number-ish strings. */
export const nastyValueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null, true, false, 0, -1, 1.5, -1.5, 2 ** 53 + 1, -(2 ** 63), 2 ** 64, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE,
    '', ' ', 'NaN', '-NaN', 'Infinity', '-Infinity', '-1', '1e5', '0x1f', ' 12', '1.5', '-0', '99999999999999999999999999',
    '-9223372036854775809', '18446744073709551616', '2024-13-45T99:99:99Z', 'null', 'true', '[]', '{}', '\u0000', '\ud800',
    [], {}, [null], [{}], [[]], [1, 'a', null], { '': null }, { __proto__: null, constructor: 1 }, { toString: 1, valueOf: 'x' },
  ),
  fc.constantFrom(...RAW_NUMBERS.map(RAW)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.tuple(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.boolean()).map(([n, asNumber]) => (asNumber ? RAW(String(n)) : String(n))),
);

export type JsonOp =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'wrapArray'; at: number }
  | { op: 'toString'; at: number }
  | { op: 'duplicate'; at: number; times: number };

export const jsonOpsArb: fc.Arbitrary<JsonOp[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: nastyValueArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('wrapArray' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('toString' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 20 }) }) },
  ),
  { minLength: 1, maxLength: 4 },
);

export function applyJsonOps(doc: Json, ops: JsonOp[]): Json {
  let cur = doc;
  for (const o of ops) {
    const paths = jsonPaths(cur);
    const path = paths[o.at % paths.length]!;
    switch (o.op) {
      case 'replace': cur = updateAt(cur, path, () => o.value); break;
      case 'delete': cur = path.length ? updateAt(cur, path, () => undefined) : cur; break;
      case 'wrapArray': cur = updateAt(cur, path, (v) => [v]); break;
      case 'toString': cur = updateAt(cur, path, (v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined')); break;
      case 'duplicate':
        cur = updateAt(cur, path, (v) => (Array.isArray(v) && v.length ? Array.from({ length: o.times }, (_, i) => structuredClone(v[i % v.length])) : v));
        break;
    }
  }
  return cur;
}

/** Paths of every string value (and the root path when there is none): where huge strings go. */
export function stringPaths(doc: Json): JsonPath[] {
  const ps = jsonPaths(doc).filter((p) => typeof getAt(doc, p) === 'string');
  return ps.length ? ps : [[]];
}

/** Paths of every non-empty array. */
export function arrayPaths(doc: Json): JsonPath[] {
  return jsonPaths(doc).filter((p) => {
    const v = getAt(doc, p);
    return Array.isArray(v) && v.length > 0;
  });
}

// ------------------------------------------------------------------ protobuf wire format

export function varint(n: bigint | number): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Uint8Array.from(out);
}

export interface PbNode {
  field: number;
  wire: number;
  /** wire 0: the varint's bytes; 1/5: the fixed bytes; 2 when not parsed as a message: the payload. */
  raw?: Uint8Array;
  children?: PbNode[];
  /** Bytes written instead of the real tag / length / varint value. */
  tagOverride?: Uint8Array;
  lenOverride?: Uint8Array;
}

function readVarint(b: Uint8Array, pos: number, end: number): [bigint, number] | undefined {
  let v = 0n;
  for (let i = 0; i < 10 && pos < end; i++) {
    const c = b[pos++]!;
    v |= BigInt(c & 0x7f) << BigInt(7 * i);
    if (c < 0x80) return [v, pos];
  }
  return undefined;
}

/** Parses bytes as a message tree; a length-delimited field that parses as a message gets children. */
export function parsePb(b: Uint8Array, start = 0, end = b.length, depth = 0): PbNode[] | undefined {
  const nodes: PbNode[] = [];
  let pos = start;
  while (pos < end) {
    const t = readVarint(b, pos, end);
    if (!t) return undefined;
    const tag = Number(t[0]);
    pos = t[1];
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) return undefined;
    if (wire === 0) {
      const v = readVarint(b, pos, end);
      if (!v) return undefined;
      nodes.push({ field, wire, raw: b.slice(pos, v[1]) });
      pos = v[1];
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > end) return undefined;
      nodes.push({ field, wire, raw: b.slice(pos, pos + n) });
      pos += n;
    } else if (wire === 2) {
      const l = readVarint(b, pos, end);
      if (!l) return undefined;
      const len = Number(l[0]);
      pos = l[1];
      if (pos + len > end) return undefined;
      const children = depth < 40 && len > 0 ? parsePb(b, pos, pos + len, depth + 1) : undefined;
      nodes.push(children ? { field, wire, children } : { field, wire, raw: b.slice(pos, pos + len) });
      pos += len;
    } else {
      return undefined;
    }
  }
  return nodes;
}

export function serializePb(nodes: PbNode[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const n of nodes) {
    parts.push(n.tagOverride ?? varint((n.field << 3) | n.wire));
    if (n.wire === 2 || n.children) {
      const payload = n.children ? serializePb(n.children) : (n.raw ?? new Uint8Array());
      parts.push(n.lenOverride ?? varint(payload.length), payload);
    } else {
      parts.push(n.raw ?? new Uint8Array([0]));
    }
  }
  return Buffer.concat(parts);
}

function flatten(nodes: PbNode[], out: { node: PbNode; siblings: PbNode[] }[] = []) {
  for (const node of nodes) {
    out.push({ node, siblings: nodes });
    if (node.children) flatten(node.children, out);
  }
  return out;
}

const ABSURD_VARINTS: Uint8Array[] = [
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 2^64-1
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 11 bytes: invalid
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // never terminated
  Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), // 2^63
  Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), // over-long zero
  varint(0xffffffff), varint(0x7fffffff), varint(0x80000000), varint(2 ** 35), varint(-1), varint(-(2n ** 63n)),
];

export type PbOp =
  | { op: 'absurdLen'; at: number; value: Uint8Array }
  | { op: 'lenDelta'; at: number; delta: number }
  | { op: 'absurdVarint'; at: number; value: Uint8Array }
  | { op: 'wire'; at: number; wire: number }
  | { op: 'field'; at: number; field: number }
  | { op: 'dup'; at: number; times: number }
  | { op: 'delete'; at: number }
  | { op: 'payload'; at: number; bytes: Uint8Array }
  | { op: 'reverse'; at: number };

export const pbOpsArb: fc.Arbitrary<PbOp[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('absurdLen' as const), at: fc.nat(), value: fc.constantFrom(...ABSURD_VARINTS) }),
    fc.record({ op: fc.constant('lenDelta' as const), at: fc.nat(), delta: fc.constantFrom(-1000, -2, -1, 1, 2, 1000) }),
    fc.record({ op: fc.constant('absurdVarint' as const), at: fc.nat(), value: fc.constantFrom(...ABSURD_VARINTS) }),
    fc.record({ op: fc.constant('wire' as const), at: fc.nat(), wire: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('field' as const), at: fc.nat(), field: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(2 ** 29 - 1)) }),
    fc.record({ op: fc.constant('dup' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 50 }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('payload' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
    fc.record({ op: fc.constant('reverse' as const), at: fc.nat() }),
  ),
  { minLength: 1, maxLength: 5 },
);

/** Applies tree mutations to a protobuf message and writes it back (lengths correct unless overridden). */
export function applyPbOps(msg: Uint8Array, ops: PbOp[]): Buffer {
  const tree = parsePb(msg);
  if (!tree) throw new Error('seed body is not a protobuf message');
  for (const o of ops) {
    const all = flatten(tree);
    if (!all.length) break;
    const { node, siblings } = all[o.at % all.length]!;
    switch (o.op) {
      case 'absurdLen': if (node.wire === 2) node.lenOverride = o.value; else node.raw = o.value; break;
      case 'lenDelta': {
        const len = node.children ? serializePb(node.children).length : (node.raw?.length ?? 0);
        node.lenOverride = varint(Math.max(0, len + o.delta));
        if (node.wire !== 2) { node.tagOverride = varint((node.field << 3) | 2); }
        break;
      }
      case 'absurdVarint': node.tagOverride = varint((node.field << 3) | 0); node.wire = 0; node.children = undefined; node.raw = o.value; break;
      case 'wire': node.tagOverride = varint((node.field << 3) | o.wire); break;
      case 'field': node.field = o.field; node.tagOverride = undefined; break;
      case 'dup': {
        const i = siblings.indexOf(node);
        siblings.splice(i, 0, ...Array.from({ length: o.times - 1 }, () => structuredClone(node)));
        break;
      }
      case 'delete': siblings.splice(siblings.indexOf(node), 1); break;
      case 'payload': node.children = undefined; node.wire = 2; node.raw = o.bytes; node.tagOverride = undefined; break;
      case 'reverse': node.children?.reverse(); break;
    }
  }
  return serializePb(tree);
}

/** Random protobuf messages: structurally plausible (tags, lengths right), semantically anything. */
export const randomPbArb: fc.Arbitrary<Buffer> = fc
  .letrec<{ msg: PbNode[]; node: PbNode }>((tie) => ({
    msg: fc.array(tie('node'), { maxLength: 6 }),
    node: fc.oneof(
      { depthSize: 'small' },
      fc.record({ field: fc.integer({ min: 1, max: 16 }), wire: fc.constant(0), raw: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(varint), fc.constantFrom(...ABSURD_VARINTS)) }),
      fc.record({ field: fc.integer({ min: 1, max: 16 }), wire: fc.constant(1), raw: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
      fc.record({ field: fc.integer({ min: 1, max: 16 }), wire: fc.constant(5), raw: fc.uint8Array({ minLength: 4, maxLength: 4 }) }),
      fc.record({ field: fc.integer({ min: 1, max: 16 }), wire: fc.constant(2), raw: fc.oneof(fc.uint8Array({ maxLength: 32 }), fc.string({ maxLength: 16 }).map((s) => new Uint8Array(Buffer.from(s)))) }),
      fc.record({ field: fc.integer({ min: 1, max: 16 }), wire: fc.constant(2), children: tie('msg') }),
    ),
  }))
  .msg.map(serializePb);

/**
 * OTLP AnyValue nested `depth` levels deep (array_value → ArrayValue.values → AnyValue …), written
 * front to back with precomputed lengths so that 100,000 levels cost O(n).
 */
export function nestedAnyValue(depth: number): Buffer {
  const vlen = (n: number) => varint(n).length;
  const inner = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue{string_value: "x"}
  const anyLen: number[] = [inner.length];
  const arrLen: number[] = [0];
  for (let i = 1; i <= depth; i++) {
    arrLen[i] = 1 + vlen(anyLen[i - 1]!) + anyLen[i - 1]!;
    anyLen[i] = 1 + vlen(arrLen[i]!) + arrLen[i]!;
  }
  const out = Buffer.alloc(anyLen[depth]!);
  let p = 0;
  const put = (bytes: ArrayLike<number>) => { out.set(bytes, p); p += bytes.length; };
  for (let i = depth; i >= 1; i--) {
    put([0x2a]); put(varint(arrLen[i]!)); // AnyValue.array_value = 5
    put([0x0a]); put(varint(anyLen[i - 1]!)); // ArrayValue.values = 1
  }
  put(inner);
  return out;
}

export function lenField(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}
