import type { Signal, Telemetry } from './telemetry.js';

/**
 * The bytes a batch was decoded from, kept beside a model that is built only when something
 * reads it. A relay whose pipeline changes nothing (remote-write in → remote-write out) then
 * forwards what the receiver validated instead of building and re-encoding an object graph,
 * and its queue holds compact bytes rather than that graph.
 *
 * Safe by construction: the first read of the signal's property builds the model and forgets
 * the original, so a processor, a clone or an encoder that reads the model can never have its
 * changes overtaken by stale bytes. Only code that asks `wireOf` first sees the original.
 */
export interface WireOriginal {
  /** The message type, e.g. `prometheus.WriteRequest`. */
  readonly format: string;
  readonly signal: Signal;
  /**
   * Serialised messages whose concatenation is one message of the same type (protobuf merges
   * repeated fields that way), so that batches merge without being parsed.
   */
  readonly parts: readonly Uint8Array[];
  /** Items as the model counts them (what `countItems` would say once it is built). */
  readonly items: number;
  /** Bytes of all parts. */
  readonly bytes: number;
  /** The snappy block the single part arrived as, when it did: forwarded without recompressing. */
  readonly snappy?: Uint8Array;
}

const WIRE = Symbol('switchyard.wireOriginal');

type Lazy = Telemetry & { [WIRE]?: WireOriginal };

/**
 * A telemetry object whose `signal` property is built by `build` on first read. Spreads and
 * copies read it too (so they carry the model, never the original); the original itself is a
 * non-enumerable property that no copy takes along.
 */
export function lazyTelemetry(original: WireOriginal, build: () => NonNullable<Telemetry[Signal]>): Telemetry {
  const t = {} as Lazy;
  Object.defineProperty(t, WIRE, { value: original, configurable: true, enumerable: false, writable: false });
  const settle = (value: unknown): void => {
    delete t[WIRE];
    Object.defineProperty(t, original.signal, { value, configurable: true, enumerable: true, writable: true });
  };
  Object.defineProperty(t, original.signal, {
    configurable: true,
    enumerable: true,
    get() {
      const value = build();
      settle(value);
      return value;
    },
    set(value: unknown) {
      settle(value);
    },
  });
  return t;
}

/** The original bytes, while the model has not been read. */
export function wireOf(t: Telemetry): WireOriginal | undefined {
  return (t as Lazy)[WIRE];
}

/**
 * Merges batches that all still hold originals of one format into one lazy batch (parts
 * concatenated, models built and merged on demand); undefined when any of them does not.
 */
export function mergeOriginals(parts: readonly Telemetry[], mergeModels: (built: Telemetry[]) => Telemetry): Telemetry | undefined {
  const originals: WireOriginal[] = [];
  for (const p of parts) {
    const w = wireOf(p);
    if (!w || (originals.length && (w.format !== originals[0]!.format || w.signal !== originals[0]!.signal))) return undefined;
    originals.push(w);
  }
  const first = originals[0];
  if (!first) return undefined;
  const merged: WireOriginal = {
    format: first.format,
    signal: first.signal,
    parts: originals.flatMap((o) => o.parts),
    items: originals.reduce((n, o) => n + o.items, 0),
    bytes: originals.reduce((n, o) => n + o.bytes, 0),
  };
  // Reading each part's signal builds that part's model (and forgets its original) first.
  const signal = first.signal;
  return lazyTelemetry(merged, () => mergeModels(parts.map((p) => ({ [signal]: p[signal] }) as Telemetry))[signal] ?? []);
}
