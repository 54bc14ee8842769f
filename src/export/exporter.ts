import { join } from 'node:path';
import type { ExporterDefinition, OutboundRequest, Transport } from '../formats/types.js';
import { countItems, mergeTelemetry, serializeTelemetry, splitTelemetry, type Signal, type Telemetry } from '../model/index.js';
import type { BatchConfig, ExporterConfig } from '../pipeline/config/model.js';
import type { Logger } from '../observe/logger.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import { DeadLetterFile } from './dead-letter.js';
import { HttpTransport, type HttpTransportOptions } from './http-transport.js';
import { BoundedQueue, type QueueEntry, type QueueStorage } from './queue.js';
import { sendWithRetry } from './retry.js';
import { wireBody } from './compress.js';

export interface ExporterOptions {
  id: string;
  definition: ExporterDefinition;
  config: ExporterConfig;
  batch: BatchConfig;
  metrics: SelfMetrics;
  logger: Logger;
  /** Makes a persistent queue's storage for a directory (the reliability layer provides it). */
  openStorage?: (dir: string, id: string) => QueueStorage;
  dataDir?: string;
}


/**
 * exporterhelper in miniature: a bounded (optionally persistent) queue, `num_consumers` senders
 * that batch, encode, send with retry and dead-letter what cannot be delivered. Each exporter has
 * its own, so a slow vendor never stalls another.
 */
export class Exporter {
  readonly queue: BoundedQueue;
  readonly deadLetters: DeadLetterFile;
  private readonly transport: Transport;
  private readonly abort = new AbortController();
  private consumers: Promise<void>[] = [];
  private readonly log: Logger;
  private readonly storage?: QueueStorage;

  constructor(private readonly o: ExporterOptions) {
    const q = o.config.sending_queue;
    const storage = q.storage && o.openStorage ? o.openStorage(q.storage, o.id) : undefined;
    this.storage = storage;
    this.queue = new BoundedQueue({ maxItems: q.queue_size, maxBytes: q.queue_bytes }, storage);
    this.deadLetters = new DeadLetterFile(o.config.dead_letter_path ?? join(o.dataDir ?? 'data', 'dead-letter', `${o.id.replace(/[^\w.-]/g, '_')}.jsonl`), o.id);
    this.transport =
      o.definition.createTransport?.(o.config) ??
      new HttpTransport({
        endpoint: o.config.endpoint!,
        timeoutMs: o.config.timeout,
        connections: q.num_consumers,
        auth: o.definition.auth,
        apiKey: o.config.api_key,
        headers: o.config.headers,
        interpret: o.definition.interpret,
        tls: o.config.tls as HttpTransportOptions['tls'],
      });
    this.log = o.logger.child({ exporter: o.id });
    o.metrics.queueCapacity.set({ exporter: o.id }, q.queue_size);
  }

  get id(): string {
    return this.o.id;
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
    for (let i = 0; i < this.o.config.sending_queue.num_consumers; i++) this.consumers.push(this.consume());
  }

  hasRoom(items: number, bytes: number): boolean {
    return this.queue.hasRoom(items, bytes);
  }

  /** Queues a batch; false when the queue is full (the receiver then pushes back). */
  async enqueue(signal: Signal, data: Telemetry, items: number, bytes: number): Promise<boolean> {
    const ok = await this.queue.offer(signal, data, items, bytes);
    this.updateQueueGauge();
    return ok;
  }

  private updateQueueGauge(): void {
    this.o.metrics.queueSize.set({ exporter: this.id }, this.queue.size);
  }

