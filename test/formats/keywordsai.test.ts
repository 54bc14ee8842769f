import { describe, expect, it } from 'vitest';
import {
  Canonical, GenAI, StatusCode, flattenSpans, newSpan, tracesOf, type Span, type Telemetry,
} from '../../src/model/index.js';
import { InputError } from '../../src/formats/errors.js';
import { findFormat } from '../../src/formats/registry.js';
import { decodeKeywordsAiDocument, encodeKeywordsAi, keywordsai, keywordsAiTranslate } from '../../src/formats/keywordsai/index.js';
import { KEYWORDSAI_DOC_EXAMPLE, KEYWORDSAI_PYTHON_EXAMPLE } from './keywordsai.fixture.js';

const spansOf = (t: Telemetry): Span[] => flattenSpans(t.traces ?? []).map((s) => s.span);
const decode = (doc: unknown) => decodeKeywordsAiDocument(doc);
const roundTrip = (doc: unknown) => encodeKeywordsAi(decode(doc).telemetry).flatMap((b) => b.logs);
const log = (patch: Record<string, unknown>) => [{ id: 'l1', trace_unique_id: 't1', span_unique_id: 's1', span_name: 'n', span_workflow_name: 'wf', timestamp: '2024-01-15T10:30:00Z', start_time: '2024-01-15T10:29:59Z', latency: 1, ...patch }];

