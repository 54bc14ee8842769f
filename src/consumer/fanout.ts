import { cloneTelemetry, type Signal, type Telemetry } from '../model/index.js';
import type { Commit, Consumer } from './consumer.js';

/**
 * The Collector's fanoutconsumer clone rule, for consumers that keep references after they
 * return (queues hold batches until they are sent): data shared between consumers is never
 * mutated. Read-only consumers share the input; each mutating consumer gets its own copy, except
 * that the last one may take the input itself when no read-only consumer shares it.
 *
 * The fan-out owns its input only if its own caller honoured the same rule, which is why it
 * reports itself as mutating whenever one of its consumers is.
 */
export class Fanout implements Consumer {
  readonly mutatesData: boolean;
  private readonly lastMutating: number;
  private readonly anyReadOnly: boolean;

  constructor(readonly consumers: readonly Consumer[]) {
    this.mutatesData = consumers.some((c) => c.mutatesData);
    this.anyReadOnly = consumers.some((c) => !c.mutatesData);
    this.lastMutating = consumers.map((c) => c.mutatesData).lastIndexOf(true);
  }

  hasRoom(items: number, bytes: number): boolean {
    return this.consumers.every((c) => c.hasRoom(items, bytes));
  }

  prepare(signal: Signal, data: Telemetry, bytes: number): Commit {
    const commits: Commit[] = [];
    this.consumers.forEach((c, i) => {
      const own = c.mutatesData && (this.anyReadOnly || i !== this.lastMutating) ? cloneTelemetry(data) : data;
      commits.push(c.prepare(signal, own, bytes));
    });
    if (commits.length === 1) return commits[0]!;
    return async () => {
      // Started together: each commit reserves its room synchronously before its first await.
      await Promise.all(commits.map((commit) => commit()));
    };
  }
}
