import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyValue, Attributes } from '../../src/model/index.js';
import { Canonical, GenAI } from '../../src/model/index.js';
import { genaiNormalizeConfigSchema, genaiNormalizeProcessor, normalizeAttributes, type NormalizeOptions } from '../../src/pipeline/processors/genai-normalize.js';
import { normaliseProvider } from '../../src/pipeline/processors/genai-provider.js';
import { allSpans, make, span, traces } from './helpers.js';

const AUTO: NormalizeOptions = { removeSourceKeys: false, inputExcludesCache: 'auto', outputExcludesReasoning: 'auto' };

function norm(attrs: Attributes, opts: Partial<NormalizeOptions> = {}): Attributes {
  const a = structuredClone(attrs);
  normalizeAttributes(a, { ...AUTO, ...opts });
  return a;
}

function json(v: AnyValue | undefined): unknown {
  return JSON.parse(v as string);
}

// A span as the OpenInference OpenAI instrumentation writes it.
const OPENINFERENCE: Attributes = {
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'gpt-4o-2024-08-06',
  'llm.provider': 'openai',
  'llm.system': 'openai',
  'llm.invocation_parameters': '{"model":"gpt-4o","temperature":0.2,"max_tokens":512,"stop":["END"],"stream":false}',
  'input.value': '{"messages":[{"role":"user","content":"What is the weather in Paris?"}]}',
  'input.mime_type': 'application/json',
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': 'You are helpful.',
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.contents.0.message_content.type': 'text',
  'llm.input_messages.1.message.contents.0.message_content.text': 'What is the weather in Paris?',
  'llm.input_messages.1.message.contents.1.message_content.type': 'image',
  'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://example.com/paris.png',
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
  'llm.token_count.prompt': 1200n,
  'llm.token_count.completion': 30n,
  'llm.token_count.total': 1230n,
  'llm.token_count.prompt_details.cache_read': 1024n,
  'llm.token_count.completion_details.reasoning': 0n,
  'session.id': 'sess-42',
  'user.id': 'u-7',
  'llm.cost.total': 0.0031,
};

// A span as OpenLLMetry ≤0.4 writes it (Anthropic).
const OPENLLMETRY: Attributes = {
  'llm.request.type': 'chat',
  'gen_ai.system': 'Anthropic',
  'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
  'gen_ai.response.model': 'claude-3-5-sonnet-20241022',
  'gen_ai.prompt.0.role': 'user',
  'gen_ai.prompt.0.content': 'Tell me a joke',
  'gen_ai.completion.0.role': 'assistant',
  'gen_ai.completion.0.content': 'Why did the chicken cross the road?',
  'gen_ai.completion.0.finish_reason': 'end_turn',
  'gen_ai.usage.prompt_tokens': 12n,
  'gen_ai.usage.completion_tokens': 9n,
  'llm.usage.total_tokens': 21n,
  'llm.user': 'alice',
  'llm.is_streaming': true,
  'llm.top_k': 40n,
  'traceloop.workflow.name': 'joke_flow',
};

