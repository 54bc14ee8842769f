import { mergeTelemetry, splitTelemetry, type Signal, type Telemetry } from '../model/index.js';
import type { BatchConfig } from './config.js';
import type { BoundedQueue, QueueEntry } from './queue.js';

export interface Batch {
  /** The queue entries this batch covers: acknowledged together once it is settled. */
  entries: QueueEntry[];
  /** One signal's data each, merged and cut to `send_batch_max_size`. */
  pieces: { signal: Signal; data: Telemetry }[];
}

/**
 * The Collector's batcher behind the queue: waits up to `timeout` for `send_batch_size` items,
 * merges what it took per signal and cuts it to `send_batch_max_size`. Resolves undefined once
 * the queue is closed and empty.
 */
export async function nextBatch(queue: BoundedQueue, cfg: BatchConfig): Promise<Batch | undefined> {
  const entries = await queue.take({ targetItems: cfg.send_batch_size, maxItems: cfg.send_batch_max_size, lingerMs: cfg.timeout });
  if (entries.length === 0) return undefined;
  return { entries, pieces: piecesOf(entries, cfg.send_batch_max_size) };
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
