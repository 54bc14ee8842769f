import { describe, expect, it } from 'vitest';
import { Canonical, GenAI, StatusCode, newSpan, tracesOf, type Span, type Telemetry } from '../../src/model/index.js';
import { InputError } from '../../src/formats/errors.js';
import neatlogs, { decodeNeatlogsBatch, neatlogsExporter } from '../../src/formats/neatlogs/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { findFormat } from '../../src/formats/registry.js';
import { TRUNCATION_MARKER_PREFIX } from '../../src/formats/shared/content-truncation.js';
import { NEATLOGS_CURL, NEATLOGS_ERROR, NEATLOGS_EXAMPLES, NEATLOGS_NESTED_AS_PRINTED, NEATLOGS_PYTHON } from './neatlogs.examples.js';
import { baseConfig, dropNulls } from './netra.helpers.js';

function decode(body: unknown) {
  return decodeNeatlogsBatch(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

function spansOf(t: Telemetry): Span[] {
  return (t.traces ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

function encode(t: Telemetry, config: Record<string, unknown> = {}) {
  return encodeWith(neatlogsExporter, t, { ...baseConfig, ...config }).map((r) => ({ req: r, body: JSON.parse(r.body as string) }));
}

describe('neatlogs: vendor examples round trip', () => {
  for (const [name, ex] of Object.entries(NEATLOGS_EXAMPLES)) {
    it(`${name} comes back equal`, () => {
      const out = encode(decode(ex).telemetry);
      expect(out).toHaveLength(1);
      expect(dropNulls(out[0]!.body)).toEqual(dropNulls(ex));
    });
  }

  it('metrics: custom ones are kept on the root span and come back; token summaries are re-derived', () => {
    const ex = structuredClone(NEATLOGS_CURL) as any;
    ex.spans[1].attributes[GenAI.requestModel] = 'gpt-4o';
    ex.spans[1].attributes[GenAI.inputTokens] = 120;
    ex.spans[1].attributes[GenAI.outputTokens] = 30;
    ex.metrics = [
      { name: 'latency', value: 25000, unit: 'ms' },
      { name: GenAI.inputTokens, value: 120, unit: 'tokens' },
      { name: GenAI.outputTokens, value: 30, unit: 'tokens' },
    ];
    const t = decode(ex).telemetry;
    const [root, llm] = spansOf(t);
    expect(root!.attributes['neatlogs.metrics']).toHaveLength(1);
    expect(llm!.attributes['neatlogs.metrics']).toBeUndefined();
    const [out] = encode(t);
    expect(out!.body).toEqual(ex);
  });

  it('a token metric no span carries goes to the only LLM span', () => {
    const ex = structuredClone(NEATLOGS_CURL) as any;
    ex.metrics = [{ name: GenAI.inputTokens, value: 42, unit: 'tokens' }];
    const [, llm] = spansOf(decode(ex).telemetry);
    expect(llm!.attributes[GenAI.inputTokens]).toBe(42n);
    // the count now also travels in the span's attributes (canonical key), the metric is kept
    const expected = structuredClone(ex);
    expected.spans[1].attributes[GenAI.inputTokens] = 42;
    expect(encode(decode(ex).telemetry)[0]!.body).toEqual(expected);
  });

  it('chat messages in input/output map to GenAI messages and back', () => {
    const ex = structuredClone(NEATLOGS_CURL) as any;
    ex.spans[1].input = { messages: [{ role: 'system', content: 'be kind' }, { role: 'user', content: 'reset?' }] };
    ex.spans[1].output = { messages: [{ role: 'assistant', content: 'Click it.', finish_reason: 'stop' }] };
    const [, llm] = spansOf(decode(ex).telemetry);
    expect(JSON.parse(llm!.attributes[GenAI.inputMessages] as string)[1]).toEqual({ role: 'user', parts: [{ type: 'text', content: 'reset?' }] });
    expect(JSON.parse(llm!.attributes[GenAI.outputMessages] as string)[0].finish_reason).toBe('stop');
    expect(llm!.attributes[GenAI.finishReasons]).toEqual(['stop']);
    expect(encode(decode(ex).telemetry)[0]!.body).toEqual(ex);
  });

  it('unknown span and batch keys survive; string and array inputs go out as objects and decode back unchanged', () => {
    const ex = structuredClone(NEATLOGS_CURL) as any;
    ex.session_id = 'sess-1';
    ex.spans[0].kind = 'server';
    ex.spans[0].input = 'plain text';
    ex.spans[1].input = [1, 2, 3];
    ex.spans[1].attributes.custom_field = { nested: [1, 'a', true] };
    const model = decode(ex).telemetry;
    const body = encode(model)[0]!.body as any;
    // The document shows `input` as an object: a string or an array is wrapped, and marked.
    expect(body.spans[0].input).toEqual({ value: 'plain text' });
    expect(body.spans[1].input).toEqual({ value: [1, 2, 3] });
    expect(body.spans[0].attributes['switchyard.input.wrapped']).toBe(true);
    const plain = structuredClone(body);
    plain.spans[0].input = ex.spans[0].input;
    plain.spans[1].input = ex.spans[1].input;
    delete plain.spans[0].attributes['switchyard.input.wrapped'];
    delete plain.spans[1].attributes['switchyard.input.wrapped'];
    expect(plain).toEqual(ex);
    expect(decode(body).telemetry).toEqual(model);
  });
});

describe('neatlogs: field mapping', () => {
  it('ids, parent, names, times, kinds, workflow', () => {
    const [root, llm] = spansOf(decode(NEATLOGS_CURL).telemetry);
    expect(root!.spanId).toBe('sp-root-001');
    expect(llm!.parentSpanId).toBe('sp-root-001');
    expect(llm!.name).toBe('call_llm');
    expect(llm!.startTimeUnixNano).toBe(1717555212000n * 1_000_000n);
    expect(llm!.endTimeUnixNano).toBe(1717555225000n * 1_000_000n);
    expect(llm!.attributes[Canonical.spanKind]).toBe('LLM');
    expect(root!.attributes[GenAI.workflowName]).toBe('customer-support-agent');
    expect(root!.status.code).toBe(StatusCode.OK);
    // one tree → one derived trace id
    expect(root!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(llm!.traceId).toBe(root!.traceId);
    expect(root!.attributes[Canonical.inputValue]).toBe(JSON.stringify(NEATLOGS_CURL.spans[0]!.input));
    expect(root!.attributes['input.mime_type']).toBe('application/json');
  });

  it('siblings whose parent is outside the batch share a trace', () => {
    const ex = structuredClone(NEATLOGS_PYTHON) as any;
    ex.spans[0].parent_span_id = 'parent-uuid';
    const [a, b] = spansOf(decode(ex).telemetry);
    expect(a!.traceId).toBe(b!.traceId);
  });

  it('span kinds are canonical uppercase; another spelling is kept verbatim and comes back', () => {
    const ex = structuredClone(NEATLOGS_CURL) as any;
    ex.spans[0].attributes['openinference.span.kind'] = 'workflow';
    ex.spans[1].attributes['openinference.span.kind'] = 'PLANNER';
    const [a, b] = spansOf(decode(ex).telemetry);
    expect(a!.attributes[Canonical.spanKind]).toBe('WORKFLOW');
    expect(b!.attributes[Canonical.spanKind]).toBe('UNKNOWN');
    expect(b!.attributes['neatlogs.span_kind']).toBe('PLANNER');
    // On the wire only the supported kinds: PLANNER goes as CHAIN, and comes back as PLANNER.
    const body = encode(decode(ex).telemetry)[0]!.body as any;
    expect(body.spans[0].attributes['openinference.span.kind']).toBe('WORKFLOW');
    expect(body.spans[0].attributes['switchyard.span_kind']).toBe('workflow');
    expect(body.spans[1].attributes['openinference.span.kind']).toBe('CHAIN');
    expect(body.spans[1].attributes['switchyard.span_kind']).toBe('PLANNER');
    expect(decode(body).telemetry).toEqual(decode(ex).telemetry);
  });

  it('status, error_message, error_type', () => {
    const [s] = spansOf(decode(NEATLOGS_ERROR).telemetry);
    expect(s!.status).toEqual({ code: StatusCode.ERROR, message: 'Connection timeout after 30s' });
    expect(s!.attributes[Canonical.errorType]).toBe('TimeoutError');
    expect(s!.attributes.status).toBeUndefined();
  });

  it('model-born spans: tokens and model in attributes and as summary metrics; trace id kept', () => {
    const span = newSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat gpt-4o', startTimeUnixNano: 1_000_000n, endTimeUnixNano: 5_000_000n });
    span.attributes = {
      [GenAI.operationName]: 'chat', [GenAI.requestModel]: 'gpt-4o', [GenAI.providerName]: 'openai',
      [GenAI.inputTokens]: 1000n, [GenAI.cacheReadInputTokens]: 800n, [GenAI.outputTokens]: 300n, [GenAI.reasoningOutputTokens]: 200n,
      [Canonical.costUsd]: 0.01,
    };
    span.status = { code: StatusCode.ERROR, message: 'rate limited' };
    const [out] = encode(tracesOf([span], { 'service.name': 'svc' }));
    const s = out!.body.spans[0];
    expect(out!.body.workflow_name).toBe('svc');
    expect(s.attributes['openinference.span.kind']).toBe('LLM');
    expect(s.attributes.trace_id).toBe('a'.repeat(32));
    expect(s.attributes.status).toBe('error');
    expect(s.attributes.error_message).toBe('rate limited');
    expect(s.attributes[GenAI.requestModel]).toBe('gpt-4o');
    expect(s.attributes['service.name']).toBe('svc');
    // summary metrics: counts as they are (inclusive), never input + cache or output + reasoning
    expect(out!.body.metrics).toEqual([
      { name: GenAI.inputTokens, value: 1000, unit: 'tokens' },
      { name: GenAI.outputTokens, value: 300, unit: 'tokens' },
      { name: GenAI.cacheReadInputTokens, value: 800, unit: 'tokens' },
      { name: GenAI.reasoningOutputTokens, value: 200, unit: 'tokens' },
      { name: Canonical.costUsd, value: 0.01, unit: 'USD' },
    ]);
    // and back: the model is unchanged (metrics are summaries, not added on top)
    const back = spansOf(decode(out!.body).telemetry)[0]!;
    expect(back.traceId).toBe('a'.repeat(32));
    expect(back.attributes[GenAI.inputTokens]).toBe(1000n);
    expect(back.attributes[GenAI.cacheReadInputTokens]).toBe(800n);
    expect(back.attributes[GenAI.outputTokens]).toBe(300n);
    expect(back.attributes['neatlogs.metrics']).toBeUndefined();
  });

  it('one workflow_name per request: spans grouped by gen_ai.workflow.name, then default_workflow_name', () => {
    const mk = (id: string, wf?: string, trace = `t${id}`, parent?: string) =>
      newSpan({ traceId: trace, spanId: id, parentSpanId: parent, name: id, startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: wf ? { [GenAI.workflowName]: wf } : {} });
    const out = encode(tracesOf([mk('1', 'a'), mk('2', 'b'), mk('3', 'a'), mk('4')]), { default_workflow_name: 'fallback' });
    expect(out.map((o) => [o.body.workflow_name, o.body.spans.map((s: any) => s.span_id)])).toEqual([
      ['a', ['1', '3']], ['b', ['2']], ['fallback', ['4']],
    ]);
    // A span with no AI kind goes as CHAIN (UNKNOWN is not a supported kind), its kind kept aside.
    expect(out[0]!.body.spans[0].attributes['openinference.span.kind']).toBe('CHAIN');
    expect(out[0]!.body.spans[0].attributes['switchyard.span_kind']).toBe('UNKNOWN');
  });

  it('one workflow_name per trace: the root span\'s, wherever it is in the batch, for every span of the trace', () => {
    const mk = (id: string, parent: string | undefined, wf?: string) =>
      newSpan({ traceId: 'trace-1', spanId: id, parentSpanId: parent, name: id, startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: wf ? { [GenAI.workflowName]: wf } : {} });
    // Children first (the SDK's BatchSpanProcessor exports a root span last), one child naming another workflow.
    const out = encode(tracesOf([mk('c1', 'root'), mk('c2', 'root', 'inner'), mk('root', undefined, 'outer')]), { default_workflow_name: 'fallback' });
    expect(out.map((o) => [o.body.workflow_name, o.body.spans.map((s: any) => s.span_id)])).toEqual([['outer', ['c1', 'c2', 'root']]]);
    // Without a root name, a child's name is the trace's.
    const out2 = encode(tracesOf([mk('c1', 'root'), mk('c2', 'root', 'inner'), mk('root', undefined)]), { default_workflow_name: 'fallback' });
    expect(out2.map((o) => o.body.workflow_name)).toEqual(['inner']);
  });
});

describe('neatlogs: bad input names the field', () => {
  const cases: [string, (b: any) => void, string, number?][] = [
    ['missing workflow_name', (b) => delete b.workflow_name, 'workflow_name'],
    ['workflow_name not a string', (b) => (b.workflow_name = 3), 'workflow_name'],
    ['missing spans', (b) => delete b.spans, 'spans'],
    ['spans not an array', (b) => (b.spans = {}), 'spans'],
    ['empty spans', (b) => (b.spans = []), 'spans'],
    ['missing span_id', (b) => delete b.spans[1].span_id, 'spans[1].span_id'],
    ['missing name', (b) => delete b.spans[0].name, 'spans[0].name'],
    ['missing start_time', (b) => delete b.spans[0].start_time, 'spans[0].start_time'],
    ['end_time a string', (b) => (b.spans[0].end_time = '2024-06-05'), 'spans[0].end_time'],
    ['missing attributes', (b) => delete b.spans[0].attributes, 'spans[0].attributes'],
    ['missing span kind', (b) => delete b.spans[1].attributes['openinference.span.kind'], 'spans[1].attributes.openinference.span.kind'],
    ['status not a string', (b) => (b.spans[0].attributes.status = true), 'spans[0].attributes.status'],
    ['metric without value', (b) => (b.metrics = [{ name: 'x' }]), 'metrics[0].value'],
  ];
  for (const [title, mutate, field] of cases) {
    it(`${title} → 400 naming ${field}`, () => {
      const b = structuredClone(NEATLOGS_CURL) as any;
      mutate(b);
      try {
        decode(b);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).field).toBe(field);
        expect((e as InputError).message).toContain(field);
        expect((e as InputError).status).toBe(400);
      }
    });
  }

  it('not JSON, not an object; the nested example as printed lacks workflow_name', () => {
    expect(() => decode('nope')).toThrow(/not valid JSON/);
    expect(() => decode('[]')).toThrow(/JSON object/);
    expect(() => decode(NEATLOGS_NESTED_AS_PRINTED)).toThrow(/workflow_name is required/);
  });

  it('error replies: {"error": …} with 400/401/413; back-pressure 503 + Retry-After', () => {
    const req = { method: 'POST', path: '/api/v1/traces/v4/batch', mediaType: 'application/json', contentType: 'application/json', headers: {} };
    const r = neatlogs.receiver!.errorReply({ kind: 'input', error: new InputError('workflow_name', 'workflow_name is required') }, req);
    expect(r).toMatchObject({ status: 400, body: { error: 'workflow_name is required' } });
    const u = neatlogs.receiver!.errorReply({ kind: 'input', error: new InputError('', 'invalid API key', 'unauthorized') }, req);
    expect(u.status).toBe(401);
    const big = neatlogs.receiver!.errorReply({ kind: 'input', error: new InputError('', 'body larger than 1 MB', 'too_large') }, req);
    expect(big.status).toBe(413);
    const bp = neatlogs.receiver!.errorReply({ kind: 'backpressure', message: 'full', retryAfterSeconds: 3 }, req);
    expect(bp.status).toBe(503);
    expect(bp.headers!['retry-after']).toBe('3');
    const ok = neatlogs.receiver!.routes[0]!.reply(undefined, req);
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ status: 'accepted', batch_id: expect.stringMatching(/^batch_[0-9a-f]{32}$/) });
  });
});

function llm(i: number, contentBytes: number, wf = 'wf'): Span {
  return newSpan({
    traceId: 'c'.repeat(32), spanId: `span-${i}`, name: 'chat', startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_001_000_000_000n,
    attributes: {
      [Canonical.spanKind]: 'LLM', [GenAI.workflowName]: wf, [GenAI.inputTokens]: 7n,
      [GenAI.inputMessages]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'y'.repeat(contentBytes) }] }]),
    },
  });
}