describe('genai_normalize on OpenInference', () => {
  const out = norm(OPENINFERENCE);
  it('maps model, provider and kind', () => {
    expect(out[GenAI.requestModel]).toBe('gpt-4o-2024-08-06');
    expect(out[GenAI.responseModel]).toBe('gpt-4o-2024-08-06');
    expect(out[GenAI.providerName]).toBe('openai');
    expect(out[Canonical.spanKind]).toBe('LLM');
    expect(out[GenAI.operationName]).toBe('chat');
  });
  it('maps token counts (OpenInference prompt counts are inclusive)', () => {
    expect(out[GenAI.inputTokens]).toBe(1200n);
    expect(out[GenAI.outputTokens]).toBe(30n);
    expect(out[GenAI.cacheReadInputTokens]).toBe(1024n);
    expect(out[GenAI.reasoningOutputTokens]).toBe(0n);
    expect(out[Canonical.totalTokens]).toBe(1230n);
  });
  it('builds messages in the parts schema', () => {
    expect(json(out[GenAI.inputMessages])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are helpful.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }, { type: 'uri', modality: 'image', uri: 'https://example.com/paris.png' }] },
    ]);
    expect(json(out[GenAI.outputMessages])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    ]);
  });
  it('maps invocation parameters, session, cost', () => {
    expect(out[GenAI.requestTemperature]).toBe(0.2);
    expect(out[GenAI.requestMaxTokens]).toBe(512n);
    expect(out[GenAI.requestStopSequences]).toEqual(['END']);
    expect(out[GenAI.requestStream]).toBe(false);
    expect(out[GenAI.conversationId]).toBe('sess-42');
    expect(out[Canonical.userId]).toBe('u-7');
    expect(out[Canonical.costUsd]).toBe(0.0031);
  });
  it('keeps the foreign keys by default and removes them on request', () => {
    expect(out['llm.model_name']).toBe('gpt-4o-2024-08-06');
    const slim = norm(OPENINFERENCE, { removeSourceKeys: true });
    expect(Object.keys(slim).filter((k) => k.startsWith('llm.'))).toEqual([]);
    expect(slim['session.id']).toBe('sess-42'); // canonical, stays
    expect(slim['input.value']).toBeDefined();
    expect(slim[GenAI.inputMessages]).toBe(out[GenAI.inputMessages]);
  });
  it('tool role messages become tool_call_response parts', () => {
    const o = norm({
      'llm.input_messages.0.message.role': 'tool',
      'llm.input_messages.0.message.tool_call_id': 'call_1',
      'llm.input_messages.0.message.content': '{"temp":21}',
    });
    expect(json(o[GenAI.inputMessages])).toEqual([{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"temp":21}' }] }]);
  });
  it('falls back to an OpenAI-shaped input.value / output.value', () => {
    const o = norm({
      'openinference.span.kind': 'LLM',
      'input.mime_type': 'application/json',
      'input.value': '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}',
      'output.mime_type': 'application/json',
      'output.value': '{"choices":[{"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]}',
    });
    expect(json(o[GenAI.inputMessages])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(json(o[GenAI.outputMessages])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' }]);
    expect(o[GenAI.finishReasons]).toEqual(['stop']);
  });
  it('maps tool definitions', () => {
    const o = norm({ 'llm.tools.0.tool.json_schema': '{"type":"function","function":{"name":"get_weather"}}' });
    expect(json(o[GenAI.toolDefinitions])).toEqual([{ type: 'function', function: { name: 'get_weather' } }]);
  });
});

describe('genai_normalize on OpenLLMetry', () => {
  const out = norm(OPENLLMETRY);
  it('maps provider values, kind, operation, workflow, user, params', () => {
    expect(out[GenAI.providerName]).toBe('anthropic');
    expect(out[Canonical.spanKind]).toBe('LLM');
    expect(out[GenAI.operationName]).toBe('chat');
    expect(out[GenAI.workflowName]).toBe('joke_flow');
    expect(out[Canonical.userId]).toBe('alice');
    expect(out[GenAI.requestStream]).toBe(true);
    expect(out[GenAI.requestTopK]).toBe(40);
  });
  it('maps tokens and derives the total', () => {
    expect(out[GenAI.inputTokens]).toBe(12n);
    expect(out[GenAI.outputTokens]).toBe(9n);
    expect(out[Canonical.totalTokens]).toBe(21n);
  });
  it('builds messages with finish reasons', () => {
    expect(json(out[GenAI.inputMessages])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Tell me a joke' }] }]);
    expect(json(out[GenAI.outputMessages])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Why did the chicken cross the road?' }], finish_reason: 'end_turn' },
    ]);
    expect(out[GenAI.finishReasons]).toEqual(['end_turn']);
  });
  it('parses Anthropic content blocks and flat tool calls', () => {
    const o = norm({
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': '[{"type":"text","text":"weather?"}]',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.tool_calls.0.id': 'toolu_1',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
    });
    expect(json(o[GenAI.inputMessages])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'weather?' }] }]);
    expect(json(o[GenAI.outputMessages])).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] }]);
  });
  it('traceloop decorator kinds name agents, tools and workflows', () => {
    expect(norm({ 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'wf' })).toMatchObject({ [Canonical.spanKind]: 'WORKFLOW', [GenAI.workflowName]: 'wf', [GenAI.operationName]: 'invoke_workflow' });
    expect(norm({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' })).toMatchObject({ [Canonical.spanKind]: 'AGENT', [GenAI.agentName]: 'planner' });
    expect(norm({ 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' })).toMatchObject({ [Canonical.spanKind]: 'TOOL', [GenAI.toolName]: 'search' });
    const task = norm({ 'traceloop.span.kind': 'task', 'traceloop.entity.name': 'step' });
    expect(task[Canonical.spanKind]).toBe('TASK');
    expect(task[GenAI.operationName]).toBeUndefined();
  });
});

describe('provider values', () => {
  it.each([
    ['Anthropic', 'anthropic'], ['AWS', 'aws.bedrock'], ['MistralAI', 'mistral_ai'], ['vertexai', 'gcp.vertex_ai'], ['google', 'gcp.gen_ai'],
    ['openai', 'openai'], ['azure', 'azure.ai.openai'], ['xai', 'x_ai'], ['mistral_ai', 'mistral_ai'], ['aws.bedrock', 'aws.bedrock'], ['SomethingNew', 'somethingnew'],
  ])('%s → %s', (from, to) => expect(normaliseProvider(from)).toBe(to));
  it('OpenInference host + family', () => {
    expect(norm({ 'llm.provider': 'google', 'llm.system': 'vertexai' })[GenAI.providerName]).toBe('gcp.vertex_ai');
    expect(norm({ 'llm.provider': 'azure', 'llm.system': 'openai' })[GenAI.providerName]).toBe('azure.ai.openai');
  });
  it('gen_ai.system maps to gen_ai.provider.name, which is never overwritten', () => {
    expect(norm({ 'gen_ai.system': 'MistralAI' })[GenAI.providerName]).toBe('mistral_ai');
    expect(norm({ 'gen_ai.system': 'MistralAI', [GenAI.providerName]: 'custom' })[GenAI.providerName]).toBe('custom');
  });
});

describe('span kind precedence', () => {
  it.each<[Attributes, string | undefined]>([
    [{ 'langfuse.observation.type': 'agent', [GenAI.operationName]: 'chat' }, 'AGENT'],
    [{ [GenAI.operationName]: 'embeddings', 'llm.request.type': 'chat' }, 'EMBEDDING'],
    [{ 'llm.request.type': 'rerank' }, 'RERANKER'],
    [{ 'ai.operationId': 'ai.streamText.doStream' }, 'LLM'],
    [{ 'ai.operationId': 'ai.toolCall' }, 'TOOL'],
    [{ [GenAI.toolName]: 'search', [GenAI.requestModel]: 'gpt-4o' }, 'TOOL'],
    [{ 'llm.model_name': 'gpt-4o' }, 'LLM'],
    [{ 'http.route': '/x' }, undefined],
  ])('%j → %s', (attrs, kind) => expect(norm(attrs)[Canonical.spanKind]).toBe(kind));
  it('an explicit kind wins and sets the operation when absent', () => {
    const o = norm({ 'openinference.span.kind': 'RETRIEVER', 'llm.model_name': 'x' });
    expect(o[Canonical.spanKind]).toBe('RETRIEVER');
    expect(o[GenAI.operationName]).toBe('retrieval');
  });
});

describe('token conversion', () => {
  it('Anthropic input that excludes cache is made inclusive (provider rule)', () => {
    const o = norm({ 'gen_ai.system': 'anthropic', 'gen_ai.usage.prompt_tokens': 100n, 'gen_ai.usage.completion_tokens': 50n, 'gen_ai.usage.cache_read_input_tokens': 2000n, 'gen_ai.usage.cache_creation_input_tokens': 300n });
    expect(o[GenAI.inputTokens]).toBe(2400n);
    expect(o[GenAI.cacheReadInputTokens]).toBe(2000n);
    expect(o[GenAI.cacheCreationInputTokens]).toBe(300n);
    expect(o[Canonical.totalTokens]).toBe(2450n);
  });
  it('an inclusive total proves the input already includes cache: no double count', () => {
    // OpenLLMetry's Anthropic instrumentation sums the cache into input_tokens and total = input + output.
    const o = norm({ 'gen_ai.system': 'anthropic', 'gen_ai.usage.prompt_tokens': 2400n, 'gen_ai.usage.completion_tokens': 50n, 'llm.usage.total_tokens': 2450n, 'gen_ai.usage.cache_read_input_tokens': 2000n, 'gen_ai.usage.cache_creation_input_tokens': 300n });
    expect(o[GenAI.inputTokens]).toBe(2400n);
  });
  it('an exclusive total proves the input excludes cache, whatever the provider', () => {
    const o = norm({ 'gen_ai.usage.prompt_tokens': 4299n, 'gen_ai.usage.completion_tokens': 631n, 'llm.usage.total_tokens': 58291n, 'gen_ai.usage.cache_read_input_tokens': 35574n, 'gen_ai.usage.cache_write_input_tokens': 17787n });
    expect(o[GenAI.inputTokens]).toBe(4299n + 35574n + 17787n);
    expect(o[Canonical.totalTokens]).toBe(58291n);
  });
  it('OpenInference prompt counts are inclusive even for anthropic', () => {
    const o = norm({ 'llm.provider': 'anthropic', 'llm.token_count.prompt': 2400n, 'llm.token_count.completion': 5n, 'llm.token_count.prompt_details.cache_read': 2000n });
    expect(o[GenAI.inputTokens]).toBe(2400n);
  });
  it('input smaller than its cached part is exclusive, even in the canonical key', () => {
    const o = norm({ [GenAI.inputTokens]: 10n, [GenAI.cacheReadInputTokens]: 500n, [GenAI.outputTokens]: 3n });
    expect(o[GenAI.inputTokens]).toBe(510n);
    expect(o[Canonical.totalTokens]).toBe(513n);
  });
  it('a canonical inclusive input is never touched, even for anthropic', () => {
    const a = { [GenAI.providerName]: 'anthropic', [GenAI.inputTokens]: 2400n, [GenAI.cacheReadInputTokens]: 2000n };
    expect(norm(a)[GenAI.inputTokens]).toBe(2400n);
  });
  it('the explicit flag decides for foreign counts', () => {
    const a = { 'gen_ai.usage.prompt_tokens': 100n, 'gen_ai.usage.cache_read_input_tokens': 50n };
    expect(norm(a)[GenAI.inputTokens]).toBe(100n);
    expect(norm(a, { inputExcludesCache: true })[GenAI.inputTokens]).toBe(150n);
    expect(norm({ ...a, 'gen_ai.system': 'anthropic' }, { inputExcludesCache: false })[GenAI.inputTokens]).toBe(100n);
  });
  it('reasoning larger than output is added to it; input_cached_tokens is cache read', () => {
    const o = norm({ 'llm.token_count.completion': 100n, 'llm.token_count.completion_details.reasoning': 956n, 'gen_ai.usage.input_cached_tokens': 7n, 'llm.token_count.prompt': 20n });
    expect(o[GenAI.outputTokens]).toBe(1056n);
    expect(o[GenAI.cacheReadInputTokens]).toBe(7n);
    expect(o[GenAI.inputTokens]).toBe(20n);
  });
  it('counts sent as text are read as numbers', () => {
    expect(norm({ 'gen_ai.usage.prompt_tokens': '12', 'gen_ai.usage.completion_tokens': '3' })[Canonical.totalTokens]).toBe(15n);
  });
});

// ---------------------------------------------------------------- properties

const count = fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.integer({ min: 0, max: 100_000 }).map(String));
const text = fc.string({ maxLength: 12 });
const foreign: Record<string, fc.Arbitrary<AnyValue>> = {
  'gen_ai.system': fc.constantFrom('Anthropic', 'openai', 'AWS', 'MistralAI', 'vertexai', 'google'),
  'llm.provider': fc.constantFrom('anthropic', 'azure', 'google', 'aws'),
  'llm.system': fc.constantFrom('openai', 'vertexai', 'anthropic'),
  'llm.model_name': fc.constantFrom('gpt-4o', 'claude-3-5-sonnet-20241022'),
  'llm.request.type': fc.constantFrom('chat', 'completion', 'embedding', 'rerank'),
  'traceloop.span.kind': fc.constantFrom('workflow', 'task', 'agent', 'tool'),
  'traceloop.entity.name': text,
  'traceloop.workflow.name': text,
  'gen_ai.usage.prompt_tokens': count,
  'gen_ai.usage.completion_tokens': count,
  'llm.token_count.prompt': count,
  'llm.token_count.completion': count,
  'llm.token_count.total': count,
  'llm.usage.total_tokens': count,
  'llm.token_count.prompt_details.cache_read': count,
  'gen_ai.usage.cache_creation_input_tokens': count,
  'gen_ai.usage.input_cached_tokens': count,
  'llm.token_count.completion_details.reasoning': count,
  'gen_ai.prompt.0.role': fc.constantFrom('user', 'system'),
  'gen_ai.prompt.0.content': text,
  'gen_ai.completion.0.content': text,
  'gen_ai.completion.0.finish_reason': fc.constantFrom('stop', 'length'),
  'llm.input_messages.0.message.role': fc.constantFrom('user', 'tool'),
  'llm.input_messages.0.message.content': text,
  'llm.input_messages.0.message.tool_call_id': text,
  'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': fc.constantFrom('{"a":1}', 'not json', '[1'),
  'llm.invocation_parameters': fc.constantFrom('{"temperature":0.5,"max_tokens":10}', '{bad', '{"stop":"x","seed":3}'),
  'llm.finish_reason': fc.constantFrom('stop', '["stop","length"]'),
  'llm.is_streaming': fc.boolean(),
  'llm.top_k': count,
  'llm.cost.total': fc.double({ min: 0, max: 10, noNaN: true }),
  'session.id': text,
  'llm.user': text,
  'input.value': fc.constantFrom('{"messages":[{"role":"user","content":"x"}]}', 'plain'),
  'input.mime_type': fc.constantFrom('application/json', 'text/plain'),
  'ai.operationId': fc.constantFrom('ai.generateText.doGenerate', 'ai.toolCall'),
};

/**
 * Canonical values consistent with the inclusive semantics: input and output larger than any cached
 * or reasoning part the foreign keys can carry (a smaller one is the documented repair exception).
 */
const canonical = fc.record({
  [GenAI.providerName]: fc.constantFrom('openai', 'custom'),
  [GenAI.requestModel]: text,
  [GenAI.responseModel]: text,
  [Canonical.spanKind]: fc.constantFrom('LLM', 'TOOL', 'CHAIN'),
  [GenAI.operationName]: fc.constantFrom('chat', 'execute_tool'),
  [GenAI.inputTokens]: fc.constant(1_000_000n),
  [GenAI.cacheReadInputTokens]: fc.bigInt({ min: 0n, max: 2000n }),
  [GenAI.cacheCreationInputTokens]: fc.bigInt({ min: 0n, max: 2000n }),
  [GenAI.outputTokens]: fc.constant(1_000_000n),
  [GenAI.reasoningOutputTokens]: fc.bigInt({ min: 0n, max: 900n }),
  [Canonical.totalTokens]: fc.bigInt({ min: 0n, max: 10_000n }),
  [GenAI.inputMessages]: fc.constant('[]'),
  [GenAI.outputMessages]: fc.constant('[{"role":"assistant","parts":[]}]'),
  [GenAI.finishReasons]: fc.constant(['stop']),
  [GenAI.conversationId]: text,
  [Canonical.userId]: text,
  [Canonical.costUsd]: fc.double({ min: 0, max: 1, noNaN: true }),
  [GenAI.requestTemperature]: fc.double({ min: 0, max: 2, noNaN: true }),
}, { requiredKeys: [] });

const foreignAttrs = fc.record(foreign, { requiredKeys: [] }) as fc.Arbitrary<Attributes>;
const options = fc.record({
  removeSourceKeys: fc.boolean(),
  inputExcludesCache: fc.constantFrom<'auto' | boolean>('auto', true, false),
  outputExcludesReasoning: fc.constantFrom<'auto' | boolean>('auto', true, false),
});

describe('genai_normalize properties', () => {
  it('normalising twice equals normalising once', () => {
    fc.assert(fc.property(foreignAttrs, canonical as fc.Arbitrary<Attributes>, options, (f, c, opts) => {
      const once = norm({ ...f, ...c }, opts);
      const twice = norm(once, opts);
      expect(twice).toEqual(once);
    }), { numRuns: 500 });
  });
  it('canonical values that are present are never changed', () => {
    fc.assert(fc.property(foreignAttrs, canonical as fc.Arbitrary<Attributes>, options, (f, c, opts) => {
      const out = norm({ ...f, ...c }, opts);
      for (const [k, v] of Object.entries(c)) expect(out[k], k).toEqual(v);
    }), { numRuns: 500 });
  });
  it('input is never less than its cached parts, output never less than reasoning (unless told false)', () => {
    const notFalse = fc.constantFrom<'auto' | boolean>('auto', true);
    const opts = fc.record({ removeSourceKeys: fc.boolean(), inputExcludesCache: notFalse, outputExcludesReasoning: notFalse });
    fc.assert(fc.property(foreignAttrs, opts, (f, opts) => {
      const out = norm(f, opts);
      const n = (k: string) => (out[k] === undefined ? 0n : BigInt(out[k] as bigint));
      if (out[GenAI.inputTokens] !== undefined) expect(n(GenAI.inputTokens) >= n(GenAI.cacheReadInputTokens) + n(GenAI.cacheCreationInputTokens)).toBe(true);
      if (out[GenAI.outputTokens] !== undefined) expect(n(GenAI.outputTokens) >= n(GenAI.reasoningOutputTokens)).toBe(true);
    }), { numRuns: 500 });
  });
});

describe('genai_normalize processor', () => {
  it('validates its config and normalises every span', () => {
    expect(genaiNormalizeConfigSchema.safeParse({ remove_source_keys: 'yes' }).success).toBe(false);
    expect(genaiNormalizeConfigSchema.safeParse({ bogus: 1 }).success).toBe(false);
    const p = make(genaiNormalizeProcessor, {});
    const out = p.process(traces([span('a', structuredClone(OPENLLMETRY)), span('b', structuredClone(OPENINFERENCE))]), 'traces');
    expect(allSpans(out).map((s) => s.attributes[GenAI.providerName])).toEqual(['anthropic', 'openai']);
  });
});
