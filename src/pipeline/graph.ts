import type { Consumer } from '../consumer/consumer.js';
import { Fanout } from '../consumer/fanout.js';
import { InputError } from '../formats/errors.js';
import { countItems, pickSignal, SIGNALS, type Signal, type Telemetry } from '../model/index.js';
import type { PipelineConfig } from './config/model.js';

export interface PipelineRuntime {
  config: PipelineConfig;
  consumer: Consumer;
}

/**
 * Routes what a receiver decoded to the pipelines that list it: per receiver and signal, one
 * fan-out over those pipelines. It resolves only when every target queue holds the data, which
 * is what lets a receiver acknowledge; when any queue is full, nothing is queued anywhere.
 */
export class PipelineGraph {
  private readonly byReceiver = new Map<string, Map<Signal, Consumer>>();

  constructor(pipelines: readonly PipelineRuntime[]) {
    const lists = new Map<string, Map<Signal, Consumer[]>>();
    for (const p of pipelines) {
      for (const rid of p.config.receivers) {
        let bySignal = lists.get(rid);
        if (!bySignal) lists.set(rid, (bySignal = new Map()));
        let list = bySignal.get(p.config.signal);
        if (!list) bySignal.set(p.config.signal, (list = []));
        list.push(p.consumer);
      }
    }
    for (const [rid, bySignal] of lists) {
      this.byReceiver.set(rid, new Map([...bySignal].map(([signal, consumers]) => [signal, new Fanout(consumers)])));
    }
  }

  /**
   * False when a queue this receiver feeds is already full: checked before decoding, so that an
   * overloaded process spends nothing on a request it is going to refuse anyway.
   */
  canAccept(receiverId: string, bytes: number): boolean {
    for (const c of this.byReceiver.get(receiverId)?.values() ?? []) if (!c.hasRoom(1, bytes)) return false;
    return true;
  }

  /** Items routed per signal, for the receiver's counters. */
  async consume(receiverId: string, data: Telemetry, bytes: number): Promise<Map<Signal, number>> {
    const routed = new Map<Signal, number>();
    const commits = [];
    for (const signal of SIGNALS) {
      const part = pickSignal(data, signal);
      const items = countItems(part, signal);
      if (items === 0) continue;
      const consumer = this.byReceiver.get(receiverId)?.get(signal);
      if (!consumer) {
        throw new InputError('', `receiver "${receiverId}" is in no ${signal} pipeline, so ${signal} sent to it would be lost`, 'not_found');
      }
      commits.push(consumer.prepare(signal, part, bytes));
      routed.set(signal, items);
    }
    await Promise.all(commits.map((commit) => commit()));
    return routed;
  }
}