describe('neatlogs: exporter limits', () => {
  it('a 3 MB batch → several requests ≤ 1 MB, one workflow each, nothing dropped', () => {
    const spans = Array.from({ length: 60 }, (_, i) => llm(i, 50_000, i % 2 ? 'a' : 'b'));
    const notes: string[] = [];
    const reqs = encodeWith(neatlogsExporter, tracesOf(spans), baseConfig, (e, n) => notes.push(`${e}:${n}`));
    expect(reqs.length).toBeGreaterThanOrEqual(4);
    let total = 0;
    const seen = new Set<string>();
    for (const r of reqs) {
      expect(Buffer.byteLength(r.body as string)).toBeLessThanOrEqual(1_000_000);
      const body = JSON.parse(r.body as string);
      expect(body.spans.length).toBe(r.items);
      for (const s of body.spans) seen.add(s.span_id);
      expect(body.spans.every((s: any) => s.span_id && s.name && typeof s.start_time === 'number')).toBe(true);
      total += r.items;
      // the summary covers exactly the request's spans
      expect(body.metrics).toEqual([{ name: GenAI.inputTokens, value: 7 * body.spans.length, unit: 'tokens' }]);
    }
    expect(total).toBe(60);
    expect(seen.size).toBe(60);
    expect(notes.some((n) => n.startsWith('split:'))).toBe(true);
  });

  it('one span with 3 MB of messages arrives truncated and marked, not dropped', () => {
    const notes: string[] = [];
    const reqs = encodeWith(neatlogsExporter, tracesOf([llm(1, 3_000_000)]), baseConfig, (e, n) => notes.push(`${e}:${n}`));
    expect(reqs).toHaveLength(1);
    expect(Buffer.byteLength(reqs[0]!.body as string)).toBeLessThanOrEqual(1_000_000);
    const s = JSON.parse(reqs[0]!.body as string).spans[0];
    expect(s.attributes[Canonical.contentTruncated]).toBe(true);
    expect(s.input.messages[0].role).toBe('user');
    expect(s.input.messages[0].content).toContain(TRUNCATION_MARKER_PREFIX);
    expect(Buffer.byteLength(JSON.stringify(s.input))).toBeLessThanOrEqual(262_144);
    expect(notes).toContain('truncated:1');
  });

  it('max_content_bytes is configurable; huge attributes are cut to fit too', () => {
    const span = llm(1, 100_000);
    span.attributes['big.custom'] = 'z'.repeat(2_000_000);
    const reqs = encodeWith(neatlogsExporter, tracesOf([span]), { ...baseConfig, max_content_bytes: 10_000 });
    const s = JSON.parse(reqs[0]!.body as string).spans[0];
    expect(Buffer.byteLength(reqs[0]!.body as string)).toBeLessThanOrEqual(1_000_000);
    expect(Buffer.byteLength(JSON.stringify(s.input))).toBeLessThanOrEqual(10_000);
    expect(s.attributes['big.custom']).toContain(TRUNCATION_MARKER_PREFIX);
  });

  it('is registered, with a translate codec', () => {
    expect(findFormat('neatlogs')).toBe(neatlogs);
    const text = neatlogs.translate!.encode(neatlogs.translate!.decode(Buffer.from(JSON.stringify(NEATLOGS_CURL))));
    expect(JSON.parse(text)).toEqual(NEATLOGS_CURL);
  });
});
