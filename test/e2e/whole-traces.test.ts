import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { selfMetric } from '../helpers/self-metrics.js';

/**
 * The SDK's BatchSpanProcessor exports a span when it ends, so a root span (which ends last)
 * often travels in a later request than its children, and in a long trace on another
 * connection. Trace-shaped vendors must still get the trace whole: Neatlogs under the root's one
 * workflow name, Foglamp as one trace object.
 */
describe('whole traces for trace-shaped vendors (group_by_trace)', () => {
  let neat: NeatlogsStandin | undefined;
  let fog: FoglampStandin | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    await neat?.close();
    await fog?.close();
    h = neat = fog = undefined;
  });

  async function start(groupBy = '') {
    neat = await startNeatlogsStandin({ apiKey: 'nl' });
    fog = await startFoglamp({ apiKey: 'fl' });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 100, timeout: 20ms }
exporters:
  neatlogs: { endpoint: ${neat.url}, api_key: nl ${groupBy} }
  foglamp: { endpoint: ${fog.url}, api_key: fl ${groupBy} }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [neatlogs, foglamp] }
`);
  }

  /** Two SDK pipelines (two exporters, two connections) sharing one trace: children on one, root on the other. */
  async function sendSplitTrace(url: string, between: () => Promise<unknown> = async () => {}): Promise<{ traceId: string; spanIds: string[] }> {
    const mk = () => {
      const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 512 })],
      });
      return provider;
    };
    const first = mk();
    const second = mk();
    const root = second.getTracer('app').startSpan('workflow support', { attributes: { 'gen_ai.workflow.name': 'refund-flow', 'gen_ai.operation.name': 'invoke_agent' } });
    const ctx = trace.setSpan(context.active(), root);
    const children = [0, 1, 2].map((i) =>
      first.getTracer('app').startSpan(`chat step-${i}`, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai' } }, ctx),
    );
    for (const c of children) c.end();
    await first.forceFlush(); // request 1: the children, on the first connection
    await between();
    root.end();
    await second.forceFlush(); // request 2, later: the root, on another connection
    await first.shutdown();
    await second.shutdown();
    return { traceId: root.spanContext().traceId, spanIds: [...children.map((c) => c.spanContext().spanId), root.spanContext().spanId] };
  }

  it('Neatlogs gets every span of the trace under the root\'s workflow name, Foglamp one trace, each in one request', async () => {
    await start();
    const { traceId, spanIds } = await sendSplitTrace(h!.service.receiverUrl('otlp'));
    await eventually(() => neat!.spans().length === 4 && fog!.received.flatMap((t) => t.spans as unknown[]).length === 4, 10_000, 'all four spans at both vendors');
    expect(neat!.received).toHaveLength(1);
    expect(neat!.received[0]!.batch.workflow_name).toBe('refund-flow');
    expect(neat!.spans().map((s) => s.span_id).sort()).toEqual([...spanIds].sort());
    expect(fog!.bodies).toHaveLength(1);
    expect(fog!.received).toHaveLength(1);
    expect(fog!.received[0]!.traceId).toBe(traceId);
    expect((fog!.received[0]!.spans as { spanId: string }[]).map((s) => s.spanId).sort()).toEqual([...spanIds].sort());
  });

  it('group_by_trace can be turned off, and then the root travels alone (the behaviour it fixes)', async () => {
    await start(', group_by_trace: { enabled: false }');
    await sendSplitTrace(h!.service.receiverUrl('otlp'), () => eventually(() => neat!.spans().length === 3 && fog!.received.length === 1, 10_000, 'the children at both vendors'));
    await eventually(() => neat!.spans().length === 4 && fog!.received.length === 2, 10_000, 'the root at both vendors');
    // Two requests, two workflow names for one trace, and the trace cut in two at Foglamp.
    expect(neat!.received.map((r) => r.batch.workflow_name)).toEqual(['support-bot', 'refund-flow']);
    expect(fog!.received.map((t) => (t.spans as unknown[]).length)).toEqual([3, 1]);
  });

  it('num_traces bounds what is held: the oldest trace goes out early, counted', async () => {
    await start(', group_by_trace: { wait_duration: 1h, num_traces: 2 }');
    const url = h!.service.receiverUrl('otlp');
    const post = (traceId: string) =>
      fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId, spanId: traceId.slice(0, 16), name: 'chat', kind: 3, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000', attributes: [{ key: 'gen_ai.workflow.name', value: { stringValue: 'w' } }] }] }] }] }),
      });
    for (const t of ['1', '2', '3'].map((d) => d.repeat(32))) expect((await post(t)).status).toBe(200);
    // Three traces, room for two: the first goes out although its hour is not over.
    await eventually(() => neat!.spans().length === 1, 10_000, 'the evicted trace');
    expect(neat!.spans()[0]!.span_id).toBe('1'.repeat(16)); // the least recently seen
    expect(await selfMetric(h!.service.telemetryUrl!, 'switchyard_exporter_traces_evicted_early_total', { exporter: 'neatlogs' })).toBe(1);
    // And shutdown sends what is held instead of waiting out the hour.
    await h!.close();
    h = undefined;
    expect(neat!.spans()).toHaveLength(3);
  });
});
