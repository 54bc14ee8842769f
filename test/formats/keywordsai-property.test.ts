import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AI_SPAN_KINDS, Canonical, GenAI, StatusCode, newSpan, operationFromAiKind, type AnyValue, type Attributes, type Span, type Telemetry,
} from '../../src/model/index.js';
import { decodeKeywordsAiDocument, encodeKeywordsAi, keywordsAiOptions } from '../../src/formats/keywordsai/index.js';

// ---------------------------------------------------------------- vendor documents

const text = fc.string({ maxLength: 12 });
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const count = fc.nat({ max: 10_000_000 });
const nonIntDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => !Number.isInteger(x));
const jsonLeaf = fc.oneof(text, fc.integer({ min: -1e9, max: 1e9 }), nonIntDouble, fc.boolean());
const jsonValue = fc.oneof(jsonLeaf, fc.array(jsonLeaf, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'query'), jsonLeaf, { minKeys: 1, maxKeys: 2 }));
const messages = fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text }), { minLength: 1, maxLength: 3 });
const content = fc.oneof(text, messages.map((m) => JSON.stringify(m)), messages, messages.map((m) => m[0]!), jsonValue);
const iso = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
    fc.constantFrom('', '.5', '.500', '.123456', '.123456789'),
    fc.constantFrom('Z', '+00:00', '+02:00', '-05:30'),
  )
  .map(([ms, frac, zone]) => new Date(ms).toISOString().slice(0, 19) + frac + zone);
const latency = fc.oneof(fc.nat({ max: 100_000 }), fc.nat({ max: 100_000_000 }).map((n) => n / 1000), fc.double({ min: 0, max: 1e4, noNaN: true }));
const usage = fc.record(
  {
    prompt_tokens: count, completion_tokens: count, total_tokens: count,
    prompt_tokens_details: fc.record({ cached_tokens: count, audio_tokens: count }, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0),
    completion_tokens_details: fc.record({ reasoning_tokens: count }, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0),
  },
  { requiredKeys: [] },
);
const metaKey = fc.constantFrom('env', 'region', 'app.version', 'keywordsai.internal', 'foglamp.spanType');

const logArb = fc
  .record(
    {
      id, trace_unique_id: id, span_unique_id: id, span_name: text, span_workflow_name: text,
      span_parent_id: fc.option(id, { nil: null }),
      log_type: fc.constantFrom('chat', 'embedding', 'workflow', 'task', 'tool', 'agent', 'guardrail', 'unknown', 'completion', 'custom', 'handoff', 'mystery'),
      input: content, output: content,
      model: fc.constantFrom('gpt-4o-mini', 'claude-3-5-sonnet'),
      usage,
      prompt_tokens: count, completion_tokens: count,
      timestamp: iso, start_time: iso, latency,
      status: fc.constantFrom('success', 'error', 'pending'),
      error_message: text,
      customer_identifier: fc.oneof(id, fc.integer()),
      thread_identifier: id,
      cost: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant('0.1')),
      time_to_first_token: fc.double({ min: 0, max: 100, noNaN: true }),
      provider_id: fc.constantFrom('openai', 'anthropic'),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      top_p: fc.double({ min: 0, max: 1, noNaN: true }),
      max_tokens: fc.oneof(fc.nat({ max: 100000 }), fc.constant(1.5)),
      stream: fc.boolean(),
      environment: fc.constantFrom('prod', 'dev'),
      metadata: fc.dictionary(metaKey, jsonValue, { minKeys: 1, maxKeys: 3 }),
      status_code: fc.integer({ min: 100, max: 599 }),
      warnings: jsonValue,
    },
    { requiredKeys: ['id', 'trace_unique_id', 'span_unique_id', 'span_name', 'span_workflow_name'] },
  )
  .filter((l) => l.timestamp !== undefined || l.start_time !== undefined)
  .map((l) => {
    // -0 and +0 are one number in JSON.
    for (const k of Object.keys(l) as (keyof typeof l)[]) if (Object.is(l[k], -0)) (l as Record<string, unknown>)[k] = 0;
    return l;
  });
const documentArb = fc.array(logArb, { minLength: 1, maxLength: 5 });

// ---------------------------------------------------------------- model spans

