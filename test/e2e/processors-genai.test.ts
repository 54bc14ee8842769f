import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { selfMetric } from '../helpers/self-metrics.js';
import { foglampBySpan, netraBySpan, sendWithSdk, type Sent, type SpanSpec } from './processors-sdk.js';

/**
 * The processor issue's "done means", part 1: spans from the OpenTelemetry JS SDK carrying
 * OpenInference and OpenLLMetry attributes go through the real server (otlp receiver →
 * genai_normalize, genai_cost, batch → netra and foglamp exporters) and reach the strict vendor
 * stand-ins with model, provider, token counts (not double counted), messages, cost and kind
 * filled in, in each vendor's own field names.
 */
type Obj = Record<string, unknown>;

const OPENINFERENCE_LLM: SpanSpec = {
  name: 'ChatCompletion',
  attributes: {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-2024-08-06',
    'llm.provider': 'openai',
    'llm.system': 'openai',
    // Inclusive by the OpenInference spec: 10,000 prompt tokens of which 4,000 were cache reads.
    'llm.token_count.prompt': 10_000,
    'llm.token_count.completion': 1_000,
    'llm.token_count.total': 11_000,
    'llm.token_count.prompt_details.cache_read': 4_000,
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'You answer in one word.',
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.content': 'What is the capital of France?',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Paris.',
    'input.value': 'What is the capital of France?',
    'input.mime_type': 'text/plain',
    'output.value': 'Paris.',
    'output.mime_type': 'text/plain',
    'session.id': 'sess-42',
    'user.id': 'user-7',
  },
};

const OPENINFERENCE_CHAIN: SpanSpec = {
  name: 'RetrievalQA',
  kind: SpanKind.INTERNAL,
  attributes: { 'openinference.span.kind': 'CHAIN', 'input.value': 'capital of France', 'output.value': 'Paris.', 'session.id': 'sess-42' },
};

const OPENLLMETRY_WORKFLOW: SpanSpec = {
  name: 'support_flow.workflow',
  kind: SpanKind.INTERNAL,
  attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'support_flow', 'traceloop.entity.name': 'support_flow' },
};

/**
 * OpenLLMetry ≤0.4 Anthropic: prompt_tokens excludes the cache here (total = prompt + cache +
 * completion), so the canonical input is 100 + 2000 + 300 = 2400, not 100 and not 4700.
 */
const OPENLLMETRY_ANTHROPIC: SpanSpec = {
  name: 'anthropic.chat',
  parent: 2,
  attributes: {
    'gen_ai.system': 'Anthropic',
    'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
    'llm.request.type': 'chat',
    'traceloop.workflow.name': 'support_flow',
    'gen_ai.prompt.0.role': 'user',
    'gen_ai.prompt.0.content': 'Summarise the ticket.',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': 'The printer is on fire.',
    'gen_ai.completion.0.finish_reason': 'end_turn',
    'gen_ai.usage.prompt_tokens': 100,
    'gen_ai.usage.cache_read_input_tokens': 2_000,
    'gen_ai.usage.cache_creation_input_tokens': 300,
    'gen_ai.usage.completion_tokens': 50,
    'llm.usage.total_tokens': 2_450,
  },
};

const OPENLLMETRY_OPENAI: SpanSpec = {
  name: 'openai.chat',
  parent: 2,
  attributes: {
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'llm.request.type': 'chat',
    'traceloop.workflow.name': 'support_flow',
    'gen_ai.prompt.0.role': 'user',
    'gen_ai.prompt.0.content': 'Classify: printer on fire',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': 'urgent',
    'gen_ai.completion.0.finish_reason': 'stop',
    'gen_ai.usage.prompt_tokens': 1_200,
    'gen_ai.usage.completion_tokens': 300,
    'llm.usage.total_tokens': 1_500,
  },
};

const SPECS: SpanSpec[] = [OPENINFERENCE_LLM, OPENINFERENCE_CHAIN, OPENLLMETRY_WORKFLOW, OPENLLMETRY_ANTHROPIC, OPENLLMETRY_OPENAI];
/** The spans naming a model: the ones Netra can take (request.model is required), even with span_policy: all. */
const WITH_MODEL = 3;

