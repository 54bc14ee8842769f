/**
 * A hand-written decoder for OTLP's KeyValue / AnyValue, the hottest messages of the protobuf
 * path (a GenAI span carries ten to thirty attributes). It reads the wire format with
 * protobufjs' own Reader straight into model values, replacing protobufjs' generated KeyValue
 * decoder inside the decode-only Root (see proto-loader.ts): the generated code allocates two
 * message objects and a Long per attribute and sets AnyValue's oneof through a setter that
 * deletes the six other members, which together were over a third of the decode time.
 *
 * Field numbers are those of common.proto: KeyValue { key = 1; value = 2 },
 * AnyValue { string 1, bool 2, int64 3, double 4, ArrayValue 5, KeyValueList 6, bytes 7 },
 * ArrayValue { repeated AnyValue values = 1 }, KeyValueList { repeated KeyValue values = 1 }.
 */
import type protobuf from 'protobufjs';
import { KeyValueList, type AnyValue, type Attributes } from '../../model/index.js';
import { activeBudget } from '../decode-budget.js';
import { i64 } from './wire.js';

/** What the patched KeyValue decoder yields in place of a KeyValue message. */
export interface DecodedKeyValue {
  key: string;
  value: AnyValue;
}

/** Deepest AnyValue nesting accepted (arrays and kvlists in arrays and kvlists). */
export const MAX_ANY_DEPTH = 64;

type Reader = protobuf.Reader;

/**
 * Signature protobufjs' generated parent decoders call: (reader, length, endGroup, depth). Called
 * that way, the KeyValue is an attribute of an item, charged to the request's budget.
 */
export function decodeKeyValue(r: Reader, len: number, _z?: unknown, depth = 0): DecodedKeyValue {
  const b = activeBudget();
  if (b) {
    b.container(depth);
    b.attribute();
  }
  return readKeyValue(r, len, depth);
}

function readKeyValue(r: Reader, len: number, depth: number): DecodedKeyValue {
  const end = r.pos + len;
  let key = '';
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: key = r.stringVerify(); break;
      case 0x12: value = decodeAnyValue(r, r.uint32(), depth + 1); break;
      default: r.skipType(tag & 7);
    }
  }
  if (r.pos !== end) throw new RangeError('index out of range');
  return { key, value };
}

export function decodeAnyValue(r: Reader, len: number, depth: number): AnyValue {
  const maxDepth = activeBudget()?.maxDepth ?? MAX_ANY_DEPTH;
  if (depth > maxDepth) throw new Error(`AnyValue nesting is deeper than ${maxDepth}`);
  const end = r.pos + len;
  // The oneof's last member on the wire wins, as protobuf requires.
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: value = r.stringVerify(); break;
      case 0x10: value = r.bool(); break;
      case 0x18: value = i64(r.int64() as unknown as { low: number; high: number }); break;
      case 0x21: value = r.double(); break;
      case 0x2a: value = decodeArrayValue(r, r.uint32(), depth); break;
      case 0x32: value = new KeyValueList(decodeKvList(r, r.uint32(), depth)); break;
      // A copy: r.bytes() is a view into the whole request body, which must not be retained.
      case 0x3a: value = new Uint8Array(r.bytes()); break;
      default: r.skipType(tag & 7);
    }
  }
  if (r.pos !== end) throw new RangeError('index out of range');
  return value;
}

function decodeArrayValue(r: Reader, len: number, depth: number): AnyValue[] {
  const end = r.pos + len;
  const out: AnyValue[] = [];
  const b = activeBudget();
  b?.container(depth);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      b?.element(out.length + 1, 'an array value');
      out.push(decodeAnyValue(r, r.uint32(), depth + 1));
    } else r.skipType(tag & 7);
  }
  if (r.pos !== end) throw new RangeError('index out of range');
  return out;
}

function decodeKvList(r: Reader, len: number, depth: number): Attributes {
  const end = r.pos + len;
  const out: Attributes = {};
  const b = activeBudget();
  b?.container(depth);
  let n = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      if (b) {
        b.element(++n, 'a kvlist value');
        b.container(depth + 1);
      }
      const kv = readKeyValue(r, r.uint32(), depth + 1);
      setAttr(out, kv.key, kv.value);
    } else r.skipType(tag & 7);
  }
  if (r.pos !== end) throw new RangeError('index out of range');
  return out;
}

/** Sets a key without letting `__proto__` rewrite the object's prototype. */
export function setAttr(out: Attributes, key: string, value: AnyValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
