import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { Consumer, Commit } from '../consumer/consumer.js';
import { BackpressureError } from '../formats/errors.js';
import type { EncodeContext, ExporterDefinition, Transport } from '../formats/types.js';
import { countItems, type Signal, type Telemetry } from '../model/index.js';
import type { Logger } from '../observe/logger.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import { acknowledger, queueBatches, type Batch, type BatchSource } from './batcher.js';
import { TraceGrouper } from './trace-grouper.js';
import { compressLayer } from './compress-layer.js';
import type { BatchConfig, ExporterConfig } from './config.js';
import { DeadLetterFile } from './dead-letter.js';
import { encodeIsolating } from './encode-stage.js';
import { HttpTransport } from './http-transport.js';
import { MAX_NARROWING_DEPTH, narrowable } from './narrow.js';
import { OutcomeRecorder } from './outcome.js';
import { BoundedQueue, type QueueStorage } from './queue.js';
import { retryLayer } from './retry-layer.js';
import { stack, type Sender } from './sender.js';
import { timeoutLayer } from './timeout-layer.js';

/** What an exporter tells its queue storage. */
export interface StorageOptions {
  maxBytes: number;
  onDiskError(op: 'ack' | 'delete', error: Error): void;
}

export interface ExporterOptions {
  id: string;
  definition: ExporterDefinition;
  config: ExporterConfig;
  batch: BatchConfig;
  metrics: SelfMetrics;
  logger: Logger;
  /** Makes a persistent queue's storage for a directory. */
  openStorage?: (dir: string, id: string, opts: StorageOptions) => QueueStorage;
  dataDir?: string;
}

/**
 * exporterhelper in TypeScript: a stack of small layers over one interface.
 *
 *   queue (memory or disk) → batcher → encode (bad items set aside alone)
 *     → compress → retry → timeout (+ shutdown abort) → transport → outcome
 *
 * A format supplies only `encode`, its AnswerRules and, when not HTTP, a transport. Each
 * exporter has its own queue and consumers, so a slow target never stalls another.
 */
export class Exporter implements Consumer {
  readonly mutatesData = false;
  readonly queue: BoundedQueue;
  readonly outcome: OutcomeRecorder;
  private readonly transport: Transport;
  private readonly sender: Sender;
  private readonly stopping = new AbortController();
  private consumers: Promise<void>[] = [];
  private readonly log: Logger;
  private readonly storage?: QueueStorage;
  /** sending_queue.enabled: false — a commit resolves only once its data is settled. */
  private readonly synchronous: boolean;
  private readonly settled = new Map<number, () => void>();
  private readonly encodeContext: EncodeContext;
  private readonly deadLetterFile: DeadLetterFile;