const attrValue: fc.Arbitrary<AnyValue> = fc.oneof(text, fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), nonIntDouble, fc.boolean());
const big = fc.bigInt({ min: 0n, max: 10n ** 9n });
const modelSpan = fc.record({
  spanId: id,
  name: text,
  start: fc.bigInt({ min: 946684800000000000n, max: 4102444800000000000n }),
  duration: fc.bigInt({ min: 0n, max: 10n ** 13n }),
  parent: fc.option(id, { nil: undefined }),
  kind: fc.option(fc.constantFrom(...AI_SPAN_KINDS), { nil: undefined }),
  model: fc.option(fc.constantFrom('gpt-4o', 'o3'), { nil: undefined }),
  attrs: fc.record(
    {
      custom: fc.dictionary(fc.constantFrom('app.tier', 'http.route', 'x'), attrValue, { maxKeys: 3 }),
      [GenAI.inputTokens]: big, [GenAI.outputTokens]: big, [GenAI.cacheReadInputTokens]: big,
      [GenAI.reasoningOutputTokens]: big, [Canonical.totalTokens]: big,
      [Canonical.inputValue]: text, [Canonical.outputValue]: text,
      [Canonical.userId]: id, [Canonical.sessionId]: id, [Canonical.costUsd]: fc.double({ min: 0, max: 10, noNaN: true }),
      [GenAI.timeToFirstChunk]: fc.double({ min: 0, max: 10, noNaN: true }), [GenAI.providerName]: fc.constantFrom('openai', 'anthropic'),
      [GenAI.requestMaxTokens]: fc.bigInt({ min: 1n, max: 100000n }), [GenAI.requestStream]: fc.boolean(),
    },
    { requiredKeys: ['custom'] },
  ),
  status: fc.oneof(fc.constant({ code: StatusCode.UNSET }), fc.constant({ code: StatusCode.OK }), text.map((message) => ({ code: StatusCode.ERROR, message }))),
});

const telemetryArb: fc.Arbitrary<Telemetry> = fc
  .array(fc.tuple(id, text, fc.array(modelSpan, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 })
  .map((traces) => {
    const spans: Span[] = [];
    let n = 0;
    for (const [traceId, workflow, list] of traces) {
      for (const s of list) {
        const { custom, ...rest } = s.attrs;
        const attributes: Attributes = { ...custom, ...rest, [GenAI.workflowName]: workflow };
        if (s.kind) {
          attributes[Canonical.spanKind] = s.kind;
          const op = operationFromAiKind(s.kind);
          if (op) attributes[GenAI.operationName] = op;
        }
        if (s.model) {
          attributes[GenAI.requestModel] = s.model;
          attributes[GenAI.responseModel] = s.model;
        }
        const sp = newSpan({ traceId, spanId: `${s.spanId}-${n++}`, name: s.name, startTimeUnixNano: s.start, endTimeUnixNano: s.start + s.duration, attributes, status: s.status });
        if (s.parent !== undefined) sp.parentSpanId = s.parent;
        spans.push(sp);
      }
    }
    return { traces: [{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 'switchyard' }, spans }] }] };
  });

describe('keywordsai property tests', () => {
  it('vendor → model → vendor is the identity on valid documents', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const logs = encodeKeywordsAi(decodeKeywordsAiDocument(doc).telemetry).flatMap((b) => b.logs);
        expect(logs).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('decode(encode(model)) gives the model back', () => {
    fc.assert(
      fc.property(telemetryArb, (t) => {
        const bodies = encodeKeywordsAi(t, keywordsAiOptions({ max_logs_per_request: 2 }));
        const spans = bodies.flatMap((b) => decodeKeywordsAiDocument(JSON.parse(b.body)).telemetry.traces!.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
        expect(spans).toEqual(t.traces![0]!.scopeSpans[0]!.spans);
      }),
      { numRuns: 300 },
    );
  });

  it('every request body is valid JSON within the limits, and no log is lost', () => {
    fc.assert(
      fc.property(telemetryArb, fc.integer({ min: 1, max: 4 }), (t, max) => {
        const bodies = encodeKeywordsAi(t, keywordsAiOptions({ max_logs_per_request: max, max_content_bytes: 80 }));
        let n = 0;
        for (const b of bodies) {
          const arr = JSON.parse(b.body) as unknown[];
          expect(arr.length).toBeLessThanOrEqual(max);
          n += arr.length;
        }
        expect(n).toBe(t.traces![0]!.scopeSpans[0]!.spans.length);
      }),
      { numRuns: 100 },
    );
  });
});
