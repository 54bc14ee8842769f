import type { OutboundRequest } from '../formats/types.js';
import { serializeTelemetry, type Signal, type Telemetry } from '../model/index.js';
import type { Logger } from '../observe/logger.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import type { DeadLetterFile } from './dead-letter.js';
import type { Outcome } from './sender.js';

/**
 * The last layer: what became of each request and item, in /metrics, the log and the
 * dead-letter file. Every item an exporter takes ends here exactly once: sent, refused by the
 * target (dead-lettered), given up on (dead-lettered) or set aside before sending.
 *
 * Metric labels come from a closed vocabulary and HTTP status codes, never from a target's text.
 */
export class OutcomeRecorder {
  constructor(
    private readonly id: string,
    private readonly metrics: SelfMetrics,
    private readonly log: Logger,
    readonly deadLetters: DeadLetterFile,
  ) {}

  /** Records a request's outcome. `aborted` is the caller's to decide (keep or dead-letter). */
  async request(req: OutboundRequest, signal: Signal, outcome: Exclude<Outcome, { kind: 'retry' }>): Promise<void> {
    const m = this.metrics;
    const exporter = this.id;
    switch (outcome.kind) {
      case 'ok':
        m.exporterRequests.inc({ exporter, outcome: 'ok' });
        m.exporterSent.inc({ exporter, signal }, req.items);
        return;
      case 'partial': {
        const refused = Math.min(outcome.rejected.count, req.items);
        m.exporterRequests.inc({ exporter, outcome: 'partial' });
        m.exporterSent.inc({ exporter, signal }, req.items - refused);
        m.exporterFailed.inc({ exporter, signal }, refused);
        m.exporterDeadLettered.inc({ exporter, reason: 'refused_item' }, refused);
        this.log.warn({ items: refused, message: outcome.rejected.message }, 'target refused some items');
        const byIndex = outcome.rejected.byIndex ?? [];
        const records = req.records ?? (req.recordsInBody ? (JSON.parse(typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8')) as unknown[]) : undefined);
        if (byIndex.length > 0 && records) {
          await this.deadLetters.writeRecords(byIndex.map((r) => ({ record: records[r.index], reason: r.reason })), req);
        } else {
          // The protocol does not say which items (OTLP partial_success): keep the request whole.
          await this.deadLetters.writeRequest(req, `partial: ${refused} item(s) refused: ${outcome.rejected.message ?? ''}`.trim(), undefined, refused);
        }
        return;
      }
      case 'aborted':
      case 'reject':
      case 'gave_up': {
        const status = 'status' in outcome ? outcome.status : undefined;
        m.exporterRequests.inc({ exporter, outcome: outcome.kind });
        m.exporterFailed.inc({ exporter, signal }, req.items);
        m.exporterDeadLettered.inc({ exporter, reason: status ? `http_${status}` : outcome.kind }, req.items);
        this.log.error({ status, reason: outcome.reason, items: req.items }, 'request dead-lettered');
        await this.deadLetters.writeRequest(req, outcome.reason, status);
        return;
      }
    }
  }

  /** Items set aside before sending (they could not be encoded, or were left at shutdown). */
  async setAside(signal: Signal, data: Telemetry, items: number, reason: 'contract' | 'encode_error' | 'shutdown' | 'internal_error', detail: string): Promise<void> {
    this.metrics.exporterFailed.inc({ exporter: this.id, signal }, items);
    this.metrics.exporterDeadLettered.inc({ exporter: this.id, reason }, items);
    if (reason !== 'shutdown') this.log.error({ items, reason: detail }, 'items set aside');
    await this.deadLetters.writeRaw(`${reason}: ${detail}`, items, serializeTelemetry(data));
  }
}