  constructor(private readonly o: ExporterOptions) {
    const q = o.config.sending_queue;
    // Every send in flight listens for the stop in up to three layers (timeout, retry, transport):
    // with num_consumers of them that is many listeners by design, not a leak.
    setMaxListeners(0, this.stopping.signal);
    this.synchronous = !q.enabled;
    this.log = o.logger.child({ exporter: o.id });
    const onDiskError = (op: string, e: Error) => this.diskFailed(op, e);
    this.storage = q.storage && q.enabled && o.openStorage ? o.openStorage(q.storage, o.id, { maxBytes: q.queue_bytes, onDiskError }) : undefined;
    this.queue = new BoundedQueue({ maxItems: q.queue_size, maxBytes: q.queue_bytes }, this.storage);
    const deadLetterPath = o.config.dead_letter_path ?? join(o.dataDir ?? 'data', 'dead-letter', `${o.id.replace(/[^\w.-]/g, '_')}.jsonl`);
    this.deadLetterFile = new DeadLetterFile(deadLetterPath, o.id, {
      onError: (e) => onDiskError('dead_letter', e),
      stopping: this.stopping.signal,
      onGiveUp: (text, e) => this.log.error({ err: e.message, dead_letters: text }, 'could not write dead letters before the shutdown deadline; they are kept in this log line'),
    });
    this.outcome = new OutcomeRecorder(o.id, o.metrics, this.log, this.deadLetterFile);
    this.transport =
      o.definition.createTransport?.(o.config) ??
      new HttpTransport({
        endpoint: o.config.endpoint!,
        timeoutMs: o.config.timeout,
        connections: q.num_consumers,
        auth: o.definition.auth,
        apiKey: o.config.api_key,
        headers: o.config.headers,
        answers: o.definition.answers,
        tls: o.config.tls,
      });
    this.sender = stack(
      this.transport,
      compressLayer,
      retryLayer(o.config.retry_on_failure, {
        onRetry: (reason, status, attempt, delay) => {
          o.metrics.exporterRetries.inc({ exporter: o.id });
          this.log.warn({ attempt, delay_ms: Math.round(delay), status, reason }, 'retrying request');
        },
      }),
      timeoutLayer(o.config.timeout),
    );
    o.metrics.queueCapacity.set({ exporter: o.id }, q.queue_size);
    this.encodeContext = {
      config: o.config,
      note: (event, count) => o.metrics.exporterTransformed.inc({ exporter: o.id, event }, count),
      fidelity: (kind, field, count) => (kind === 'dropped' ? o.metrics.fieldsDropped : o.metrics.fieldsCoerced).inc({ exporter: o.id, field }, count),
    };
  }

  get id(): string {
    return this.o.id;
  }

  /** Whether spans wait for the rest of their trace before they are encoded (group_by_trace). */
  get groupsTraces(): boolean {
    return this.o.config.group_by_trace.enabled ?? this.o.definition.groupsByTrace ?? false;
  }

  get deadLetters(): DeadLetterFile {
    return this.outcome.deadLetters;
  }

  async start(): Promise<void> {
    const replayed = await this.queue.open();
    // A file-backed queue reports the damaged records it had to skip while replaying.
    const corrupt = (this.storage as { corruptRecords?: number } | undefined)?.corruptRecords;
    if (corrupt) this.o.metrics.queueCorrupt.inc({ exporter: this.id }, corrupt);
    if (replayed) {
      this.o.metrics.exporterReplayed.inc({ exporter: this.id }, replayed);
      this.log.info({ batches: replayed }, 'replaying persistent queue');
    }
    this.updateQueueGauge();
    const ack = acknowledger(this.queue, (entries) => {
      for (const entry of entries) {
        this.settled.get(entry.seq)?.();
        this.settled.delete(entry.seq);
      }
      this.updateQueueGauge();
    });
    const source: BatchSource = this.groupsTraces
      ? new TraceGrouper(this.queue, this.o.batch, this.o.config.group_by_trace, ack, { evictedEarly: (n) => this.o.metrics.tracesEvicted.inc({ exporter: this.id }, n) })
      : queueBatches(this.queue, this.o.batch, ack);
    for (let i = 0; i < this.o.config.sending_queue.num_consumers; i++) this.consumers.push(this.consume(source));
  }

  hasRoom(items: number, bytes: number): boolean {
    return this.queue.hasRoom(items, bytes);
  }

  prepare(signal: Signal, data: Telemetry, bytes: number): Commit {
    const items = countItems(data, signal);
    if (!this.queue.hasRoom(items, bytes)) throw new BackpressureError(`exporter "${this.id}" queue is full`, 1);
    return () => this.enqueue(signal, data, items, bytes);
  }

  /** The last failed disk write (queue or dead letters), until one succeeds again: for /healthz. */
  get diskError(): string | undefined {
    return this.storage?.diskError ?? this.deadLetterFile.error;
  }

