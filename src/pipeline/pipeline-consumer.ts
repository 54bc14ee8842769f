import { NOTHING_TO_COMMIT, type Commit, type Consumer } from '../consumer/consumer.js';
import { Fanout } from '../consumer/fanout.js';
import { countItems, type Signal, type Telemetry } from '../model/index.js';
import type { Processor } from './processor-types.js';

export interface PipelineStage {
  id: string;
  processor: Processor;
  mutatesData: boolean;
}

/**
 * One pipeline as a consumer: its processors in order, then a fan-out to its exporters. The
 * processors run in `prepare`, so one that throws leaves nothing queued anywhere.
 */
export class PipelineConsumer implements Consumer {
  readonly mutatesData: boolean;
  private readonly next: Fanout;

  constructor(
    readonly id: string,
    private readonly stages: readonly PipelineStage[],
    exporters: readonly Consumer[],
  ) {
    this.next = new Fanout(exporters);
    this.mutatesData = stages.some((s) => s.mutatesData) || this.next.mutatesData;
  }

  hasRoom(items: number, bytes: number): boolean {
    return this.next.hasRoom(items, bytes);
  }

  prepare(signal: Signal, data: Telemetry, bytes: number): Commit {
    let d = data;
    for (const { processor } of this.stages) d = processor.process(d, signal);
    if (countItems(d, signal) === 0) return NOTHING_TO_COMMIT;
    return this.next.prepare(signal, d, bytes);
  }
}
