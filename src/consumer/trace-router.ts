import { BackpressureError } from '../formats/errors.js';
import { serializeTelemetry, splitByTrace, type ResourceSpans, type Signal, type Telemetry } from '../model/index.js';
import type { Commit, Consumer } from './consumer.js';

/**
 * How a process reaches its peers (the other workers behind the same listeners). `forward`
 * resolves once the owner has the data in its queue for `target`, and rejects with a
 * BackpressureError when it cannot take it.
 */
export interface PeerLink {
  /** This process's slot, 1..count. */
  self: number;
  count: number;
  forward(owner: number, target: string, signal: Signal, payload: string, bytes: number): Promise<void>;
}

/** The slot that owns a trace: the same answer in every process (FNV-1a of the trace id). */
export function ownerOf(traceId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) {
    h ^= traceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

/**
 * Sends each trace's spans to the one process that owns the trace id, so that a stage that
 * needs whole traces (group_by_trace; tail sampling later) sees them all, whichever worker's
 * connection carried them. The local share is queued here; the rest is forwarded, and the
 * commit resolves only when every owner has queued its share (the acknowledgement rule holds
 * across processes).
 */
export class TraceRouter implements Consumer {
  readonly mutatesData = false;

  constructor(
    private readonly target: string,
    private readonly local: Consumer,
    private readonly link: PeerLink,
  ) {}

  hasRoom(items: number, bytes: number): boolean {
    return this.local.hasRoom(items, bytes);
  }

  prepare(signal: Signal, data: Telemetry, bytes: number): Commit {
    if (signal !== 'traces' || !data.traces?.length || this.link.count < 2) return this.local.prepare(signal, data, bytes);
    const byOwner = new Map<number, ResourceSpans[]>();
    for (const [traceId, parts] of splitByTrace(data.traces)) {
      const owner = ownerOf(traceId, this.link.count);
      let list = byOwner.get(owner);
      if (!list) byOwner.set(owner, (list = []));
      list.push(...parts);
    }
    const share = Math.max(1, Math.ceil(bytes / byOwner.size));
    const mine = byOwner.get(this.link.self);
    const commits: Commit[] = mine ? [this.local.prepare(signal, { traces: mine }, share)] : [];
    for (const [owner, parts] of byOwner) {
      if (owner === this.link.self) continue;
      // Serialised now: what is forwarded is what was prepared, whatever happens to `data` later.
      const payload = serializeTelemetry({ traces: parts });
      commits.push(() => this.link.forward(owner, this.target, signal, payload, share));
    }
    return async () => {
      const results = await Promise.allSettled(commits.map((c) => c()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason instanceof BackpressureError ? failed.reason : new BackpressureError(`forwarding to a peer failed: ${(failed.reason as Error)?.message}`, 1);
    };
  }
}
