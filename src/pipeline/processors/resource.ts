/**
 * `resource`: the Collector's resource processor. The same actions as `attributes`, applied to the
 * resource attributes of every signal.
 */
import { z } from 'zod';
import type { Signal, Telemetry } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { actionsSchema, applyActions } from './attribute-actions.js';
import { forEachResource } from './for-each-span.js';

/** `attributes:` as in the Collector's resource processor; `actions:` as in `attributes`, for symmetry. */
export const resourceConfigSchema = z
  .strictObject({
    attributes: actionsSchema.optional(),
    actions: actionsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.attributes?.length && !c.actions?.length) ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'resource needs a non-empty list of actions under attributes' });
  })
  .transform((c) => ({ attributes: [...(c.attributes ?? []), ...(c.actions ?? [])] }));

export type ResourceConfig = z.output<typeof resourceConfigSchema>;

export const resourceProcessor: ProcessorDefinition<ResourceConfig> = {
  type: 'resource',
  mutatesData: true,
  signals: ['traces', 'metrics', 'logs'],
  configSchema: resourceConfigSchema,
  create(config) {
    return {
      process(data: Telemetry, _signal: Signal): Telemetry {
        forEachResource(data, (attrs) => applyActions(config.attributes, attrs));
        return data;
      },
    };
  },
};
