import { describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import {
  Canonical, GenAI, StatusCode, newSpan, tracesOf, flattenSpans,
  type Span, type Telemetry,
} from '../../src/model/index.js';
import { InputError } from '../../src/formats/errors.js';
import { findFormat } from '../../src/formats/registry.js';
import { decodeFoglampDocument, encodeFoglamp, foglamp, foglampTranslate } from '../../src/formats/foglamp/index.js';
import { FOGLAMP_DOC_EXAMPLE } from './foglamp.fixture.js';

const spansOf = (t: Telemetry): Span[] => flattenSpans(t.traces ?? []).map((s) => s.span);
const decode = (doc: unknown) => decodeFoglampDocument(doc);
const roundTrip = (doc: unknown) => encodeFoglamp(decode(doc).telemetry).map((b) => b.body);

function doc(span: Record<string, unknown>, trace: Record<string, unknown> = {}) {
  return { version: 'v1', traces: [{ traceId: 't-1', spans: [{ spanId: 's-1', name: 'n', startTime: 1000, endTime: 2000, ...span }], ...trace }] };
}

describe('foglamp: documented example', () => {
  it('round trips vendor → model → vendor unchanged', () => {
    expect(roundTrip(FOGLAMP_DOC_EXAMPLE)).toEqual([FOGLAMP_DOC_EXAMPLE]);
  });

  it('maps every field of the example onto the model', () => {
    const r = decode(FOGLAMP_DOC_EXAMPLE);
    expect(r.accepted).toBe(1);
    const [s] = spansOf(r.telemetry);
    expect(s).toMatchObject({
      traceId: '0192f1c0-1a2b-7c3d-8e4f-1a2b3c4d5e6f',
      spanId: 'span_1',
      parentSpanId: 'span_0',
      name: 'generateText',
      startTimeUnixNano: 1716566400000000000n,
      endTimeUnixNano: 1716566401200000000n,
      status: { code: StatusCode.OK },
    });
    expect(s!.attributes).toMatchObject({
      [Canonical.spanKind]: 'LLM',
      [GenAI.providerName]: 'openai',
      [GenAI.requestModel]: 'gpt-4o',
      [GenAI.responseModel]: 'gpt-4o',
      [GenAI.inputTokens]: 1200n,
      [GenAI.outputTokens]: 350n,
      [Canonical.totalTokens]: 1550n,
      [GenAI.reasoningOutputTokens]: 1n,
      [GenAI.cacheReadInputTokens]: 1n,
      [GenAI.cacheCreationInputTokens]: 1n,
      [Canonical.imageCount]: 1n,
      [Canonical.webSearchCount]: 1n,
      [Canonical.requestCount]: 1n,
      [GenAI.timeToFirstChunk]: 0.32,
      [Canonical.inputValue]: '<string>',
      [Canonical.outputValue]: '<string>',
      [GenAI.agentName]: 'summarizer',
      [GenAI.workflowName]: 'deploy-digest',
      [Canonical.workflowRunId]: 'run_2024_05_24',
      [Canonical.sessionId]: 'session_abc123',
      environment: 'production',
      region: 'us-east-1',
      'foglamp.errorMessage': '<string>',
    });
  });

  it('is registered with receiver, exporter and translate codec', () => {
    const f = findFormat('foglamp');
    expect(f).toBe(foglamp);
    expect(f!.receiver!.routes.map((r) => [r.method, r.path])).toEqual([['POST', '/ingest']]);
    expect(f!.receiver!.auth).toEqual({ header: 'authorization', scheme: 'Bearer', required: true });
    expect(f!.translate!.name).toBe('foglamp');
  });
});

describe('foglamp: mapping', () => {
  it('keeps text ids verbatim and milliseconds exactly, including fractions', () => {
    const r = decode(doc({ spanId: 'span_xyz789', parentSpanId: 'root', startTime: 1717555210000.5, endTime: 1717555210001.25 }, { traceId: 'tr_ABC' }));
    const [s] = spansOf(r.telemetry);
    expect(s!.traceId).toBe('tr_ABC');
    expect(s!.spanId).toBe('span_xyz789');
    expect(s!.parentSpanId).toBe('root');
    expect(s!.startTimeUnixNano).toBe(1717555210000500000n);
    expect(s!.endTimeUnixNano).toBe(1717555210001250000n);
    const back = encodeFoglamp(r.telemetry)[0]!.body.traces[0]!.spans as Record<string, unknown>[];
    expect(back[0]!.startTime).toBe(1717555210000.5);
    expect(back[0]!.endTime).toBe(1717555210001.25);
  });

  it('maps spanType to openinference.span.kind and back, keeping unusual spellings', () => {
    for (const [t, kind] of [['llm', 'LLM'], ['tool', 'TOOL'], ['agent', 'AGENT'], ['workflow', 'WORKFLOW'], ['retriever', 'RETRIEVER'], ['embedding', 'EMBEDDING'], ['retrieval', 'RETRIEVER'], ['event', 'UNKNOWN']] as const) {
      const d = doc({ spanType: t });
      const [s] = spansOf(decode(d).telemetry);
      expect(s!.attributes[Canonical.spanKind]).toBe(kind);
      expect(roundTrip(d)).toEqual([d]);
    }
  });

  it('derives spanType from gen_ai.operation.name when the kind is absent', () => {
    const span = newSpan({ traceId: 't', spanId: 's', name: 'chat gpt-4o', startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: { [GenAI.operationName]: 'execute_tool' } });
    const out = encodeFoglamp(tracesOf([span]))[0]!.body.traces[0]!.spans as Record<string, unknown>[];
    expect(out[0]!.spanType).toBe('tool');
  });

  it('maps status and errorMessage to the span status', () => {
    const [s] = spansOf(decode(doc({ status: 'error', errorMessage: 'rate limited' })).telemetry);
    expect(s!.status).toEqual({ code: StatusCode.ERROR, message: 'rate limited' });
    const d = doc({ status: 'error', errorMessage: 'rate limited' });
    expect(roundTrip(d)).toEqual([d]);
    const [u] = spansOf(decode(doc({})).telemetry);
    expect(u!.status).toEqual({ code: StatusCode.UNSET });
  });

  it('turns chat JSON into GenAI parts messages and back to the same text', () => {
    const input = '[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]';
    const output = '{"role":"assistant","content":"Hi!"}';
    const d = doc({ input, output });
    const [s] = spansOf(decode(d).telemetry);
    expect(JSON.parse(s!.attributes[GenAI.inputMessages] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]);
    expect(JSON.parse(s!.attributes[GenAI.outputMessages] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }] }]);
    expect(s!.attributes[Canonical.inputValue]).toBeUndefined();
    expect(roundTrip(d)).toEqual([d]);
  });

  it('maps tool calls into tool_call parts', () => {
    const output = JSON.stringify({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    const d = doc({ output });
    const [s] = spansOf(decode(d).telemetry);
    expect(JSON.parse(s!.attributes[GenAI.outputMessages] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    ]);
    expect(roundTrip(d)).toEqual([d]);
  });

  it('keeps non-message text, and message JSON it cannot re-create exactly, verbatim', () => {
    const pretty = '[ {"role": "user", "content": "Hello"} ]';
    for (const input of ['plain prompt', '{"query":"weather"}', pretty]) {
      const d = doc({ input });
      const [s] = spansOf(decode(d).telemetry);
      expect(s!.attributes[Canonical.inputValue]).toBe(input);
      expect(roundTrip(d)).toEqual([d]);
    }
  });

  it('puts trace-level fields on every span and takes them back from the spans', () => {
    const d = {
      version: 'v1',
      traces: [{
        traceId: 'tr',
        spans: [
          { spanId: 'a', name: 'agent', spanType: 'agent', startTime: 1, endTime: 9 },
          { spanId: 'b', name: 'llm', spanType: 'llm', startTime: 2, endTime: 3, parentSpanId: 'a', metadata: { region: 'eu' } },
        ],
        agentName: 'summarizer', workflowName: 'digest', workflowRunId: 'run_1', sessionId: 'sess_1',
        metadata: { team: 'ml', region: 'us' },
      }],
    };
    const spans = spansOf(decode(d).telemetry);
    for (const s of spans) {
      expect(s.attributes).toMatchObject({ [GenAI.agentName]: 'summarizer', [GenAI.workflowName]: 'digest', [Canonical.workflowRunId]: 'run_1', [Canonical.sessionId]: 'sess_1', team: 'ml' });
    }
    expect(spans[0]!.attributes.region).toBe('us');
    expect(spans[1]!.attributes.region).toBe('eu');
    expect(roundTrip(d)).toEqual([d]);
  });

  it('keeps unknown fields and reserved metadata keys under foglamp.*', () => {
    const d = {
      version: 'v1',
      traces: [{
        traceId: 'tr', tags: ['x'],
        spans: [{ spanId: 'a', name: 'n', startTime: 1, endTime: 2, costUsd: 0.5, usage: { inputTokens: 3, audioTokens: 2 }, metadata: { 'foglamp.x': 1, [GenAI.providerName]: 'meta-value' }, provider: 'openai' }],
      }],
    };
    const [s] = spansOf(decode(d).telemetry);
    expect(s!.attributes).toMatchObject({ 'foglamp.costUsd': 0.5, 'foglamp.usage.audioTokens': 2n, 'foglamp.trace.tags': ['x'], 'foglamp.metadata.foglamp.x': 1n, [GenAI.providerName]: 'openai' });
    // metadata goes out with string values only; Switchyard notes which ones were JSON text
    const sent = structuredClone(d) as any;
    sent.traces[0].spans[0].metadata = { 'foglamp.x': '1', [GenAI.providerName]: 'meta-value', 'switchyard.foglamp.json_keys': '["foglamp.x"]' };
    expect(roundTrip(d)).toEqual([sent]);
    expect(roundTrip(sent)).toEqual([sent]);
  });

  it('carries span attributes and resource attributes from other sources in metadata', () => {
    const span = newSpan({ traceId: 'abc', spanId: 'def', name: 'GET /', startTimeUnixNano: 5_000_000n, endTimeUnixNano: 6_000_000n, attributes: { 'http.method': 'GET', 'keywordsai.customer_params': 'x' } });
    const t: Telemetry = { traces: [{ resource: { attributes: { 'service.name': 'api' } }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] };
    const out = encodeFoglamp(t)[0]!.body.traces[0]!.spans as Record<string, unknown>[];
    expect(out[0]!.metadata).toEqual({ 'service.name': 'api', 'http.method': 'GET', 'keywordsai.customer_params': 'x' });
    expect(out[0]!.spanType).toBeUndefined();
  });

  it('uses gen_ai.conversation.id as sessionId when there is no session.id', () => {
    const span = newSpan({ traceId: 'abc', spanId: 'def', name: 'n', startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: { [GenAI.conversationId]: 'conv_9' } });
    const trace = encodeFoglamp(tracesOf([span]))[0]!.body.traces[0]!;
    expect(trace.sessionId).toBe('conv_9');
    expect((trace.spans as Record<string, unknown>[])[0]!.metadata).toBeUndefined();
  });
});

describe('foglamp: receiver contract', () => {
  const route = foglamp.receiver!.routes[0]!;
  const req = { method: 'POST', path: '/ingest', mediaType: 'application/json', contentType: 'application/json', headers: {} };
  it('answers 200 {"accepted": span rows}', () => {
    const result = route.decode!(Buffer.from(JSON.stringify(FOGLAMP_DOC_EXAMPLE)), req, { maxJsonDepth: 64, maxStringLength: 1 << 20, maxItems: 1000 });
    expect(route.reply(result, req)).toEqual({ status: 200, body: { accepted: 1 } });
  });
  it('answers errors as {"error", "field"} with the status of the error, back-pressure as 429 + Retry-After', () => {
    const e = new InputError('traces', 'traces must hold 1 to 1000 traces, got 0');
    expect(foglamp.receiver!.errorReply({ kind: 'input', error: e }, req)).toMatchObject({ status: 400, body: { error: e.message, field: 'traces' } });
    const auth = new InputError('authorization', 'invalid API key in Authorization', 'unauthorized');
    expect(foglamp.receiver!.errorReply({ kind: 'input', error: auth }, req).status).toBe(401);
    const bp = foglamp.receiver!.errorReply({ kind: 'backpressure', message: 'queue full', retryAfterSeconds: 3 }, req);
    expect(bp.status).toBe(429);
    expect(bp.headers).toMatchObject({ 'retry-after': '3' });
  });
  it('translate codec decodes and encodes the same document', () => {
    const t = foglampTranslate.decode(Buffer.from(JSON.stringify(FOGLAMP_DOC_EXAMPLE)));
    expect(JSON.parse(foglampTranslate.encode(t))).toEqual(FOGLAMP_DOC_EXAMPLE);
  });
  it('exporter encodes requests for /ingest as JSON with span counts', () => {
    const t = decode(FOGLAMP_DOC_EXAMPLE).telemetry;
    const reqs = encodeWith(foglamp.exporter!, t, { timeout_ms: 1000 });
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ path: '/ingest', contentType: 'application/json', items: 1 });
    expect(JSON.parse(reqs[0]!.body as string)).toEqual(FOGLAMP_DOC_EXAMPLE);
  });
});
