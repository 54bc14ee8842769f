import type { z } from 'zod';
import type { Signal, Telemetry } from '../model/index.js';

/**
 * A processor factory, in the Collector's sense. `configSchema` validates (and may compile) the
 * component's config at load time: a bad filter expression is a config error with its path, not a
 * run-time surprise.
 */
export interface ProcessorDefinition<C = any> {
  type: string;
  signals: Signal[];
  configSchema: z.ZodType<C>;
  create(config: C, ctx: ProcessorContext): Processor;
}

export interface ProcessorContext {
  /** Component id, `type[/name]`. */
  id: string;
  /** Counts an event for /metrics (`dropped`, `redacted`, …). */
  count(event: string, n: number): void;
}

export interface Processor {
  /**
   * Transforms one batch of a single signal. May mutate and return its input (the pipeline hands
   * each pipeline its own copy); returning empty collections drops the items.
   */
  process(data: Telemetry, signal: Signal): Telemetry;
  shutdown?(): Promise<void>;
}
