import { openFileQueueStorage as openFileQueue } from './file-queue.js';
import type { QueueStorage } from './queue.js';

/**
 * The persistent queue's storage for `sending_queue.storage: DIR`: a checksummed segment log in
 * `DIR/<exporter id, sanitised>/` (see file-queue.ts).
 */
export function openFileQueueStorage(dir: string, id: string): QueueStorage {
  return openFileQueue(dir, id);
}