  private async enqueue(signal: Signal, data: Telemetry, items: number, bytes: number): Promise<void> {
    let seq: number | undefined;
    try {
      seq = await this.queue.offer(signal, data, items, bytes);
    } catch (e) {
      // A full or failing disk is back-pressure: the client keeps the data and retries later.
      this.diskFailed('queue_write', e as Error);
      throw new BackpressureError(`exporter "${this.id}" cannot write its queue to disk`, 5);
    } finally {
      this.updateQueueGauge();
    }
    if (seq === undefined) throw new BackpressureError(`exporter "${this.id}" queue is full`, 1);
    if (this.synchronous) await new Promise<void>((resolve) => this.settled.set(seq, resolve));
  }

  private diskFailed(op: string, e: Error): void {
    this.o.metrics.diskErrors.inc({ exporter: this.id, op });
    this.log.error({ op, err: e.message }, 'disk write failed');
  }

  private updateQueueGauge(): void {
    this.o.metrics.queueSize.set({ exporter: this.id }, this.queue.size);
    const disk = this.storage?.diskBytes;
    if (disk !== undefined) this.o.metrics.queueDiskBytes.set({ exporter: this.id }, disk);
    this.o.metrics.diskDegraded.set({ exporter: this.id }, this.diskError ? 1 : 0);
  }

  private async consume(source: BatchSource): Promise<void> {
    for (;;) {
      const batch = await source.next();
      if (!batch) return;
      let delivered = true;
      try {
        delivered = await this.deliver(batch);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'unexpected failure while exporting; dead-lettering the batch');
        for (const p of batch.pieces) await this.outcome.setAside(p.signal, p.data, countItems(p.data, p.signal), 'internal_error', (e as Error).message);
      }
      try {
        await batch.settle(delivered);
      } catch (e) {
        // The data is sent or dead-lettered; only the bookkeeping failed (at worst, a replay).
        this.log.error({ err: (e as Error).message }, 'could not acknowledge a batch');
      }
    }
  }

  /** Encodes and sends a batch; false only when shutdown interrupted a persistent queue's delivery. */
  private async deliver(batch: Batch): Promise<boolean> {
    for (const { signal, data } of batch.pieces) if (!(await this.deliverPiece(signal, data, 0))) return false;
    return true;
  }

  private async deliverPiece(signal: Signal, data: Telemetry, depth: number): Promise<boolean> {
    const { requests, setAside } = await encodeIsolating(this.o.definition, data, this.encodeContext);
    for (const bad of setAside) await this.outcome.setAside(signal, bad.data, bad.items, bad.reason, bad.error);
    for (const req of requests) {
      const result = await this.sender.send(req, this.stopping.signal);
      if (result.kind === 'retry') throw new Error('retry layer returned a retryable result');
      // A persistent queue keeps an interrupted request for replay; a memory queue cannot, so it
      // goes to the dead-letter file rather than silently away.
      if (result.kind === 'aborted' && this.queue.persistent) return false;
      const halves = requests.length === 1 && depth < MAX_NARROWING_DEPTH ? narrowable(result, req, data) : undefined;
      if (halves) {
        this.o.metrics.exporterTransformed.inc({ exporter: this.id, event: 'narrowed' }, req.items);
        this.log.warn({ status: (result as { status?: number }).status, items: req.items }, 'target refused a many-item request; resending it in halves');
        for (const half of halves) if (!(await this.deliverPiece(signal, half, depth + 1))) return false;
        continue;
      }
      await this.outcome.request(req, signal, result);
    }
    return true;
  }

  /**
   * Stops taking work and drains within the deadline; then aborts what is in flight. What is
   * left stays on disk (persistent queue) or goes to the dead-letter file (memory queue).
   */
  async shutdown(deadlineMs: number): Promise<void> {
    this.queue.close();
    const timer = setTimeout(() => this.stopping.abort(), deadlineMs);
    await Promise.all(this.consumers);
    clearTimeout(timer);
    if (!this.queue.persistent) {
      for (const e of this.queue.drainPending()) {
        await this.outcome.setAside(e.signal, e.data, e.items, 'shutdown', 'not delivered before the drain deadline');
        this.settled.get(e.seq)?.();
      }
    }
    await this.transport.close?.();
    await this.queue.closeStorage();
  }
}