describe('OTel SDK (OpenInference, OpenLLMetry) → genai_normalize, genai_cost → Netra and Foglamp stand-ins', () => {
  let h: Harness;
  let netra: NetraStandin;
  let fog: FoglampStandin;
  let sent: Sent[];
  let nEv: Map<string, Obj>;
  let fSpan: Map<string, { span: Obj; trace: Obj }>;

  beforeAll(async () => {
    netra = await startNetraStandin({ apiKey: 'netra-out' });
    fog = await startFoglamp({ apiKey: 'fl_out' });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  genai_normalize: {}
  genai_cost: {}
  batch: { send_batch_size: 100, timeout: 50ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: netra-out, span_policy: all, retry_on_failure: { initial_interval: 10ms, max_interval: 50ms } }
  foglamp: { endpoint: ${fog.url}, api_key: fl_out, retry_on_failure: { initial_interval: 10ms, max_interval: 50ms } }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [genai_normalize, genai_cost, batch], exporters: [netra, foglamp] }
`);
    sent = await sendWithSdk(h.service.receiverUrl('otlp'), SPECS);
    await eventually(() => netra.events().length >= WITH_MODEL && foglampBySpan(fog).size >= SPECS.length, 10_000, 'all spans at both stand-ins');
    nEv = netraBySpan(netra);
    fSpan = foglampBySpan(fog);
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    await netra?.close();
    await fog?.close();
  });

  const idOf = (spec: SpanSpec) => sent[SPECS.indexOf(spec)]!.spanId;

  it('every stand-in request was accepted, and nothing arrived twice', () => {
    expect(new Set(netra.answers.map((a) => a.status))).toEqual(new Set([202])); // non-empty, all accepted
    expect(new Set(fog.requests.map((r) => r.status))).toEqual(new Set([200]));
    expect(netra.events()).toHaveLength(WITH_MODEL);
    expect(fSpan.size).toBe(SPECS.length);
  });

  it('OpenInference LLM span → Netra: model, provider, inclusive usage with cache detail, messages, cost, kind, identity', () => {
    const ev = nEv.get(idOf(OPENINFERENCE_LLM))!;
    expect(ev).toBeDefined();
    expect(ev.trace_context).toMatchObject({ span_kind: 'llm', span_name: 'ChatCompletion', trace_id: sent[0]!.traceId });
    expect((ev.request as Obj).model).toEqual({ name: 'gpt-4o-2024-08-06', provider: 'openai' });
    expect((ev.request as Obj).prompt).toEqual({
      messages: [
        { role: 'system', content: 'You answer in one word.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    const res = ev.response as Obj;
    expect(res.usage).toEqual({ prompt_tokens: 10_000, completion_tokens: 1_000, total_tokens: 11_000, prompt_tokens_details: { cached_tokens: 4_000 } });
    expect((res.completion as Obj).choices).toEqual([expect.objectContaining({ message: expect.objectContaining({ role: 'assistant', content: 'Paris.' }) })]);
    // gpt-4o: 6,000 × 2.50 + 4,000 × 1.25 + 1,000 × 10.00 per million = $0.030.
    expect(((ev.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo(0.03, 10);
    expect(ev.identity_context).toEqual({ user_id: 'user-7' });
    expect(ev.application_context).toMatchObject({ service_name: 'genai-app' });
  });

  it('OpenInference LLM span → Foglamp: modelId, provider, usage, spanType, input/output, session', () => {
    const { span, trace } = fSpan.get(idOf(OPENINFERENCE_LLM))!;
    expect(span).toMatchObject({ spanType: 'llm', name: 'ChatCompletion', modelId: 'gpt-4o-2024-08-06', provider: 'openai' });
    expect(span.usage).toEqual({ inputTokens: 10_000, outputTokens: 1_000, totalTokens: 11_000, cachedInputTokens: 4_000 });
    expect(trace.sessionId).toBe('sess-42');
    expect(JSON.parse(span.input as string)).toEqual([
      { role: 'system', content: 'You answer in one word.' },
      { role: 'user', content: 'What is the capital of France?' },
    ]);
    expect(JSON.parse(span.output as string)).toMatchObject({ role: 'assistant', content: 'Paris.' });
    const md = span.metadata as Obj;
    expect(md['gen_ai.usage.cost_usd']).toBeCloseTo(0.03, 10);
    expect(md['user.id']).toBe('user-7');
    // The chat won the input field; OpenInference's plain input.value is not lost.
    expect(md['input.value']).toBe('What is the capital of France?');
  });

  it('OpenLLMetry Anthropic span: cache-exclusive prompt count made inclusive once (2,400), priced with cache rates', () => {
    const ev = nEv.get(idOf(OPENLLMETRY_ANTHROPIC))!;
    expect(ev.trace_context).toMatchObject({ span_kind: 'llm', parent_span_id: idOf(OPENLLMETRY_WORKFLOW) });
    expect((ev.request as Obj).model).toEqual({ name: 'claude-3-5-sonnet-20241022', provider: 'anthropic' });
    expect((ev.request as Obj).prompt).toEqual({ messages: [{ role: 'user', content: 'Summarise the ticket.' }] });
    const res = ev.response as Obj;
    expect(res.usage).toEqual({ prompt_tokens: 2_400, completion_tokens: 50, total_tokens: 2_450, prompt_tokens_details: { cached_tokens: 2_000 } });
    expect((res.completion as Obj).choices).toEqual([
      expect.objectContaining({ finish_reason: 'end_turn', message: expect.objectContaining({ role: 'assistant', content: 'The printer is on fire.' }) }),
    ]);
    // claude-3-5-sonnet: 100 × 3 + 2,000 × 0.30 + 300 × 3.75 + 50 × 15 per million = $0.002775.
    expect(((ev.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo(0.002775, 12);

    const { span, trace } = fSpan.get(idOf(OPENLLMETRY_ANTHROPIC))!;
    expect(span).toMatchObject({ spanType: 'llm', modelId: 'claude-3-5-sonnet-20241022', provider: 'anthropic', parentSpanId: idOf(OPENLLMETRY_WORKFLOW) });
    expect(span.usage).toEqual({ inputTokens: 2_400, outputTokens: 50, totalTokens: 2_450, cachedInputTokens: 2_000, cacheWriteInputTokens: 300 });
    expect(JSON.parse(span.input as string)).toEqual([{ role: 'user', content: 'Summarise the ticket.' }]);
    expect(JSON.parse(span.output as string)).toMatchObject({ role: 'assistant', content: 'The printer is on fire.' });
    expect((span.metadata as Obj)['gen_ai.usage.cost_usd']).toBeCloseTo(0.002775, 12);
    expect(trace.workflowName).toBe('support_flow');
  });

  it('OpenLLMetry OpenAI span: counts copied as they are, priced', () => {
    const ev = nEv.get(idOf(OPENLLMETRY_OPENAI))!;
    expect((ev.request as Obj).model).toEqual({ name: 'gpt-4o-mini', provider: 'openai' });
    expect((ev.response as Obj).usage).toEqual({ prompt_tokens: 1_200, completion_tokens: 300, total_tokens: 1_500 });
    expect((ev.response as Obj).completion).toEqual({ choices: [expect.objectContaining({ finish_reason: 'stop', message: expect.objectContaining({ content: 'urgent' }) })] });
    // gpt-4o-mini: 1,200 × 0.15 + 300 × 0.60 per million = $0.00036.
    expect(((ev.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo(0.00036, 12);

    const { span } = fSpan.get(idOf(OPENLLMETRY_OPENAI))!;
    expect(span).toMatchObject({ spanType: 'llm', modelId: 'gpt-4o-mini', provider: 'openai' });
    expect(span.usage).toEqual({ inputTokens: 1_200, outputTokens: 300, totalTokens: 1_500 });
    expect((span.metadata as Obj)['gen_ai.usage.cost_usd']).toBeCloseTo(0.00036, 12);
  });

  it('non-LLM spans get their kind at Foglamp (traceloop workflow → workflow, OpenInference CHAIN → chain; no cost, no usage); Netra refuses them alone, naming no model', async () => {
    // span_policy: all offers them to Netra, which requires request.model: each is set aside alone.
    expect(nEv.has(idOf(OPENLLMETRY_WORKFLOW))).toBe(false);
    expect(nEv.has(idOf(OPENINFERENCE_CHAIN))).toBe(false);
    expect(await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'netra', reason: 'contract' })).toBe(SPECS.length - WITH_MODEL);

    const fwf = fSpan.get(idOf(OPENLLMETRY_WORKFLOW))!;
    expect(fwf.span).toMatchObject({ spanType: 'workflow' });
    expect(fwf.span.usage).toBeUndefined();
    expect(fwf.trace.workflowName).toBe('support_flow');
    const fchain = fSpan.get(idOf(OPENINFERENCE_CHAIN))!;
    expect(fchain.span).toMatchObject({ spanType: 'chain', input: 'capital of France', output: 'Paris.' });
  });

  it('OTLP/JSON from the SDK, with remove_source_keys: same vendor fields, and no foreign keys left in the payloads', async () => {
    const n2 = await startNetraStandin({ apiKey: 'netra-out' });
    const f2 = await startFoglamp({ apiKey: 'fl_out' });
    const h2 = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  genai_normalize: { remove_source_keys: true }
  genai_cost: {}
  batch: { timeout: 50ms }
exporters:
  netra: { endpoint: ${n2.url}, api_key: netra-out, span_policy: all }
  foglamp: { endpoint: ${f2.url}, api_key: fl_out }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [genai_normalize, genai_cost, batch], exporters: [netra, foglamp] }
`);
    try {
      const s2 = await sendWithSdk(h2.service.receiverUrl('otlp'), SPECS, undefined, 'json');
      await eventually(() => n2.events().length >= WITH_MODEL && foglampBySpan(f2).size >= SPECS.length, 10_000, 'all spans at both stand-ins');
      const ev2 = netraBySpan(n2);
      const fs2 = foglampBySpan(f2);
      for (const spec of [OPENINFERENCE_LLM, OPENLLMETRY_ANTHROPIC, OPENLLMETRY_OPENAI]) {
        const i = SPECS.indexOf(spec);
        const a = nEv.get(sent[i]!.spanId)!;
        const b = ev2.get(s2[i]!.spanId)!;
        expect(b.request, spec.name).toEqual(a.request);
        expect(b.response, spec.name).toEqual(a.response);
        expect(b.finops, spec.name).toEqual(a.finops);
        const fa = fSpan.get(sent[i]!.spanId)!.span;
        const fb = fs2.get(s2[i]!.spanId)!.span;
        for (const k of ['spanType', 'modelId', 'provider', 'usage', 'input', 'output']) expect(fb[k], `${spec.name} ${k}`).toEqual(fa[k]);
      }
      const text = JSON.stringify([n2.events(), f2.received]);
      for (const foreign of ['llm.token_count.', 'llm.input_messages.', 'llm.output_messages.', 'gen_ai.prompt.', 'gen_ai.completion.', 'gen_ai.usage.prompt_tokens', 'llm.usage.total_tokens', '"llm.model_name"', '"gen_ai.system"']) {
        expect(text, foreign).not.toContain(foreign);
      }
    } finally {
      await h2.close();
      await n2.close();
      await f2.close();
    }
  });

  it('with llm_only (Netra\'s default) only the three LLM calls are sent', async () => {
    const only = await startNetraStandin({ apiKey: 'netra-out' });
    const h2 = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  genai_normalize: {}
  genai_cost: {}
  batch: { timeout: 50ms }
exporters:
  netra: { endpoint: ${only.url}, api_key: netra-out }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [genai_normalize, genai_cost, batch], exporters: [netra] }
`);
    try {
      const s2 = await sendWithSdk(h2.service.receiverUrl('otlp'), SPECS);
      await eventually(() => only.events().length >= 3, 10_000, 'three LLM events');
      // A later LLM marker, instead of a sleep, before asserting that nothing else was sent.
      const [marker] = await sendWithSdk(h2.service.receiverUrl('otlp'), [{ ...OPENLLMETRY_OPENAI, name: 'marker' }]);
      await eventually(() => only.events().some((e) => (e.trace_context as Obj).span_id === marker!.spanId), 10_000, 'the marker event');
      const events = only.events().filter((e) => (e.trace_context as Obj).span_id !== marker!.spanId);
      const kinds = events.map((e) => [(e.trace_context as Obj).span_name, (e.trace_context as Obj).span_kind]);
      expect(kinds.sort()).toEqual([['ChatCompletion', 'llm'], ['anthropic.chat', 'llm'], ['openai.chat', 'llm']]);
      expect(new Set(events.map((e) => (e.trace_context as Obj).span_id))).toEqual(new Set([s2[0]!.spanId, s2[3]!.spanId, s2[4]!.spanId]));
    } finally {
      await h2.close();
      await only.close();
    }
  });
});
