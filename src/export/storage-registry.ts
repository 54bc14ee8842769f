import type { QueueStorage } from './queue.js';

/**
 * The persistent queue's storage for `sending_queue.storage: DIR`. Until the file-backed log is
 * in place, asking for one is an error at start rather than a silent memory queue.
 */
export function openFileQueueStorage(_dir: string, id: string): QueueStorage {
  throw new Error(`exporter "${id}": persistent sending_queue.storage is not available in this build`);
}
