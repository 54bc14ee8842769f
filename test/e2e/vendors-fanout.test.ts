import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startKeywordsAi, type KeywordsAiStandin } from '../standins/keywordsai.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { selfMetric } from '../helpers/self-metrics.js';

/**
 * The OpenTelemetry JS SDK sends GenAI spans over OTLP/protobuf to Switchyard; one traces pipeline
 * exports to all four strict vendor stand-ins at once. Each stand-in must receive the same facts
 * in its own shape: ids, names, model, tokens, messages, times.
 */

const INPUT = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a support agent.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Where is my parcel 7781?' }] },
];
const OUTPUT = [{ role: 'assistant', parts: [{ type: 'text', content: 'It left the depot this morning.' }], finish_reason: 'stop' }];

const T_START: [number, number] = [1_717_555_210, 123_000_000];
const T_END: [number, number] = [1_717_555_213, 456_000_000];
const START_MS = 1_717_555_210_123;
const END_MS = 1_717_555_213_456;

describe('OTel SDK → Switchyard → netra + neatlogs + foglamp + keywordsai at once', () => {
  let netra: NetraStandin;
  let neat: NeatlogsStandin;
  let fog: FoglampStandin;
  let kw: KeywordsAiStandin;
  let h: Harness;
  const ids = { trace: '', agent: '', llm: '', tool: '' };

  beforeAll(async () => {
    netra = await startNetraStandin({ apiKey: 'nt-key' });
    neat = await startNeatlogsStandin({ apiKey: 'nl-key' });
    fog = await startFoglamp({ apiKey: 'fl-key' });
    kw = await startKeywordsAi({ apiKey: 'kw-key' });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 100, timeout: 100ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: nt-key, span_policy: all }
  neatlogs: { endpoint: ${neat.url}, api_key: nl-key }
  foglamp: { endpoint: ${fog.url}, api_key: fl-key }
  keywordsai: { endpoint: ${kw.url}, api_key: kw-key }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [netra, neatlogs, foglamp, keywordsai] }
`);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'parcel-bot' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${h.service.receiverUrl('otlp')}/v1/traces` }))],
    });
    const tracer = provider.getTracer('parcel-bot', '1.0.0');
    const common = { 'gen_ai.workflow.name': 'parcel-support', 'gen_ai.conversation.id': 'conv-881' };
    const agent = tracer.startSpan('invoke_agent parcel', { kind: SpanKind.INTERNAL, startTime: T_START, attributes: { ...common, 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'parcel' } });
    const ctx = trace.setSpan(context.active(), agent);
    const llm = tracer.startSpan('chat gpt-4o', {
      kind: SpanKind.CLIENT, startTime: T_START,
      attributes: {
        ...common,
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 130213,
        'gen_ai.usage.cache_read.input_tokens': 130000,
        'gen_ai.usage.cache_creation.input_tokens': 13,
        'gen_ai.usage.output_tokens': 1970,
        'gen_ai.usage.reasoning.output_tokens': 956,
        'gen_ai.input.messages': JSON.stringify(INPUT),
        'gen_ai.output.messages': JSON.stringify(OUTPUT),
        'gen_ai.response.finish_reasons': ['stop'],
      },
    }, ctx);
    llm.end(T_END);
    const tool = tracer.startSpan('execute_tool track', { startTime: T_START, attributes: { ...common, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'track' } }, trace.setSpan(context.active(), llm));
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'carrier API timeout' });
    tool.end(T_END);
    agent.end(T_END);
    Object.assign(ids, { trace: agent.spanContext().traceId, agent: agent.spanContext().spanId, llm: llm.spanContext().spanId, tool: tool.spanContext().spanId });
    await provider.forceFlush();
    await provider.shutdown();
    await eventually(() => netra.events().length >= 1 && neat.spans().length >= 3 && fog.received.length >= 1 && kw.received.length >= 3, 15_000, 'all four vendors');
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([netra?.close(), neat?.close(), fog?.close(), kw?.close()]);
  });

  it('netra gets gzip NDJSON events with ids, model, OpenAI usage, messages and times; the spans naming no model are refused alone', async () => {
    const events = netra.events() as any[];
    // span_policy: all offers the agent and tool spans too, but Netra requires request.model and
    // they name none: each is set aside alone (dead-lettered with the reason), the LLM span sent.
    await eventually(async () => (await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'netra', reason: 'contract' })) === 2, 10_000, 'agent and tool refused by netra');
    expect(events).toHaveLength(1);
    expect(netra.received[0]!.headers['content-encoding']).toBe('gzip');
    const llm = events.find((e) => e.trace_context.span_id === ids.llm);
    expect(llm.trace_context).toMatchObject({ trace_id: ids.trace, parent_span_id: ids.agent, span_name: 'chat gpt-4o', span_kind: 'llm' });
    expect(llm.request.model).toEqual({ provider: 'openai', name: 'gpt-4o' });
    expect(llm.response.usage).toEqual({
      prompt_tokens: 130213, completion_tokens: 1970, total_tokens: 132183,
      prompt_tokens_details: { cached_tokens: 130000 }, completion_tokens_details: { reasoning_tokens: 956 },
    });
    expect(llm.request.prompt.messages).toEqual([{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is my parcel 7781?' }]);
    expect(llm.response.completion.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'It left the depot this morning.' } });
    expect(llm.event_metadata.timestamp_utc).toBe(START_MS);
    expect(llm.performance.latency_ms.total_e2e).toBe(END_MS - START_MS);
  });

  it('neatlogs gets one workflow batch with ids, kinds, GenAI attributes, messages, times and summary metrics', () => {
    expect(neat.received).toHaveLength(1);
    const b = neat.received[0]!.batch;
    expect(b.workflow_name).toBe('parcel-support');
    const llm = b.spans.find((s) => s.span_id === ids.llm)!;
    expect(llm).toMatchObject({ parent_span_id: ids.agent, name: 'chat gpt-4o', start_time: START_MS, end_time: END_MS });
    expect(llm.attributes).toMatchObject({
      'openinference.span.kind': 'LLM', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 130213, 'gen_ai.usage.cache_read.input_tokens': 130000, 'gen_ai.usage.output_tokens': 1970, 'gen_ai.usage.reasoning.output_tokens': 956,
      'gen_ai.conversation.id': 'conv-881',
    });
    expect(llm.input.messages[1]).toEqual({ role: 'user', content: 'Where is my parcel 7781?' });
    expect(llm.output.messages[0]).toMatchObject({ role: 'assistant', content: 'It left the depot this morning.', finish_reason: 'stop' });
    const root = b.spans.find((s) => s.span_id === ids.agent)!;
    expect(root.parent_span_id).toBeUndefined();
    expect(root.attributes['openinference.span.kind']).toBe('AGENT');
    const tool = b.spans.find((s) => s.span_id === ids.tool)!;
    expect(tool.attributes).toMatchObject({ 'openinference.span.kind': 'TOOL', status: 'error', error_message: 'carrier API timeout' });
    const m = Object.fromEntries(b.metrics!.map((x) => [x.name, x.value]));
    expect(m).toMatchObject({ 'gen_ai.usage.input_tokens': 130213, 'gen_ai.usage.cache_read.input_tokens': 130000, 'gen_ai.usage.reasoning.output_tokens': 956 });
  });

  it('foglamp gets one trace with trace-level workflow/session, spans with usage, content and ms times', () => {
    expect(fog.received).toHaveLength(1);
    const t = fog.received[0] as any;
    expect(t).toMatchObject({ traceId: ids.trace, workflowName: 'parcel-support', sessionId: 'conv-881', agentName: 'parcel' });
    const llm = t.spans.find((s: any) => s.spanId === ids.llm);
    expect(llm).toMatchObject({ spanType: 'llm', name: 'chat gpt-4o', parentSpanId: ids.agent, provider: 'openai', modelId: 'gpt-4o-2024-08-06', startTime: START_MS, endTime: END_MS });
    expect(llm.usage).toEqual({ inputTokens: 130213, cachedInputTokens: 130000, cacheWriteInputTokens: 13, outputTokens: 1970, reasoningTokens: 956 });
    expect(JSON.parse(llm.input)).toEqual([{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is my parcel 7781?' }]);
    expect(JSON.parse(llm.output)).toMatchObject({ role: 'assistant', content: 'It left the depot this morning.' });
    expect(llm.metadata['gen_ai.request.model']).toBe('gpt-4o');
    const tool = t.spans.find((s: any) => s.spanId === ids.tool);
    expect(tool).toMatchObject({ spanType: 'tool', status: 'error', errorMessage: 'carrier API timeout' });
  });

  it('keywordsai gets one log per span with ids, workflow, usage, content, ISO times and latency', () => {
    const logs = kw.received as any[];
    expect(logs).toHaveLength(3);
    const llm = logs.find((l) => l.span_unique_id === ids.llm);
    expect(llm).toMatchObject({
      trace_unique_id: ids.trace, span_parent_id: ids.agent, span_name: 'chat gpt-4o', span_workflow_name: 'parcel-support', log_type: 'chat',
      model: 'gpt-4o-2024-08-06', provider_id: 'openai', thread_identifier: 'conv-881',
      start_time: '2024-06-05T02:40:10.123Z', timestamp: '2024-06-05T02:40:13.456Z', latency: 3.333,
    });
    expect(llm.usage).toEqual({
      prompt_tokens: 130213, completion_tokens: 1970,
      prompt_tokens_details: { cached_tokens: 130000, cache_creation_tokens: 13 }, completion_tokens_details: { reasoning_tokens: 956 },
    });
    expect(JSON.parse(llm.input)[1]).toEqual({ role: 'user', content: 'Where is my parcel 7781?' });
    expect(JSON.parse(llm.output)).toMatchObject({ role: 'assistant', content: 'It left the depot this morning.' });
    expect(logs.find((l) => l.span_unique_id === ids.agent)).toMatchObject({ span_parent_id: null, log_type: 'agent' });
    expect(logs.find((l) => l.span_unique_id === ids.tool)).toMatchObject({ log_type: 'tool', status: 'error', error_message: 'carrier API timeout' });
  });
});
