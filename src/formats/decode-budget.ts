import protobuf from 'protobufjs';
import { InputError } from './errors.js';
import type { DecodeLimits } from './types.js';

/** Defaults for the structural limits (also the receiver config defaults, see common-schema.ts). */
export const DEFAULT_STRUCTURE_LIMITS = {
  maxContainers: 1_000_000,
  maxAttributesPerItem: 10_000,
  maxArrayLength: 100_000,
};

/**
 * Counts the structure a decoder builds while it builds it, so that a small body of many empty
 * containers (2 bytes each on the protobuf wire, 100+ bytes each in memory) is refused with a
 * 413 before the objects exist, instead of taking the process out of memory. One budget per
 * request; decoding is synchronous, so the budget of the request being decoded is a module
 * variable that the generated protobuf decoders reach through their wrappers (proto-loader.ts).
 */
export class DecodeBudget {
  containers = 0;
  /** Attributes of the message being decoded (reset per message by the message wrapper). */
  attrsHere = 0;
  /** Child messages of the message being decoded, any field (resources, scopes, spans, events…). */
  childrenHere = 0;
  readonly maxContainers: number;
  readonly maxAttributes: number;
  readonly maxArray: number;
  /** Deepest message nesting: the JSON limit plus the fixed OTLP envelope (request → point). */
  readonly maxDepth: number;

  constructor(limits: DecodeLimits) {
    this.maxContainers = limits.maxContainers ?? DEFAULT_STRUCTURE_LIMITS.maxContainers;
    this.maxAttributes = limits.maxAttributesPerItem ?? DEFAULT_STRUCTURE_LIMITS.maxAttributesPerItem;
    // A list of items (spans in a scope) may be as long as the item limit allows.
    this.maxArray = Math.max(limits.maxArrayLength ?? DEFAULT_STRUCTURE_LIMITS.maxArrayLength, limits.maxItems);
    this.maxDepth = limits.maxJsonDepth + 16;
  }

  /** One more container (message, object, array) at `depth`. */
  container(depth: number): void {
    if (++this.containers > this.maxContainers) {
      throw new InputError('', `request has more than the limit of ${this.maxContainers} containers (max_containers_per_request)`, 'too_large');
    }
    if (depth > this.maxDepth) throw new InputError('', `request nesting is deeper than the limit of ${this.maxDepth}`);
  }

  /** The n-th element (1-based) of one list. */
  element(n: number, what = 'a list'): void {
    if (n > this.maxArray) throw new InputError('', `${what} has more than the limit of ${this.maxArray} elements (max_array_length)`, 'too_large');
  }

  attribute(): void {
    if (++this.attrsHere > this.maxAttributes) {
      throw new InputError('', `an item has more than the limit of ${this.maxAttributes} attributes (max_attributes_per_item)`, 'too_large');
    }
  }
}

let current: DecodeBudget | undefined;

/** Runs a synchronous decode with `budget` as the budget the decoders charge. */
export function withBudget<T>(budget: DecodeBudget, fn: () => T): T {
  const prev = current;
  current = budget;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** The budget of the decode in progress, if any (offline tools decode without one). */
export function activeBudget(): DecodeBudget | undefined {
  return current;
}

type DecodeFn = (r: protobuf.Reader, l?: number, z?: number, q?: number, g?: unknown) => unknown;

/**
 * Wraps the generated decoder of every message type so that each message is charged to the
 * request's DecodeBudget before protobufjs allocates it: the container count, its place in its
 * parent's list, and the nesting depth (protobufjs passes it as the fourth argument).
 */
export function chargeEveryMessage(ns: protobuf.NamespaceBase, skip: Set<protobuf.Type> = new Set()): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type && !skip.has(nested)) {
      nested.setup();
      const t = nested as unknown as { decode: DecodeFn };
      const generated = t.decode;
      t.decode = function charged(r, l, z, q, g) {
        const b = current;
        if (b === undefined) return generated.call(nested, r, l, z, q, g);
        b.container(q ?? 0);
        // A top-level decode (q undefined) is a request or a piece a hand-written decoder hands over.
        if (q !== undefined) b.element(++b.childrenHere);
        const attrs = b.attrsHere;
        const children = b.childrenHere;
        b.attrsHere = 0;
        b.childrenHere = 0;
        const m = generated.call(nested, r, l, z, q, g);
        b.attrsHere = attrs;
        b.childrenHere = children;
        return m;
      };
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) chargeEveryMessage(nested as protobuf.NamespaceBase, skip);
  }
}
