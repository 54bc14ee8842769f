import { BackpressureError, InputError } from '../formats/errors.js';
import { cloneTelemetry, countItems, pickSignal, SIGNALS, type Signal, type Telemetry } from '../model/index.js';
import type { Exporter } from '../export/exporter.js';
import type { Processor } from './processor-types.js';
import type { PipelineConfig } from './config/model.js';

export interface PipelineRuntime {
  config: PipelineConfig;
  /** Processors in order, with their component ids. */
  processors: { id: string; processor: Processor }[];
  exporters: Exporter[];
}

/**
 * Routes what a receiver decoded to the pipelines that list it, runs their processors and fans out
 * to their exporters' queues. It resolves only when every target queue holds the data, which is
 * what lets a receiver acknowledge.
 */
export class PipelineGraph {
  private readonly byReceiver = new Map<string, Map<Signal, PipelineRuntime[]>>();

  constructor(readonly pipelines: PipelineRuntime[]) {
    for (const p of pipelines) {
      for (const rid of p.config.receivers) {
        let bySignal = this.byReceiver.get(rid);
        if (!bySignal) this.byReceiver.set(rid, (bySignal = new Map()));
        let list = bySignal.get(p.config.signal);
        if (!list) bySignal.set(p.config.signal, (list = []));
        list.push(p);
      }
    }
  }

  /**
   * False when a queue this receiver feeds is already full: checked before decoding, so that an
   * overloaded process spends nothing on a request it is going to refuse anyway.
   */
  canAccept(receiverId: string, bytes: number): boolean {
    for (const pipelines of this.byReceiver.get(receiverId)?.values() ?? []) {
      for (const p of pipelines) for (const e of p.exporters) if (!e.hasRoom(1, bytes)) return false;
    }
    return true;
  }


  /** Items routed per signal, for the receiver's counters. */
  async consume(receiverId: string, data: Telemetry, bytes: number): Promise<Map<Signal, number>> {
    const routed = new Map<Signal, number>();
    const work: { signal: Signal; pipelines: PipelineRuntime[]; data: Telemetry; items: number }[] = [];
    for (const signal of SIGNALS) {
      const part = data[signal];
      if (!part || part.length === 0) continue;
      const sliced = pickSignal(data, signal);
      const items = countItems(sliced, signal);
      if (items === 0) continue;
      const pipelines = this.byReceiver.get(receiverId)?.get(signal);
      if (!pipelines?.length) {
        throw new InputError('', `receiver "${receiverId}" is in no ${signal} pipeline, so ${signal} sent to it would be lost`, 'not_found');
      }
      work.push({ signal, pipelines, data: sliced, items });
    }

    // Refuse up front when any target queue is full: better a retry than a partial fan-out.
    for (const w of work) {
      for (const p of w.pipelines) {
        for (const e of p.exporters) {
          if (!e.hasRoom(w.items, bytes)) throw new BackpressureError(`exporter "${e.id}" queue is full`, 1);
        }
      }
    }

    const enqueues: Promise<boolean>[] = [];
    const targets: string[] = [];
    for (const w of work) {
      w.pipelines.forEach((p, i) => {
        const mutates = p.processors.length > 0;
        let d = mutates && i < w.pipelines.length - 1 ? cloneTelemetry(w.data) : w.data;
        for (const { processor } of p.processors) d = processor.process(d, w.signal);
        const items = countItems(d, w.signal);
        if (items === 0) return;
        for (const e of p.exporters) {
          enqueues.push(e.enqueue(w.signal, d, items, bytes));
          targets.push(e.id);
        }
      });
      routed.set(w.signal, w.items);
    }
    const results = await Promise.all(enqueues);
    const full = results.findIndex((ok) => !ok);
    if (full >= 0) throw new BackpressureError(`exporter "${targets[full]}" queue is full`, 1);
    return routed;
  }
}
