import type { Attributes, LogRecord, Metric, Span, Telemetry } from '../../src/model/index.js';
import { newSpan, tracesOf } from '../../src/model/index.js';
import type { ProcessorContext, ProcessorDefinition } from '../../src/pipeline/processor-types.js';

export function span(name: string, attributes: Attributes = {}, extra: Partial<Span> = {}): Span {
  return newSpan({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    name,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_250_000_000n,
    attributes,
    ...extra,
  });
}

export function traces(spans: Span[], resource: Attributes = { 'service.name': 'svc' }): Telemetry {
  return tracesOf(spans, resource);
}

export function logs(records: Partial<LogRecord>[], resource: Attributes = { 'service.name': 'svc' }): Telemetry {
  return {
    logs: [{
      resource: { attributes: resource },
      scopeLogs: [{ scope: { name: 'test' }, logRecords: records.map((r) => ({ timeUnixNano: 1n, attributes: {}, ...r })) }],
    }],
  };
}

export function metrics(ms: Metric[], resource: Attributes = { 'service.name': 'svc' }): Telemetry {
  return { metrics: [{ resource: { attributes: resource }, scopeMetrics: [{ scope: { name: 'test' }, metrics: ms }] }] };
}

export function gauge(name: string, points: { value: number | bigint; attributes?: Attributes }[]): Metric {
  return { name, data: { type: 'gauge', dataPoints: points.map((p) => ({ timeUnixNano: 1n, attributes: p.attributes ?? {}, value: p.value })) } };
}

export interface Counted extends ProcessorContext { counts: Record<string, number> }

export function context(id = 'test'): Counted {
  const counts: Record<string, number> = {};
  return { id, counts, count(event, n) { counts[event] = (counts[event] ?? 0) + n; } };
}

/** Validates config through the definition's schema (as config loading will) and creates it. */
export function make<C>(def: ProcessorDefinition<C>, config: unknown, ctx: ProcessorContext = context()) {
  const parsed = def.configSchema.parse(config);
  return def.create(parsed, ctx);
}

export function allSpans(t: Telemetry): Span[] {
  return (t.traces ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}
