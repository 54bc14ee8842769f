import { mergeTelemetry, splitTelemetry, type Signal, type Telemetry } from '../model/index.js';
import type { BatchConfig } from './config.js';
import type { BoundedQueue, QueueEntry } from './queue.js';

export interface Batch {
  /** One signal's data each, merged and cut to `send_batch_max_size`. */
  pieces: { signal: Signal; data: Telemetry }[];
  /**
   * Called once the batch is sent or dead-lettered (`delivered`), or was interrupted by a
   * shutdown (not delivered: a persistent queue then keeps its entries for the next start).
   */
  settle(delivered: boolean): Promise<void>;
}

/** Where an exporter's consumers get their batches: the queue itself, or a grouping stage. */
export interface BatchSource {
  /** The next batch; undefined once the queue is closed and everything was handed out. */
  next(): Promise<Batch | undefined>;
}

/** Acknowledges entries in the queue; `onAcked` hears of each (synchronous exporters wait on it). */
export type Acknowledge = (entries: readonly QueueEntry[], delivered: boolean) => Promise<void>;

export function acknowledger(queue: BoundedQueue, onAcked: (entries: readonly QueueEntry[]) => void): Acknowledge {
  return async (entries, delivered) => {
    if (delivered || !queue.persistent) await queue.ack(entries);
    onAcked(entries);
  };
}

/**
 * The Collector's batcher behind the queue: waits up to `timeout` for `send_batch_size` items,
 * merges what it took per signal and cuts it to `send_batch_max_size`.
 */
export function queueBatches(queue: BoundedQueue, cfg: BatchConfig, ack: Acknowledge): BatchSource {
  return {
    async next() {
      const entries = await queue.take({ targetItems: cfg.send_batch_size, maxItems: cfg.send_batch_max_size, lingerMs: cfg.timeout });
      if (entries.length === 0) return undefined;
      return { pieces: piecesOf(entries, cfg.send_batch_max_size), settle: (delivered) => ack(entries, delivered) };
    },
  };
}

export function piecesOf(entries: readonly QueueEntry[], maxItems: number): Batch['pieces'] {
  const bySignal = new Map<Signal, Telemetry[]>();
  for (const e of entries) {
    let list = bySignal.get(e.signal);
    if (!list) bySignal.set(e.signal, (list = []));
    list.push(e.data);
  }
  const out: Batch['pieces'] = [];
  for (const [signal, parts] of bySignal) {
    for (const data of splitTelemetry(mergeTelemetry(parts), maxItems)) out.push({ signal, data });
  }
  return out;
}