  private async consume(): Promise<void> {
    const b = this.o.batch;
    for (;;) {
      const entries = await this.queue.take({ targetItems: b.send_batch_size, maxItems: b.send_batch_max_size, lingerMs: b.timeout });
      if (entries.length === 0) return;
      let delivered = true;
      try {
        delivered = await this.deliver(entries);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'unexpected failure while exporting; dead-lettering the batch');
        for (const e2 of entries) await this.deadLetters.writeRaw(`internal error: ${(e as Error).message}`, e2.items, serializeTelemetry(e2.data));
      }
      // A persistent queue keeps what an interrupted shutdown did not deliver; it replays on start.
      if (delivered || !this.queue.persistent) await this.queue.ack(entries);
      this.updateQueueGauge();
    }
  }

  /** Sends the entries; false only when shutdown interrupted delivery. */
  private async deliver(entries: QueueEntry[]): Promise<boolean> {
    const bySignal = new Map<Signal, Telemetry[]>();
    for (const e of entries) {
      let list = bySignal.get(e.signal);
      if (!list) bySignal.set(e.signal, (list = []));
      list.push(e.data);
    }
    for (const [signal, parts] of bySignal) {
      const merged = mergeTelemetry(parts);
      for (const piece of splitTelemetry(merged, this.o.batch.send_batch_max_size)) {
        let requests: OutboundRequest[];
        try {
          requests = this.o.definition.encode(piece, {
            config: this.o.config,
            note: (event, count) => this.o.metrics.exporterTransformed.inc({ exporter: this.id, event }, count),
          });
        } catch (e) {
          const items = countItems(piece);
          this.o.metrics.exporterFailed.inc({ exporter: this.id, signal }, items);
          this.o.metrics.exporterDeadLettered.inc({ exporter: this.id, reason: 'encode_error' }, items);
          await this.deadLetters.writeRaw(`encode_error: ${(e as Error).message}`, items, serializeTelemetry(piece));
          continue;
        }
        for (const req of requests) if (!(await this.sendOne(req, signal))) return false;
      }
    }
    return true;
  }

  private async sendOne(req: OutboundRequest, signal: Signal): Promise<boolean> {
    const m = this.o.metrics;
    // Compressed once, before the first attempt; retries resend the same bytes.
    const wire = req.contentEncoding ? { ...req, body: await wireBody(req) } : req;
    const result = await sendWithRetry(this.transport, wire, this.o.config.retry_on_failure, this.abort.signal, {
      onRetry: (r, attempt, delay) => {
        m.exporterRetries.inc({ exporter: this.id });
        this.log.warn({ attempt, delay_ms: Math.round(delay), status: r.status, reason: r.reason }, 'retrying request');
      },
    });
    switch (result.kind) {
      case 'ok':
        m.exporterRequests.inc({ exporter: this.id, outcome: 'ok' });
        m.exporterSent.inc({ exporter: this.id, signal }, req.items);
        return true;
      case 'partial': {
        const rejected = result.rejected;
        m.exporterRequests.inc({ exporter: this.id, outcome: 'partial' });
        m.exporterSent.inc({ exporter: this.id, signal }, req.items - rejected.length);
        m.exporterFailed.inc({ exporter: this.id, signal }, rejected.length);
        for (const r of rejected) m.exporterDeadLettered.inc({ exporter: this.id, reason: r.reason.split(/[:\s]/)[0] || 'rejected' });
        await this.deadLetters.writeRecords(rejected.map((r) => ({ record: req.records?.[r.index], reason: r.reason })), req);
        return true;
      }
      case 'aborted':
      case 'reject':
      case 'gave_up': {
        // A persistent queue keeps an interrupted request for replay; a memory queue cannot, so
        // it goes to the dead-letter file rather than silently away.
        if (result.kind === 'aborted' && this.queue.persistent) return false;
        const status = 'status' in result ? result.status : undefined;
        m.exporterRequests.inc({ exporter: this.id, outcome: result.kind });
        m.exporterFailed.inc({ exporter: this.id, signal }, req.items);
        m.exporterDeadLettered.inc({ exporter: this.id, reason: status ? `http_${status}` : result.kind }, req.items);
        this.log.error({ status, reason: result.reason, items: req.items }, 'request dead-lettered');
        await this.deadLetters.writeRequest(req, result.reason, status);
        return true;
      }
    }
    return true;
  }

  /** Stops taking work, drains within the deadline, keeps (persistent) or dead-letters the rest. */
  async shutdown(deadlineMs: number): Promise<void> {
    this.queue.close();
    const drained = Promise.all(this.consumers);
    const timer = setTimeout(() => this.abort.abort(), deadlineMs);
    await drained;
    clearTimeout(timer);
    if (!this.queue.persistent) {
      for (const e of this.queue.drainPending()) {
        this.o.metrics.exporterDeadLettered.inc({ exporter: this.id, reason: 'shutdown' }, e.items);
        await this.deadLetters.writeRaw('shutdown: not delivered before the drain deadline', e.items, serializeTelemetry(e.data));
      }
    }
    await this.transport.close?.();
    await this.queue.closeStorage();
  }
}
