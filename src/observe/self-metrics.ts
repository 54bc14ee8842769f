import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Switchyard's own metrics, in the Collector's spirit: per-component counters of items received,
 * accepted, refused, sent, failed, retried and dead-lettered, queue gauges and request latency.
 * Labels are component ids and signals only: never a key, header or payload value.
 */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly receiverAccepted = this.counter('switchyard_receiver_accepted_items_total', 'Items accepted by a receiver and queued for every exporter', ['receiver', 'signal']);
  readonly receiverRefused = this.counter('switchyard_receiver_refused_items_total', 'Items refused by a receiver (invalid input or back-pressure)', ['receiver', 'reason']);
  /** Samples written through a receiver (remote-write), to reconcile with prometheus_remote_storage_samples_total. */
  readonly receiverSamples = this.counter('switchyard_receiver_samples_total', 'Float samples a receiver accepted and queued (remote-write), as Prometheus counts them', ['receiver']);
  readonly receiverRequests = this.counter('switchyard_receiver_requests_total', 'Requests by receiver and response status', ['receiver', 'status']);
  readonly requestDuration = new Histogram({
    name: 'switchyard_receiver_request_duration_seconds',
    help: 'Time from request start to response',
    labelNames: ['receiver'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly exporterSent = this.counter('switchyard_exporter_sent_items_total', 'Items delivered by an exporter', ['exporter', 'signal']);
  readonly exporterFailed = this.counter('switchyard_exporter_send_failed_items_total', 'Items an exporter could not deliver (dead-lettered)', ['exporter', 'signal']);
  readonly exporterRetries = this.counter('switchyard_exporter_retries_total', 'Request attempts that were retried', ['exporter']);
  readonly exporterRequests = this.counter('switchyard_exporter_requests_total', 'Requests sent by outcome', ['exporter', 'outcome']);
  readonly exporterDeadLettered = this.counter('switchyard_exporter_dead_lettered_items_total', 'Items written to the dead-letter file', ['exporter', 'reason']);
  readonly exporterTransformed = this.counter('switchyard_exporter_items_transformed_total', 'Items an encoder truncated, split or skipped', ['exporter', 'event']);
  readonly fieldsDropped = this.counter('switchyard_exporter_fields_dropped_total', 'Source facts an exporter\'s target could not hold, by model field', ['exporter', 'field']);
  readonly fieldsCoerced = this.counter('switchyard_exporter_fields_coerced_total', 'Source facts converted so that the target could hold them, by model field', ['exporter', 'field']);
  readonly tracesEvicted = this.counter('switchyard_exporter_traces_evicted_early_total', 'Traces sent before their group_by_trace wait was over, because num_traces were held', ['exporter']);
  readonly exporterReplayed = this.counter('switchyard_exporter_queue_replayed_batches_total', 'Batches replayed from a persistent queue at start', ['exporter']);
  readonly queueCorrupt = this.counter('switchyard_exporter_queue_corrupt_records_total', 'Corrupt persistent-queue records skipped at start', ['exporter']);
  readonly diskErrors = this.counter('switchyard_exporter_disk_errors_total', 'Failed writes of a persistent queue or dead-letter file (a full or failing disk), by operation', ['exporter', 'op']);
  readonly diskDegraded = new Gauge({ name: 'switchyard_exporter_disk_degraded', help: '1 while an exporter\'s last queue or dead-letter write failed', labelNames: ['exporter'], registers: [this.registry] });
  readonly queueDiskBytes = new Gauge({ name: 'switchyard_exporter_queue_disk_bytes', help: 'Bytes a persistent queue takes on disk (bounded by queue_bytes)', labelNames: ['exporter'], registers: [this.registry] });
  readonly queueSize = new Gauge({ name: 'switchyard_exporter_queue_size', help: 'Items queued or in flight', labelNames: ['exporter'], registers: [this.registry] });
  readonly queueCapacity = new Gauge({ name: 'switchyard_exporter_queue_capacity', help: 'Queue capacity in items', labelNames: ['exporter'], registers: [this.registry] });
  readonly processorEvents = this.counter('switchyard_processor_events_total', 'Processor events (dropped, redacted, …)', ['processor', 'event']);

  constructor() {
    // Process and runtime gauges (RSS, heap, external memory, event-loop lag, GC) with a prefix.
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
  }

  private counter(name: string, help: string, labelNames: string[]): Counter<string> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
