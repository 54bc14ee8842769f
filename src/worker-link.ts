import { BackpressureError } from './formats/errors.js';
import type { PeerLink } from './consumer/trace-router.js';
import type { Signal } from './model/index.js';

/** Messages of trace routing between workers; the primary relays them by slot. */
export type ForwardMessage =
  | { type: 'forward'; id: number; from: number; to: number; target: string; signal: Signal; payload: string; bytes: number }
  | { type: 'forwarded'; id: number; from: number; to: number; error?: string; backpressure?: boolean };

/** A forward the owner has not answered in this long is refused back to the client, to retry. */
const FORWARD_TIMEOUT_MS = 10_000;

/**
 * The worker side of PeerLink over the cluster IPC channel: a forward goes to the primary with
 * the owner's slot and resolves when the owner answers that it queued the data.
 */
export function workerPeerLink(self: number, count: number, send: (m: ForwardMessage) => void): PeerLink & { answered(m: Extract<ForwardMessage, { type: 'forwarded' }>): void } {
  const waiting = new Map<number, { resolve(): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  let next = 1;
  return {
    self,
    count,
    forward(owner, target, signal, payload, bytes) {
      return new Promise<void>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new BackpressureError(`worker ${owner} did not answer a forwarded trace in time`, 1));
        }, FORWARD_TIMEOUT_MS);
        waiting.set(id, { resolve, reject, timer });
        send({ type: 'forward', id, from: self, to: owner, target, signal, payload, bytes });
      });
    },
    answered(m) {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      clearTimeout(w.timer);
      if (!m.error) w.resolve();
      else w.reject(m.backpressure ? new BackpressureError(m.error, 1) : new Error(m.error));
    },
  };
}
