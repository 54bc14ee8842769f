import type { Signal, Telemetry } from '../model/index.js';

/**
 * What a receiver, a pipeline or a fan-out hands data to: the Collector's consumer, in two
 * phases so that a request is queued everywhere or nowhere.
 *
 * `prepare` does everything that can fail or change the data (processors, room checks) and
 * queues nothing; the returned commit queues it. A fan-out prepares every branch before it
 * commits any, so a processor that throws or a full queue never leaves a request half-enqueued.
 */
export interface Consumer {
  /** True when `prepare` may change the data it is given (the fan-out then gives it a copy). */
  readonly mutatesData: boolean;
  /** Whether `items`/`bytes` more would fit now: checked before a body is even decoded. */
  hasRoom(items: number, bytes: number): boolean;
  /** Throws BackpressureError when there is no room, or whatever a processor throws. */
  prepare(signal: Signal, data: Telemetry, bytes: number): Commit;
}

/** Queues what `prepare` planned; resolves once it is safely queued (durable, for disk queues). */
export type Commit = () => Promise<void>;

export const NOTHING_TO_COMMIT: Commit = () => Promise.resolve();
