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
  /**
   * Whether `process` may change the data it is given. A mutating processor's pipeline gets its
   * own copy of shared data (the fan-out's clone rule); a read-only one shares it.
   */
  mutatesData: boolean;
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
   * Transforms one batch of a single signal. When its definition says `mutatesData`, it may
   * change and return its input; returning empty collections drops the items.
   */
  process(data: Telemetry, signal: Signal): Telemetry;
  shutdown?(): Promise<void>;
}
