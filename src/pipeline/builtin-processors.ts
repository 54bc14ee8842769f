import { z } from 'zod';
import { BackpressureError } from '../formats/errors.js';
import { batchShape } from '../export/config.js';
import { byteSize, duration } from '../util/schema.js';
import type { ProcessorDefinition } from './processor-types.js';

/**
 * `batch` is declared in a pipeline as in the Collector, but it runs behind each exporter's queue
 * (DESIGN §2: queue ─▶ batcher ─▶ encoder), so that a receiver's acknowledgement means "queued"
 * and never waits for a batch to fill. The pipeline stage itself passes data through.
 */
export const batchProcessor: ProcessorDefinition = {
  type: 'batch',
  mutatesData: false,
  signals: ['traces', 'metrics', 'logs'],
  configSchema: z.strictObject(batchShape),
  create: () => ({ process: (data) => data }),
};

const memoryLimiterSchema = z
  .strictObject({
    check_interval: duration.default(1000),
    /** Hard limit on the heap and the buffers outside it (per process); refused above it, and a GC is requested. */
    limit_mib: z.number().int().min(16).optional(),
    /** Soft limit = limit_mib - spike_limit_mib; receivers refuse above it until it falls. */
    spike_limit_mib: z.number().int().min(0).optional(),
    limit_bytes: byteSize.optional(),
  })
  .refine((c) => c.limit_mib !== undefined || c.limit_bytes !== undefined, { message: 'memory_limiter needs limit_mib', path: ['limit_mib'] });

/**
 * What the limiter counts: the V8 heap and the buffers outside it. Batches kept as their bytes
 * (remote-write requests, encoded bodies waiting to be sent, gzip output) live outside the heap,
 * so the heap alone would not see a queue of them fill up. Both fall when a GC frees their
 * owners, which the process's RSS (V8 keeps freed pages for a while) would not show at once.
 */
export function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Refuses data (receivers answer with their retry status) while memory is over the soft limit. */
export const memoryLimiterProcessor: ProcessorDefinition<z.infer<typeof memoryLimiterSchema>> = {
  type: 'memory_limiter',
  mutatesData: false,
  signals: ['traces', 'metrics', 'logs'],
  configSchema: memoryLimiterSchema,
  create(config, ctx) {
    const hard = config.limit_bytes ?? config.limit_mib! * 1024 * 1024;
    const soft = hard - (config.spike_limit_mib ?? Math.floor((hard / 1024 / 1024) * 0.2)) * 1024 * 1024;
    let used = memoryInUse();
    const timer = setInterval(() => {
      used = memoryInUse();
      const gc = (globalThis as { gc?: () => void }).gc;
      if (used > hard && gc) gc();
    }, config.check_interval);
    timer.unref();
    return {
      process(data) {
        if (used > soft) {
          ctx.count('refused', 1);
          throw new BackpressureError(`memory limiter: heap and buffers ${Math.round(used / 1048576)} MiB are over the soft limit ${Math.round(soft / 1048576)} MiB`, 2);
        }
        return data;
      },
      async shutdown() {
        clearInterval(timer);
      },
    };
  },
};

export const BUILTIN_PROCESSORS: ProcessorDefinition[] = [batchProcessor, memoryLimiterProcessor as ProcessorDefinition];
