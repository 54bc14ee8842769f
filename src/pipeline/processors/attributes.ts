/**
 * `attributes`: the Collector's attributes processor. Actions run on span attributes, log record
 * attributes and metric data point attributes. `include` / `exclude` select spans by name
 * (regexp by default, `match_type: strict` for exact names); they do not apply to logs and metrics.
 */
import { z } from 'zod';
import type { Signal, Span, Telemetry } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { actionsSchema, applyActions } from './attribute-actions.js';
import { forEachDataPointAttributes, forEachLogRecord, forEachSpan } from './for-each-span.js';
import { compileRegex } from './regex.js';

const matchSchema = z
  .strictObject({
    match_type: z.enum(['regexp', 'strict']).default('regexp'),
    span_names: z.array(z.string()).min(1),
  })
  .transform((m, ctx): ((span: Span) => boolean) => {
    if (m.match_type === 'strict') {
      const names = new Set(m.span_names);
      return (s) => names.has(s.name);
    }
    const res: RegExp[] = [];
    m.span_names.forEach((p, i) => {
      try {
        res.push(compileRegex(p));
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['span_names', i], message: `invalid regular expression ${JSON.stringify(p)}: ${(e as Error).message}`, input: p });
      }
    });
    return (s) => res.some((r) => r.test(s.name));
  });

export const attributesConfigSchema = z.strictObject({
  actions: actionsSchema.min(1),
  include: matchSchema.optional(),
  exclude: matchSchema.optional(),
});

export type AttributesConfig = z.output<typeof attributesConfigSchema>;

export const attributesProcessor: ProcessorDefinition<AttributesConfig> = {
  type: 'attributes',
  mutatesData: true,
  signals: ['traces', 'metrics', 'logs'],
  configSchema: attributesConfigSchema,
  create(config) {
    const { actions, include, exclude } = config;
    return {
      process(data: Telemetry, signal: Signal): Telemetry {
        if (signal === 'traces') {
          forEachSpan(data, (span) => {
            if (include && !include(span)) return;
            if (exclude && exclude(span)) return;
            applyActions(actions, span.attributes);
          });
        } else if (signal === 'logs') {
          forEachLogRecord(data, (rec) => applyActions(actions, rec.attributes));
        } else if (signal === 'metrics') {
          forEachDataPointAttributes(data, (attrs) => applyActions(actions, attrs));
        }
        return data;
      },
    };
  },
};