describe('keywordsai: documented examples', () => {
  it('round trips the request body example unchanged', () => {
    expect(roundTrip(KEYWORDSAI_DOC_EXAMPLE)).toEqual(KEYWORDSAI_DOC_EXAMPLE);
  });

  it('round trips the Python example (no span_parent_id, no status) unchanged', () => {
    expect(roundTrip(KEYWORDSAI_PYTHON_EXAMPLE)).toEqual(KEYWORDSAI_PYTHON_EXAMPLE);
  });

  it('maps every field of the example onto the model', () => {
    const r = decode(KEYWORDSAI_DOC_EXAMPLE);
    expect(r.accepted).toBe(1);
    const [s] = spansOf(r.telemetry);
    expect(s).toMatchObject({
      traceId: 'trace_abc123',
      spanId: 'span_xyz789',
      name: 'llm_call',
      startTimeUnixNano: 1705314590000000000n,
      endTimeUnixNano: 1705314600000000000n,
      status: { code: StatusCode.OK },
    });
    expect(s!.parentSpanId).toBeUndefined();
    expect(s!.attributes).toMatchObject({
      'keywordsai.id': 'log_id_123',
      [Canonical.spanKind]: 'LLM',
      [GenAI.operationName]: 'chat',
      [GenAI.workflowName]: 'customer_support',
      [GenAI.requestModel]: 'gpt-4o-mini',
      [GenAI.responseModel]: 'gpt-4o-mini',
      [GenAI.inputTokens]: 10n,
      [GenAI.outputTokens]: 8n,
      [Canonical.totalTokens]: 18n,
      // The example's latency (1.2 s) disagrees with its timestamps (10 s): kept verbatim.
      'keywordsai.latency': 1.2,
    });
    expect(JSON.parse(s!.attributes[GenAI.inputMessages] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]);
    expect(JSON.parse(s!.attributes[GenAI.outputMessages] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi! How can I help?' }] }]);
  });

  it('is registered with both paths, Bearer auth and a translate codec', () => {
    const f = findFormat('keywordsai');
    expect(f).toBe(keywordsai);
    expect(f!.receiver!.routes.map((r) => r.path)).toEqual(['/api/traces/ingest', '/api/traces/ingest/']);
    expect(f!.receiver!.auth).toEqual({ header: 'authorization', scheme: 'Bearer', required: true });
    expect(f!.translate!.name).toBe('keywordsai');
  });
});

describe('keywordsai: mapping', () => {
  it('derives the end from start_time + latency, and the start from timestamp - latency, to the nanosecond', () => {
    const [a] = spansOf(decode([{ id: 'x', trace_unique_id: 't', span_unique_id: 's', start_time: '2024-01-15T10:29:50.123456789Z', latency: 1.000000001 }]).telemetry);
    expect(a!.startTimeUnixNano).toBe(1705314590123456789n);
    expect(a!.endTimeUnixNano).toBe(1705314591123456790n);
    const [b] = spansOf(decode([{ id: 'x', trace_unique_id: 't', span_unique_id: 's', timestamp: '2024-01-15T10:30:00Z', latency: 0.25 }]).telemetry);
    expect(b!.startTimeUnixNano).toBe(1705314599750000000n);
    const d = [{ id: 'x', trace_unique_id: 't', span_unique_id: 's', span_name: 'n', span_workflow_name: 'w', timestamp: '2024-01-15T10:30:00.500+00:00', latency: 0.25 }];
    expect(roundTrip(d)).toEqual(d);
  });

  it('computes latency in seconds with fractions when encoding model spans', () => {
    const span = newSpan({ traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 1705314590000000000n, endTimeUnixNano: 1705314591234567891n });
    const [l] = encodeKeywordsAi(tracesOf([span]))[0]!.logs;
    expect(l).toMatchObject({ start_time: '2024-01-15T10:29:50Z', timestamp: '2024-01-15T10:29:51.234567891Z', latency: 1.234567891, span_parent_id: null, id: 's', span_workflow_name: 'n' });
  });

  it('maps log_type to the AI span kind and operation, keeping precise kinds and spellings', () => {
    for (const [t, kind, op] of [['chat', 'LLM', 'chat'], ['embedding', 'EMBEDDING', 'embeddings'], ['workflow', 'WORKFLOW', 'invoke_workflow'], ['task', 'TASK', undefined], ['tool', 'TOOL', 'execute_tool'], ['agent', 'AGENT', 'invoke_agent'], ['completion', 'LLM', 'text_completion'], ['handoff', 'AGENT', undefined]] as const) {
      const d = log({ log_type: t });
      const [s] = spansOf(decode(d).telemetry);
      expect(s!.attributes[Canonical.spanKind]).toBe(kind);
      expect(s!.attributes[GenAI.operationName]).toBe(op);
      expect(roundTrip(d)).toEqual(d);
    }
    const retriever = newSpan({ traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: { [Canonical.spanKind]: 'RETRIEVER' } });
    const [l] = encodeKeywordsAi(tracesOf([retriever]))[0]!.logs;
    expect(l!.log_type).toBe('task');
    expect(spansOf(decode([l]).telemetry)[0]!.attributes[Canonical.spanKind]).toBe('RETRIEVER');
  });

  it('accepts input/output as any JSON: string, object, array, and gives back the same shape', () => {
    for (const [input, output] of [
      ['plain text', 'answer'],
      [{ query: 'weather in Paris', k: 3 }, [{ doc: 'a' }, { doc: 'b' }]],
      [[{ role: 'user', content: 'Hello' }], { role: 'assistant', content: 'Hi' }],
      ['{"a":1}', 42],
    ] as const) {
      const d = log({ input, output });
      expect(roundTrip(d)).toEqual(d);
    }
    const [s] = spansOf(decode(log({ input: [{ role: 'user', content: 'Hello' }], output: { query: 'x' } })).telemetry);
    expect(JSON.parse(s!.attributes[GenAI.inputMessages] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]);
    expect(s!.attributes[Canonical.outputValue]).toBe('{"query":"x"}');
    expect(s!.attributes['output.mime_type']).toBe('application/json');
  });

  it('maps status, error_message, customer, thread, cost, TTFT, provider, params and environment', () => {
    const d = log({
      status: 'error', error_message: 'timeout', customer_identifier: 'cust_1', thread_identifier: 'thr_1', cost: 0.0042,
      time_to_first_token: 0.35, provider_id: 'openai', temperature: 0.7, top_p: 1, max_tokens: 256, stream: true, environment: 'prod',
    });
    const [s] = spansOf(decode(d).telemetry);
    expect(s!.status).toEqual({ code: StatusCode.ERROR, message: 'timeout' });
    expect(s!.attributes).toMatchObject({
      [Canonical.userId]: 'cust_1', [Canonical.sessionId]: 'thr_1', [Canonical.costUsd]: 0.0042, [GenAI.timeToFirstChunk]: 0.35,
      [GenAI.providerName]: 'openai', [GenAI.requestTemperature]: 0.7, [GenAI.requestTopP]: 1, [GenAI.requestMaxTokens]: 256n,
      [GenAI.requestStream]: true, [Canonical.environment]: 'prod',
    });
    expect(roundTrip(d)).toEqual(d);
  });

  it('keeps unknown fields, unusual status values and metadata round trip', () => {
    const d = log({ status: 'pending', status_code: 200, prompt_messages: [{ role: 'user', content: 'x' }], warnings: 'w', metadata: { env: 'test', nested: { a: [1, 2] }, 'keywordsai.x': true } });
    const [s] = spansOf(decode(d).telemetry);
    expect(s!.attributes).toMatchObject({ 'keywordsai.status': 'pending', 'keywordsai.status_code': 200n, env: 'test', 'keywordsai.metadata.keywordsai.x': true });
    expect(roundTrip(d)).toEqual(d);
  });

  it('fills ids and workflow fields for spans from other sources', () => {
    const root = newSpan({ traceId: 'aa', spanId: 'r', name: 'handle request', startTimeUnixNano: 1n, endTimeUnixNano: 9n });
    const child = newSpan({ traceId: 'aa', spanId: 'c', parentSpanId: 'r', name: 'chat gpt-4o', startTimeUnixNano: 2n, endTimeUnixNano: 3n, attributes: { [GenAI.operationName]: 'chat', 'http.url': 'x' } });
    const t: Telemetry = { traces: [{ resource: { attributes: { 'service.name': 'svc' } }, scopeSpans: [{ scope: { name: 's' }, spans: [root, child] }] }] };
    const logs = encodeKeywordsAi(t)[0]!.logs;
    expect(logs.map((l) => [l.id, l.trace_unique_id, l.span_unique_id, l.span_parent_id, l.span_workflow_name])).toEqual([
      ['r', 'aa', 'r', null, 'handle request'],
      ['c', 'aa', 'c', 'r', 'handle request'],
    ]);
    expect(logs[1]!.log_type).toBe('chat');
    expect(logs[1]!.metadata).toEqual({ 'service.name': 'svc', 'http.url': 'x' });
    const wf = newSpan({ traceId: 'bb', spanId: 'w', name: 'x', startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: { [GenAI.workflowName]: 'support' } });
    const other = newSpan({ traceId: 'bb', spanId: 'o', parentSpanId: 'w', name: 'y', startTimeUnixNano: 1n, endTimeUnixNano: 2n });
    expect(encodeKeywordsAi(tracesOf([wf, other]))[0]!.logs.map((l) => l.span_workflow_name)).toEqual(['support', 'support']);
  });
});

describe('keywordsai: receiver contract', () => {
  const route = keywordsai.receiver!.routes[1]!;
  const req = { method: 'POST', path: '/api/traces/ingest/', mediaType: 'application/json', contentType: 'application/json', headers: {} };
  it('answers 200 {"success": true, "ingested_count": n}', () => {
    const result = route.decode!(Buffer.from(JSON.stringify(KEYWORDSAI_DOC_EXAMPLE)), req, { maxJsonDepth: 64, maxStringLength: 1 << 20, maxItems: 1000 });
    expect(route.reply(result, req)).toEqual({ status: 200, body: { success: true, ingested_count: 1 } });
  });
  it('answers errors as {"success": false, "error", "field"}, back-pressure as 429 + Retry-After', () => {
    const e = new InputError('[0].trace_unique_id', '[0].trace_unique_id is required');
    expect(keywordsai.receiver!.errorReply({ kind: 'input', error: e }, req)).toEqual({ status: 400, body: { success: false, error: e.message, field: '[0].trace_unique_id' } });
    expect(keywordsai.receiver!.errorReply({ kind: 'input', error: new InputError('body', 'too big', 'too_large') }, req).status).toBe(413);
    expect(keywordsai.receiver!.errorReply({ kind: 'input', error: new InputError('authorization', 'invalid API key', 'unauthorized') }, req).status).toBe(401);
    const bp = keywordsai.receiver!.errorReply({ kind: 'backpressure', message: 'queue full', retryAfterSeconds: 2 }, req);
    expect(bp.status).toBe(429);
    expect(bp.headers).toMatchObject({ 'retry-after': '2' });
  });
  it('translate codec decodes and encodes the same document', () => {
    const t = keywordsAiTranslate.decode(Buffer.from(JSON.stringify(KEYWORDSAI_DOC_EXAMPLE)));
    expect(JSON.parse(keywordsAiTranslate.encode(t))).toEqual(KEYWORDSAI_DOC_EXAMPLE);
  });
});
