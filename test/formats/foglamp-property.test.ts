import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AI_SPAN_KINDS, Canonical, GenAI, StatusCode, newSpan, type AnyValue, type Attributes, type Span, type Telemetry,
} from '../../src/model/index.js';
import { decodeFoglampDocument, encodeFoglamp, foglampOptions } from '../../src/formats/foglamp/index.js';
import { fidelityOf } from '../../src/formats/shared/fidelity.js';

// ---------------------------------------------------------------- vendor documents

const text = fc.string({ maxLength: 12 });
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const count = fc.nat({ max: 10_000_000 });
const fraction = fc.constantFrom(0, 0.5, 0.25, 0.125, 0.015625);
const ms = fc.tuple(fc.integer({ min: 0, max: 2_000_000_000_000 }), fraction).map(([w, f]) => w + f);
const nonIntDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => !Number.isInteger(x));
const jsonLeaf = fc.oneof(text, fc.integer({ min: -1e9, max: 1e9 }), nonIntDouble, fc.boolean());
const jsonValue = fc.oneof(jsonLeaf, fc.array(jsonLeaf, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), jsonLeaf, { maxKeys: 2 }));
const metaKey = fc.constantFrom('environment', 'region', 'team', 'app.version', 'foglamp.internal', 'keywordsai.cost_center');
// The document shows metadata with string values only: a strictly valid document has those.
let metaValue: fc.Arbitrary<unknown> = text;
const metadata = fc.constant(null).chain(() => fc.dictionary(metaKey, metaValue, { minKeys: 1, maxKeys: 4 }));
const chatText = fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text }), { minLength: 1, maxLength: 3 }).map((m) => JSON.stringify(m));
const content = fc.oneof(text, chatText, fc.constant('{"query":"x"}'));

const usage = fc.record(
  {
    inputTokens: count, outputTokens: count, totalTokens: count, reasoningTokens: count, cachedInputTokens: count,
    cacheWriteInputTokens: count, imageCount: count, webSearchCount: count, requestCount: count,
  },
  { requiredKeys: [] },
).filter((u) => Object.keys(u).length > 0);

const span = fc.record(
  {
    spanId: id,
    spanType: fc.constantFrom('llm', 'tool', 'agent', 'workflow', 'chain', 'retriever', 'embedding', 'reranker', 'guardrail', 'evaluator', 'task', 'unknown', 'retrieval', 'event'),
    name: text,
    startTime: ms,
    endTime: ms,
    parentSpanId: id,
    status: fc.constantFrom('ok', 'error'),
    errorMessage: text,
    provider: fc.constantFrom('openai', 'anthropic', 'aws.bedrock'),
    modelId: fc.constantFrom('gpt-4o', 'claude-sonnet-4', 'o3'),
    usage,
    ttftMs: fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(0, 0.5)).map(([a, b]) => a + b),
    input: content,
    output: content,
    metadata,
    customField: jsonValue,
  },
  { requiredKeys: ['spanId', 'name', 'startTime', 'endTime'] },
);

const trace = fc.record(
  {
    spans: fc.uniqueArray(span, { minLength: 1, maxLength: 4, selector: (s) => s.spanId }),
    agentName: text,
    workflowName: text,
    workflowRunId: id,
    sessionId: id,
    metadata: fc.constant(null).chain(() => fc.dictionary(metaKey, metaValue, { maxKeys: 3 })),
  },
  { requiredKeys: ['spans'] },
);

const document = fc
  .uniqueArray(fc.tuple(id, trace), { minLength: 1, maxLength: 4, selector: ([tid]) => tid })
  .map((ts) => ({ version: 'v1', traces: ts.map(([traceId, t]) => ({ traceId, ...t })) }));

// ---------------------------------------------------------------- model spans

