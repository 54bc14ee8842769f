import type { Signal, Telemetry } from '../model/index.js';

export interface QueueEntry {
  /** Monotonic id, unique within one queue (across restarts for persistent queues). */
  seq: number;
  signal: Signal;
  data: Telemetry;
  items: number;
  bytes: number;
}

/**
 * Where a persistent queue keeps its entries. `append` resolves only when the entry is durable
 * (fsync'd), because a receiver acknowledges as soon as it resolves.
 */
export interface QueueStorage {
  /** Entries appended and never acknowledged before the last stop, in order. */
  open(): Promise<QueueEntry[]>;
  append(entry: QueueEntry): Promise<void>;
  ack(seqs: readonly number[]): Promise<void>;
  close(): Promise<void>;
  /** Bytes on disk now; when known, `queue_bytes` bounds this rather than the in-memory estimate. */
  readonly diskBytes?: number;
  /** The last write error, until a write succeeds again. */
  readonly diskError?: string;
}

export interface QueueLimits {
  maxItems: number;
  maxBytes: number;
}

export interface TakeOptions {
  /** Hand out at once when this many items wait. */
  targetItems: number;
  /** Never hand out more than this many items (0: no cap), unless a single entry is larger. */
  maxItems: number;
  /** How long to wait for `targetItems` after the first item arrived. */
  lingerMs: number;
}

/**
 * A bounded FIFO of batches in front of an exporter's consumers. Capacity counts items and bytes of
 * everything queued or in flight, so memory stays bounded; an entry leaves only when acknowledged.
 */
export class BoundedQueue {
  private pending: (QueueEntry | undefined)[] = [];
  private head = 0;
  private pendingItems = 0;
  private usedItems = 0;
  private usedBytes = 0;
  private nextSeq = 1;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly limits: QueueLimits, private readonly storage?: QueueStorage) {}

  /** Loads what a persistent queue held before a restart. Returns the number of entries replayed. */
  async open(): Promise<number> {
    if (!this.storage) return 0;
    const entries = await this.storage.open();
    for (const e of entries) {
      this.nextSeq = Math.max(this.nextSeq, e.seq + 1);
      this.pushPending(e);
      this.usedItems += e.items;
      this.usedBytes += e.bytes;
    }
    return entries.length;
  }

  get size(): number {
    return this.usedItems;
  }

  get capacity(): number {
    return this.limits.maxItems;
  }

  get bytes(): number {
    return this.usedBytes;
  }

  get persistent(): boolean {
    return this.storage !== undefined;
  }

  hasRoom(items: number, bytes: number): boolean {
    if (this.usedItems === 0) return true; // one oversized batch alone is always taken
    // A persistent queue is bounded by what it takes on disk (Vector's max_size), which also
    // counts acknowledged records not yet freed, so a long outage pushes back before the disk fills.
    const disk = this.storage?.diskBytes;
    if (disk !== undefined && disk + bytes > this.limits.maxBytes) return false;
    return this.usedItems + items <= this.limits.maxItems && this.usedBytes + bytes <= this.limits.maxBytes;
  }

  /**
   * Adds a batch; its sequence number, or undefined when full. Resolves after the entry is
   * durable (persistent queues), which is what a receiver waits for before acknowledging.
   */
  async offer(signal: Signal, data: Telemetry, items: number, bytes: number): Promise<number | undefined> {
    if (this.closed || !this.hasRoom(items, bytes)) return undefined;
    const entry: QueueEntry = { seq: this.nextSeq++, signal, data, items, bytes };
    this.usedItems += items;
    this.usedBytes += bytes;
    if (this.storage) {
      try {
        await this.storage.append(entry);
      } catch (e) {
        this.usedItems -= items;
        this.usedBytes -= bytes;
        throw e;
      }
    }
    this.pushPending(entry);
    return entry.seq;
  }

  private pushPending(e: QueueEntry): void {
    this.pending.push(e);
    this.pendingItems += e.items;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private get pendingCount(): number {
    return this.pending.length - this.head;
  }

  /**
   * Waits for work and hands out a batch of entries; [] once the queue is closed and empty.
   * Lingers up to `lingerMs` for `targetItems` to accumulate, like the Collector's batcher.
   */
  async take(opts: TakeOptions): Promise<QueueEntry[]> {
    while (this.pendingCount === 0) {
      if (this.closed) return [];
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.pendingItems < opts.targetItems && opts.lingerMs > 0 && !this.closed) {
      const deadline = Date.now() + opts.lingerMs;
      while (this.pendingItems < opts.targetItems && !this.closed) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          this.waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      if (this.pendingCount === 0) return this.take(opts);
    }
    const out: QueueEntry[] = [];
    let n = 0;
    while (this.pendingCount > 0) {
      const e = this.pending[this.head]!;
      if (out.length > 0 && opts.maxItems > 0 && n + e.items > opts.maxItems) break;
      // Drop the slot's reference at once: handed-out batches must not stay reachable from here
      // until the array is compacted (that kept up to a thousand delivered batches alive).
      this.pending[this.head++] = undefined;
      out.push(e);
      n += e.items;
      this.pendingItems -= e.items;
      if (n >= opts.targetItems) break;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Frees the capacity of delivered (or dead-lettered) entries and forgets them on disk. */
  async ack(entries: readonly QueueEntry[]): Promise<void> {
    for (const e of entries) {
      this.usedItems -= e.items;
      this.usedBytes -= e.bytes;
    }
    if (this.storage && entries.length) await this.storage.ack(entries.map((e) => e.seq));
  }

  /** Entries not yet handed out (for draining a memory queue into the dead-letter file). */
  drainPending(): QueueEntry[] {
    const out = this.pending.slice(this.head) as QueueEntry[];
    this.pending = [];
    this.head = 0;
    this.pendingItems = 0;
    return out;
  }

  /** Stops accepting; consumers finish what is queued, then get []. */
  close(): void {
    this.closed = true;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async closeStorage(): Promise<void> {
    await this.storage?.close();
  }
}
