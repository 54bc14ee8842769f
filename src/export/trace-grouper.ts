import { countItems, mergeTelemetry, splitByTrace, splitTelemetry, type ResourceSpans, type Signal, type Telemetry } from '../model/index.js';
import type { Acknowledge, Batch, BatchSource } from './batcher.js';
import type { BatchConfig } from './config.js';
import type { BoundedQueue, QueueEntry } from './queue.js';

export interface GroupByTraceConfig {
  /** How long after a trace's last span arrived it is considered whole. */
  wait_duration: number;
  /** Traces held at most; past it the least recently seen goes out early (and is counted). */
  num_traces: number;
}

interface HeldTrace {
  parts: ResourceSpans[];
  items: number;
  entries: QueueEntry[];
  lastSeen: number;
}

interface ReadyPart {
  signal: Signal;
  data: Telemetry;
  items: number;
  entries: QueueEntry[];
}

export interface GrouperHooks {
  /** A trace released before its wait was over, because `num_traces` were held. */
  evictedEarly?(traces: number): void;
  now?(): number;
}

/**
 * The Collector's groupbytrace idea, behind the queue rather than in front of it: spans wait,
 * still unacknowledged in the queue, until `wait_duration` has passed since their trace's last
 * span, and then go out together, so that an encoder sees whole traces however many requests
 * carried them in. An entry is acknowledged once every trace it held part of is settled, so a
 * crash while grouping loses nothing (a persistent queue replays the entry).
 *
 * Other signals pass straight through. Memory is bounded by the queue (held spans still count
 * against `queue_size` and `queue_bytes`) and by `num_traces`.
 */
export class TraceGrouper implements BatchSource {
  private readonly held = new Map<string, HeldTrace>();
  private readonly ready: ReadyPart[] = [];
  private readonly refs = new Map<QueueEntry, number>();
  /** Entries with a part a shutdown interrupted: never acknowledged as delivered. */
  private readonly interrupted = new Set<QueueEntry>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly queue: BoundedQueue,
    private readonly batch: BatchConfig,
    private readonly cfg: GroupByTraceConfig,
    private readonly ack: Acknowledge,
    private readonly hooks: GrouperHooks = {},
  ) {
    this.now = hooks.now ?? Date.now;
    this.timer = setInterval(() => this.releaseExpired(), Math.max(5, Math.min(250, cfg.wait_duration / 4)));
    this.timer.unref();
    void this.gather();
  }

  /** Traces held now (for tests and gauges). */
  get heldTraces(): number {
    return this.held.size;
  }

  private async gather(): Promise<void> {
    for (;;) {
      const entries = await this.queue.take({ targetItems: 1, maxItems: 0, lingerMs: 0 });
      if (entries.length === 0) break;
      for (const e of entries) this.add(e);
    }
    // Closed and drained: whatever is held goes out now, whole as it is.
    this.closed = true;
    clearInterval(this.timer);
    for (const id of [...this.held.keys()]) this.release(id);
    this.wake();
  }

  private add(e: QueueEntry): void {
    if (e.signal !== 'traces' || !e.data.traces?.length) {
      this.refs.set(e, 1);
      this.ready.push({ signal: e.signal, data: e.data, items: e.items, entries: [e] });
      this.wake();
      return;
    }
    const byTrace = splitByTrace(e.data.traces);
    this.refs.set(e, byTrace.size);
    const now = this.now();
    for (const [id, parts] of byTrace) {
      const t = this.held.get(id) ?? { parts: [], items: 0, entries: [], lastSeen: now };
      t.parts.push(...parts);
      t.items += countItems({ traces: parts }, 'traces');
      t.entries.push(e);
      t.lastSeen = now;
      // Re-inserted, so the map stays ordered by last arrival: the oldest are first.
      this.held.delete(id);
      this.held.set(id, t);
    }
    let early = 0;
    while (this.held.size > this.cfg.num_traces) {
      this.release(this.held.keys().next().value!);
      early++;
    }
    if (early) this.hooks.evictedEarly?.(early);
  }

  private releaseExpired(): void {
    const cutoff = this.now() - this.cfg.wait_duration;
    for (const [id, t] of this.held) {
      if (t.lastSeen > cutoff) break;
      this.release(id);
    }
  }

  private release(id: string): void {
    const t = this.held.get(id)!;
    this.held.delete(id);
    this.ready.push({ signal: 'traces', data: { traces: t.parts }, items: t.items, entries: t.entries });
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async next(): Promise<Batch | undefined> {
    while (this.ready.length === 0) {
      if (this.closed && this.held.size === 0) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    // Whole traces, up to send_batch_size items (one trace alone may be larger).
    const taken: ReadyPart[] = [];
    let items = 0;
    while (this.ready.length > 0 && (taken.length === 0 || items + this.ready[0]!.items <= this.batch.send_batch_size)) {
      const part = this.ready.shift()!;
      taken.push(part);
      items += part.items;
    }
    const pieces: Batch['pieces'] = [];
    for (const signal of new Set(taken.map((p) => p.signal))) {
      const merged = mergeTelemetry(taken.filter((p) => p.signal === signal).map((p) => p.data));
      for (const data of splitTelemetry(merged, this.batch.send_batch_max_size)) pieces.push({ signal, data });
    }
    return { pieces, settle: (delivered) => this.settle(taken, delivered) };
  }

  private async settle(parts: readonly ReadyPart[], delivered: boolean): Promise<void> {
    const done: QueueEntry[] = [];
    const kept: QueueEntry[] = [];
    for (const p of parts) {
      for (const e of p.entries) {
        if (!delivered) this.interrupted.add(e);
        const left = (this.refs.get(e) ?? 1) - 1;
        if (left > 0) {
          this.refs.set(e, left);
          continue;
        }
        this.refs.delete(e);
        (this.interrupted.delete(e) ? kept : done).push(e);
      }
    }
    if (done.length) await this.ack(done, true);
    if (kept.length) await this.ack(kept, false);
  }
}
