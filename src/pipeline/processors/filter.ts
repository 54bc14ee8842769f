/**
 * `filter`: drops spans, metrics, metric data points and log records that match any of the
 * configured conditions, as the Collector's filter processor does. Conditions are compiled inside
 * the zod schema, so a typo is a config error whose path points at the expression
 * (e.g. processors.filter.traces.span.0) rather than a filter that silently never matches.
 */
import { z } from 'zod';
import type { Signal, Telemetry } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { compileFilter, FilterSyntaxError, type FilterContext, type Predicate, type Subject } from './filter-expr.js';
import { retainLogRecords, retainMetrics, retainSpans } from './for-each-span.js';

/** A list of expressions, compiled to one predicate that is true when any of them matches. */
function conditions(ctx: FilterContext) {
  return z
    .array(
      z.string().transform((src, zctx): Predicate => {
        try {
          return compileFilter(src, ctx);
        } catch (e) {
          if (!(e instanceof FilterSyntaxError)) throw e;
          zctx.addIssue({ code: 'custom', message: `invalid ${ctx} condition ${JSON.stringify(src)}: ${e.message}`, input: src });
          return z.NEVER;
        }
      }),
    )
    .transform((preds): Predicate | undefined => {
      if (preds.length === 0) return undefined;
      if (preds.length === 1) return preds[0];
      return (s) => preds.some((p) => p(s));
    });
}

export const filterConfigSchema = z.strictObject({
  traces: z.strictObject({ span: conditions('span').optional() }).optional(),
  metrics: z.strictObject({ metric: conditions('metric').optional(), datapoint: conditions('datapoint').optional() }).optional(),
  logs: z.strictObject({ log_record: conditions('log_record').optional() }).optional(),
});

export type FilterConfig = z.output<typeof filterConfigSchema>;

export const filterProcessor: ProcessorDefinition<FilterConfig> = {
  type: 'filter',
  mutatesData: true,
  signals: ['traces', 'metrics', 'logs'],
  configSchema: filterConfigSchema,
  create(config, ctx) {
    const span = config.traces?.span;
    const metric = config.metrics?.metric;
    const point = config.metrics?.datapoint;
    const record = config.logs?.log_record;
    return {
      process(data: Telemetry, signal: Signal): Telemetry {
        let dropped = 0;
        // One subject object per batch, refilled per item: evaluation allocates nothing.
        const subj: Subject = { resource: {}, scope: { name: '' } };
        if (signal === 'traces' && span) {
          dropped = retainSpans(data, (s, c) => {
            subj.resource = c.resource;
            subj.scope = c.scope;
            subj.span = s;
            return !span(subj);
          });
        } else if (signal === 'metrics' && (metric || point)) {
          dropped = retainMetrics(
            data,
            metric &&
              ((m, c) => {
                subj.resource = c.resource;
                subj.scope = c.scope;
                subj.metric = m;
                subj.point = undefined;
                return !metric(subj);
              }),
            point &&
              ((p, m, c) => {
                subj.resource = c.resource;
                subj.scope = c.scope;
                subj.metric = m;
                subj.point = p;
                return !point(subj);
              }),
          );
        } else if (signal === 'logs' && record) {
          dropped = retainLogRecords(data, (r, c) => {
            subj.resource = c.resource;
            subj.scope = c.scope;
            subj.record = r;
            return !record(subj);
          });
        }
        if (dropped > 0) ctx.count('dropped', dropped);
        return data;
      },
    };
  },
};