const attrValue: fc.Arbitrary<AnyValue> = fc.oneof(text, fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), nonIntDouble, fc.boolean());
const customAttrs = fc.dictionary(fc.constantFrom('app.tier', 'http.route', 'user.plan', 'x'), attrValue, { maxKeys: 3 });
const tokenAttrs = fc.record(
  {
    [GenAI.inputTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    [GenAI.outputTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    [GenAI.cacheReadInputTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    [GenAI.cacheCreationInputTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    [GenAI.reasoningOutputTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    [Canonical.totalTokens]: fc.bigInt({ min: 0n, max: 10n ** 9n }),
  },
  { requiredKeys: [] },
);
const aiAttrs = fc.record(
  {
    [Canonical.spanKind]: fc.constantFrom(...AI_SPAN_KINDS),
    [GenAI.providerName]: fc.constantFrom('openai', 'anthropic'),
    [Canonical.inputValue]: text,
    [Canonical.outputValue]: text,
    [GenAI.timeToFirstChunk]: fc.nat({ max: 100_000 }).map((m) => m / 1000),
  },
  { requiredKeys: [] },
);
const model = fc.option(fc.constantFrom('gpt-4o', 'o3'), { nil: undefined });
const status = fc.oneof(
  fc.constant({ code: StatusCode.UNSET }),
  fc.constant({ code: StatusCode.OK }),
  text.map((message) => ({ code: StatusCode.ERROR, message })),
);
const nanos = fc.tuple(fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.constantFrom(0n, 500_000n, 250_000n)).map(([m, f]) => BigInt(m) * 1_000_000n + f);
const traceLevel = fc.record(
  { [GenAI.agentName]: text, [GenAI.workflowName]: text, [Canonical.workflowRunId]: id, [Canonical.sessionId]: id },
  { requiredKeys: [] },
);
const modelSpan = fc.record({ spanId: id, name: text, start: nanos, end: nanos, parent: fc.option(id, { nil: undefined }), custom: customAttrs, tokens: tokenAttrs, ai: aiAttrs, model, status });

const telemetry: fc.Arbitrary<Telemetry> = fc
  .uniqueArray(fc.tuple(id, traceLevel, fc.array(modelSpan, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3, selector: ([t]) => t })
  .map((traces) => {
    const spans: Span[] = [];
    let n = 0;
    for (const [traceId, level, list] of traces) {
      for (const s of list) {
        const attributes: Attributes = { ...s.custom, ...s.tokens, ...s.ai, ...level };
        if (s.model) {
          attributes[GenAI.requestModel] = s.model;
          attributes[GenAI.responseModel] = s.model;
        }
        const sp = newSpan({ traceId, spanId: `${s.spanId}-${n++}`, name: s.name, startTimeUnixNano: s.start, endTimeUnixNano: s.end, attributes, status: s.status });
        if (s.parent !== undefined) sp.parentSpanId = s.parent;
        spans.push(sp);
      }
    }
    return { traces: [{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 'switchyard' }, spans }] }] };
  });

describe('foglamp property tests', () => {
  it('vendor → model → vendor is the identity on valid documents', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const bodies = encodeFoglamp(decodeFoglampDocument(doc).telemetry).map((b) => b.body);
        expect(bodies).toEqual([doc]);
      }),
      { numRuns: 300 },
    );
  });

  it('documents with non-string metadata (what Foglamp clients may send) go out with string metadata only, and decode back to the same model', () => {
    metaValue = jsonValue;
    try {
      fc.assert(
        fc.property(document, (doc) => {
          const model = decodeFoglampDocument(doc).telemetry;
          const coerced: Record<string, number> = {};
          const fidelity = fidelityOf({ fidelity: (_k, f, n) => { coerced[f] = (coerced[f] ?? 0) + n; } });
          const bodies = encodeFoglamp(model, { ...foglampOptions(), fidelity }).map((b) => JSON.parse(JSON.stringify(b.body)));
          fidelity.flush();
          let nonString = 0;
          for (const t of doc.traces) for (const md of [t.metadata, ...t.spans.map((x: any) => x.metadata)]) for (const v of Object.values(md ?? {})) if (typeof v !== 'string') nonString++;
          for (const b of bodies) {
            for (const t of b.traces) for (const md of [t.metadata, ...t.spans.map((x: any) => x.metadata)]) for (const v of Object.values(md ?? {})) expect(typeof v).toBe('string');
          }
          // Each non-string value is one coerced fact (a span's metadata may also carry the trace's).
          expect(Object.values(coerced).reduce((a, b) => a + b, 0) >= nonString).toBe(true);
          if (nonString === 0) expect(coerced).toEqual({});
          const back = bodies.flatMap((b) => decodeFoglampDocument(b).telemetry.traces!);
          expect(back.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans))).toEqual(model.traces![0]!.scopeSpans[0]!.spans);
        }),
        { numRuns: 300 },
      );
    } finally {
      metaValue = text;
    }
  });

  it('decode(encode(model)) gives the model back', () => {
    fc.assert(
      fc.property(telemetry, (t) => {
        const bodies = encodeFoglamp(t).map((b) => b.body);
        const back = bodies.flatMap((b) => decodeFoglampDocument(JSON.parse(JSON.stringify(b))).telemetry.traces!);
        const spans = back.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
        expect(spans).toEqual(t.traces![0]!.scopeSpans[0]!.spans);
      }),
      { numRuns: 300 },
    );
  });

  it('the encoder never throws and never loses a span, whatever the model holds', () => {
    fc.assert(
      fc.property(telemetry, fc.integer({ min: 1, max: 3 }), (t, max) => {
        const bodies = encodeFoglamp(t, foglampOptions({ max_traces_per_request: max, max_content_bytes: 64 }));
        const n = bodies.reduce((a, b) => a + b.body.traces.reduce((x, tr) => x + (tr.spans as unknown[]).length, 0), 0);
        expect(n).toBe(t.traces![0]!.scopeSpans[0]!.spans.length);
        for (const b of bodies) expect(b.body.traces.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 100 },
    );
  });
});
