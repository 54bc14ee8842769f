import { describe, expect, it } from 'vitest';
import { Canonical, GenAI, StatusCode, newSpan, tracesOf, type Attributes, type Span, type Telemetry } from '../../src/model/index.js';
import { InputError } from '../../src/formats/errors.js';
import netra, { decodeNetraNdjson, encodeNetraEvent, netraExporter } from '../../src/formats/netra/index.js';
import { encodeWith, optionsFor } from '../helpers/encode-with.js';
import { findFormat } from '../../src/formats/registry.js';
import { TRUNCATION_MARKER_PREFIX } from '../../src/formats/shared/content-truncation.js';
import { NETRA_CURL_EXAMPLE, NETRA_DOC_EXAMPLE, NETRA_GO_EXAMPLE, NETRA_PYTHON_EXAMPLE } from './netra.examples.js';
import { baseConfig, dropNulls, gunzipLines, uncompressedSize } from './netra.helpers.js';

const RECEIVED = 1_800_000_000_000n * 1_000_000n;

function decode(ndjson: string) {
  return decodeNetraNdjson(Buffer.from(ndjson), undefined, RECEIVED);
}

function spansOf(t: Telemetry): Span[] {
  return (t.traces ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

function roundTrip(ndjson: string, config: Record<string, unknown> = {}): Record<string, unknown>[] {
  const r = decode(ndjson);
  expect(r.rejected).toEqual([]);
  const reqs = encodeWith(netraExporter, r.telemetry, { ...baseConfig, ...config });
  return reqs.flatMap(gunzipLines);
}

describe('netra: vendor examples round trip (vendor → model → vendor)', () => {
  it('§3.3 full example comes back equal', () => {
    const [out] = roundTrip(NETRA_DOC_EXAMPLE);
    expect(dropNulls(out)).toEqual(dropNulls(JSON.parse(NETRA_DOC_EXAMPLE)));
  });

  it('cURL example: equal but for the generated span_name and span_kind', () => {
    const [out] = roundTrip(NETRA_CURL_EXAMPLE);
    const tc = out!.trace_context as Record<string, unknown>;
    expect(tc.span_name).toBe('chat gpt-4o');
    expect(tc.span_kind).toBe('llm');
    delete tc.span_name;
    delete tc.span_kind;
    expect(out).toEqual(JSON.parse(NETRA_CURL_EXAMPLE));
  });

  it('Python and Go examples: equal but for generated span_name/span_kind and choice index', () => {
    for (const ex of [NETRA_PYTHON_EXAMPLE, NETRA_GO_EXAMPLE]) {
      const [out] = roundTrip(JSON.stringify(ex));
      const tc = out!.trace_context as Record<string, unknown>;
      delete tc.span_name;
      delete tc.span_kind;
      const choices = ((out!.response as any).completion.choices as any[]);
      choices.forEach((c, i) => {
        expect(c.index).toBe(i);
        delete c.index;
      });
      expect(dropNulls(out)).toEqual(ex);
    }
  });

  it('several lines, several resources, order kept', () => {
    const lines = [NETRA_DOC_EXAMPLE, JSON.stringify(NETRA_PYTHON_EXAMPLE), JSON.stringify(NETRA_GO_EXAMPLE)].join('\n') + '\n';
    const r = decode(lines);
    expect(r.accepted).toBe(3);
    expect(r.telemetry.traces).toHaveLength(3);
    const out = roundTrip(lines);
    expect(out.map((e) => (e.trace_context as any).span_id)).toEqual(['span-abc-456', 'span-abc-456', 'go-span-789']);
  });
});

describe('netra: field mapping', () => {
  const [span] = spansOf(decode(NETRA_DOC_EXAMPLE).telemetry);
  const res = decode(NETRA_DOC_EXAMPLE).telemetry.traces![0]!.resource.attributes;
  const a = span!.attributes;

  it('ids, name, kind, times', () => {
    expect(span!.traceId).toBe('trace-xyz-123');
    expect(span!.spanId).toBe('span-abc-456');
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.name).toBe('SummarizeArticle');
    expect(a[Canonical.spanKind]).toBe('LLM');
    expect(span!.startTimeUnixNano).toBe(1722384000000n * 1_000_000n);
    expect(span!.endTimeUnixNano - span!.startTimeUnixNano).toBe(1250n * 1_000_000n);
  });

  it('model, provider, generation config', () => {
    expect(a[GenAI.providerName]).toBe('openai');
    expect(a[GenAI.requestModel]).toBe('gpt-4o');
    expect(a['netra.request.model.family']).toBe('gpt-4');
    expect(a[GenAI.requestTemperature]).toBe(0.5);
    expect(a[GenAI.requestMaxTokens]).toBe(512n);
  });

  it('messages in the GenAI parts schema', () => {
    expect(JSON.parse(a[GenAI.inputMessages] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Summarize the provided article.' }] }]);
    expect(JSON.parse(a[GenAI.outputMessages] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'This is the summary of the article...' }], finish_reason: 'stop' },
    ]);
    expect(a[GenAI.finishReasons]).toEqual(['stop']);
  });

  it('tokens, TTFT in seconds, cost, governance, identity, application context', () => {
    expect(a[GenAI.inputTokens]).toBe(850n);
    expect(a[GenAI.outputTokens]).toBe(150n);
    expect(a[Canonical.totalTokens]).toBe(1000n);
    expect(a[GenAI.timeToFirstChunk]).toBe(0.4);
    expect(a[Canonical.costUsd]).toBe(0.0055);
    expect(a['netra.finops.pricing_info.prompt_token_rate_usd_per_million']).toBe(5n);
    expect(a[Canonical.piiRedacted]).toBe(false);
    expect(a['netra.governance.safety.overall_safety_verdict']).toBe('pass');
    expect(a[Canonical.userId]).toBe('hashed-user-987');
    expect(a[Canonical.organizationId]).toBe('org-abc-123');
    expect(a['netra.identity_context.api_key_hash']).toBe('sha256-of-key...');
    expect(res[Canonical.appName]).toBe('doc-summarizer');
    expect(res[Canonical.serviceName]).toBe('summarization-service');
    expect(res[Canonical.environment]).toBe('production');
  });

  it('event metadata kept under netra.event_metadata.*', () => {
    expect(a['netra.event_metadata.event_id']).toBe('a1b2c3d4-e5f6-7890-1234-567890abcdef');
    expect(a['netra.event_metadata.log_schema_version']).toBe('3.0.0');
    expect(a['netra.event_metadata.ingestion_source']).toBe('my-app-v1.2');
  });

  it('event_id and timestamp_utc are generated when absent (deterministic id, receipt time)', () => {
    const ev = { request: { model: { name: 'm' }, prompt: { text: 'hi' } }, response: { completion: { text: 'yo' }, usage: {} } };
    const line = JSON.stringify(ev);
    const s1 = spansOf(decode(line).telemetry)[0]!;
    const s2 = spansOf(decode(line).telemetry)[0]!;
    expect(s1.attributes['netra.event_metadata.event_id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(s1.attributes['netra.event_metadata.event_id']).toBe(s2.attributes['netra.event_metadata.event_id']);
    expect(s1.startTimeUnixNano).toBe(RECEIVED);
    expect(s1.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(s1.spanId).toMatch(/^[0-9a-f]{16}$/);
    // non-chat prompt/completion objects are kept whole as input.value / output.value
    expect(s1.attributes[Canonical.inputValue]).toBe('{"text":"hi"}');
    const [out] = roundTrip(line);
    expect((out!.request as any).prompt).toEqual({ text: 'hi' });
    expect((out!.response as any).completion).toEqual({ text: 'yo' });
  });

  it('unknown namespaces and keys survive a round trip verbatim', () => {
    const ev = JSON.parse(NETRA_DOC_EXAMPLE);
    ev.custom_ns = { a: 1, b: [1, 'x'] };
    ev.request.tools = [{ type: 'function', function: { name: 'f' } }];
    ev.request.generation_config.max_tokens = 5; // alias beside the primary: kept verbatim
    ev.performance.gpu = { util: 0.9 };
    ev.response.usage.prompt_tokens_details = { cached_tokens: 100, audio_tokens: 3 };
    ev.response.usage.completion_tokens_details = { reasoning_tokens: 50 };
    ev.governance.quality = { score: 0.7 };
    ev.response.completion.choices[0].logprobs = null;
    ev.response.completion.choices[0].message.refusal = 'no';
    const [out] = roundTrip(JSON.stringify(ev));
    expect(dropNulls(out)).toEqual(dropNulls(ev));
  });

  it('OpenAI alias names (max_tokens, stop) come back under the same name', () => {
    const ev = JSON.parse(NETRA_DOC_EXAMPLE);
    ev.request.generation_config = { max_tokens: 100, stop: ['\n'], top_p: 0.9, seed: 7, stream: true };
    const span = spansOf(decode(JSON.stringify(ev)).telemetry)[0]!;
    expect(span.attributes[GenAI.requestMaxTokens]).toBe(100n);
    expect(span.attributes[GenAI.requestStopSequences]).toEqual(['\n']);
    const [out] = roundTrip(JSON.stringify(ev));
    expect((out!.request as any).generation_config).toEqual(ev.request.generation_config);
  });

  it('tool calls and tool results map to GenAI parts and back', () => {
    const ev = JSON.parse(NETRA_DOC_EXAMPLE);
    ev.request.prompt.messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get', arguments: '{"q":"a"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'result' },
    ];
    const span = spansOf(decode(JSON.stringify(ev)).telemetry)[0]!;
    const msgs = JSON.parse(span.attributes[GenAI.inputMessages] as string);
    expect(msgs[1].parts[1]).toEqual({ type: 'uri', modality: 'image', uri: 'https://x/y.png' });
    expect(msgs[2].parts).toEqual([{ type: 'tool_call', id: 'c1', name: 'get', arguments: { q: 'a' } }]);
    expect(msgs[3].parts).toEqual([{ type: 'tool_call_response', id: 'c1', response: 'result' }]);
    const [out] = roundTrip(JSON.stringify(ev));
    expect(dropNulls(out)).toEqual(dropNulls(ev));
  });

  it('status travels in the attributes namespace; foreign attributes too', () => {
    const span = newSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat gpt', startTimeUnixNano: 1n, endTimeUnixNano: 2_000_001n });
    span.attributes = { [Canonical.spanKind]: 'LLM', [GenAI.requestModel]: 'gpt', [GenAI.operationName]: 'chat', 'http.method': 'POST' };
    span.status = { code: StatusCode.ERROR, message: 'boom' };
    const ev = encodeNetraEvent({ span, resource: { 'service.name': 'svc' }, scope: { name: 's' } });
    expect(ev.attributes).toEqual({ 'http.method': 'POST', 'otel.status_code': 'ERROR', 'otel.status_description': 'boom' });
    expect((ev.application_context as any).service_name).toBe('svc');
    expect((ev.performance as any).latency_ms.total_e2e).toBe(2);
    const back = spansOf(decode(JSON.stringify(ev)).telemetry)[0]!;
    expect(back.status).toEqual({ code: StatusCode.ERROR, message: 'boom' });
    expect(back.attributes['http.method']).toBe('POST');
  });
});

describe('netra: token arithmetic (OpenAI semantics = canonical, never doubled)', () => {
  function tokens(usage: object) {
    const ev = JSON.parse(NETRA_DOC_EXAMPLE);
    ev.response.usage = usage;
    return spansOf(decode(JSON.stringify(ev)).telemetry)[0]!.attributes;
  }

  it('prompt_tokens includes cached: input = prompt_tokens, cache_read is a part of it', () => {
    const a = tokens({ prompt_tokens: 1000, completion_tokens: 300, total_tokens: 1300, prompt_tokens_details: { cached_tokens: 800 }, completion_tokens_details: { reasoning_tokens: 200 } });
    expect(a[GenAI.inputTokens]).toBe(1000n);
    expect(a[GenAI.cacheReadInputTokens]).toBe(800n);
    expect(a[GenAI.outputTokens]).toBe(300n);
    expect(a[GenAI.reasoningOutputTokens]).toBe(200n);
    expect(a[Canonical.totalTokens]).toBe(1300n);
  });

  it('encoding canonical counts: prompt_tokens = input (not input + cache), completion = output (not + reasoning)', () => {
    const attrs: Attributes = {
      [Canonical.spanKind]: 'LLM', [GenAI.inputTokens]: 130213n, [GenAI.cacheReadInputTokens]: 130208n,
      [GenAI.cacheCreationInputTokens]: 3n, [GenAI.outputTokens]: 1970n, [GenAI.reasoningOutputTokens]: 956n,
    };
    const span = newSpan({ traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: attrs });
    const ev = encodeNetraEvent({ span, resource: {}, scope: { name: 'x' } });
    expect((ev.response as any).usage).toEqual({
      prompt_tokens: 130213, completion_tokens: 1970, total_tokens: 132183,
      prompt_tokens_details: { cached_tokens: 130208 }, completion_tokens_details: { reasoning_tokens: 956 },
    });
  });

  it('a Netra-born event without total_tokens gets none added', () => {
    const [out] = roundTrip(JSON.stringify({ ...NETRA_GO_EXAMPLE, response: { ...NETRA_GO_EXAMPLE.response, usage: { prompt_tokens: 1, completion_tokens: 2 } } }));
    expect((out!.response as any).usage).toEqual({ prompt_tokens: 1, completion_tokens: 2 });
  });
});

describe('netra: bad input names the field', () => {
  const cases: [string, (ev: any) => void, string][] = [
    ['missing request.model', (ev) => delete ev.request.model, 'request.model'],
    ['missing request.prompt', (ev) => delete ev.request.prompt, 'request.prompt'],
    ['missing response.usage', (ev) => delete ev.response.usage, 'response.usage'],
    ['missing response.completion', (ev) => delete ev.response.completion, 'response.completion'],
    ['request.model is a string', (ev) => (ev.request.model = 'gpt-4o'), 'request.model'],
    ['timestamp_utc is a string', (ev) => (ev.event_metadata.timestamp_utc = '1722384000000'), 'event_metadata.timestamp_utc'],
    ['trace_id is a number', (ev) => (ev.trace_context.trace_id = 5), 'trace_context.trace_id'],
    ['prompt_tokens is negative', (ev) => (ev.response.usage.prompt_tokens = -1), 'response.usage.prompt_tokens'],
    ['total_tokens is fractional', (ev) => (ev.response.usage.total_tokens = 1.5), 'response.usage.total_tokens'],
    ['pii_redacted is a string', (ev) => (ev.governance.security.pii_redacted = 'no'), 'governance.security.pii_redacted'],
  ];
  for (const [title, mutate, field] of cases) {
    it(`${title} → 400 naming ${field}`, () => {
      const ev = JSON.parse(NETRA_DOC_EXAMPLE);
      mutate(ev);
      try {
        decode(JSON.stringify(ev));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).field).toBe(field);
        expect((e as InputError).message).toContain(field);
        expect((e as InputError).status).toBe(400);
      }
    });
  }

  it('not JSON, not an object, empty body', () => {
    expect(() => decode('this is not json')).toThrow(/line 1 is not valid JSON/);
    expect(() => decode('[1,2]')).toThrow(/must be a JSON object/);
    expect(() => decode('\n\n')).toThrow(/no NDJSON events/);
  });

  it('valid lines of a batch are kept; rejected ones reported with line index and field', () => {
    const bad = JSON.parse(NETRA_DOC_EXAMPLE);
    delete bad.response.usage;
    const body = [NETRA_DOC_EXAMPLE, 'oops', JSON.stringify(bad), '', JSON.stringify(NETRA_GO_EXAMPLE)].join('\n');
    const r = decode(body);
    expect(r.accepted).toBe(2);
    expect(r.rejected).toEqual([
      { index: 1, field: '', message: expect.stringContaining('line 2 is not valid JSON') },
      { index: 2, field: 'response.usage', message: 'line 3: response.usage is required' },
    ]);
    const reply = netra.receiver!.routes[0]!.reply(r, { method: 'POST', path: '/v1/bulk', mediaType: 'application/x-ndjson', contentType: 'application/x-ndjson', headers: {} });
    expect(reply.status).toBe(202);
    expect((reply.body as any).rejected[1]).toEqual({ line: 3, field: 'response.usage', message: 'line 3: response.usage is required' });
  });

  it('too many events → 413', () => {
    const body = Array(5).fill(NETRA_DOC_EXAMPLE).join('\n');
    try {
      decodeNetraNdjson(Buffer.from(body), { maxItems: 4, maxJsonDepth: 64, maxStringLength: 1e6 });
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).status).toBe(413);
    }
  });

  it('error replies: vendor shape; back-pressure 429 with Retry-After, never 500', () => {
    const req = { method: 'POST', path: '/v1/bulk', mediaType: 'application/x-ndjson', contentType: 'application/x-ndjson', headers: {} };
    const bp = netra.receiver!.errorReply({ kind: 'backpressure', message: 'queue full', retryAfterSeconds: 2 }, req);
    expect(bp.status).toBe(429);
    expect(bp.headers!['retry-after']).toBe('2');
    const bad = netra.receiver!.errorReply({ kind: 'input', error: new InputError('request.model', 'request.model is required') }, req);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 'bad_request', message: 'request.model is required', field: 'request.model' } });
  });
});

function llmSpan(i: number, contentBytes: number, kind = 'LLM'): Span {
  return newSpan({
    traceId: 'f'.repeat(32), spanId: i.toString(16).padStart(16, '0'), name: 'chat gpt-4o',
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), endTimeUnixNano: 1_700_000_000_500_000_000n + BigInt(i),
    attributes: {
      [Canonical.spanKind]: kind, [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 10n, [GenAI.outputTokens]: 5n,
      [GenAI.inputMessages]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(contentBytes) }] }]),
    },
  });
}

describe('netra: exporter limits and policy', () => {
  it('requests are gzip NDJSON ≤ 5 MB uncompressed; a 12 MB batch is split, nothing dropped', () => {
    const spans = Array.from({ length: 120 }, (_, i) => llmSpan(i, 100_000));
    const notes: string[] = [];
    const reqs = encodeWith(netraExporter, tracesOf(spans), baseConfig, (e, n) => notes.push(`${e}:${n}`));
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    let total = 0;
    for (const r of reqs) {
      expect(r.path).toBe('/v1/bulk');
      expect(r.contentType).toBe('application/x-ndjson');
      expect(r.contentEncoding).toBe('gzip');
      const size = uncompressedSize(r);
      expect(size).toBeLessThanOrEqual(5_000_000);
      expect(r.items).toBe(gunzipLines(r).length);
      total += r.items;
    }
    expect(total).toBe(120);
    // all but the last request are at least 1 MB (the documented aim)
    for (const r of reqs.slice(0, -1)) expect(uncompressedSize(r)).toBeGreaterThan(1_000_000);
    expect(notes).toContain(`split:${reqs.length}`);
  });

  it('the stepped encoder the exporter runs yields once per span sent and makes the same requests', () => {
    const spans = [...Array.from({ length: 40 }, (_, i) => llmSpan(i, 200_000)), llmSpan(99, 10, 'TOOL')];
    const ctx = { config: optionsFor(netraExporter, baseConfig) };
    const whole = netraExporter.encode(tracesOf(spans), ctx);
    const steps = netraExporter.encodeSteps!(tracesOf(spans), ctx);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    // The tool span is skipped by span_policy llm_only: it is no step of its own.
    expect(yields).toBe(40);
    expect(r.value.map((q) => [q.items, gunzipLines(q)])).toEqual(whole.map((q) => [q.items, gunzipLines(q)]));
    expect(whole.length).toBeGreaterThan(1);
  });

  it('one event with 3 MB of messages is truncated (marked), not dropped', () => {
    const notes: string[] = [];
    const reqs = encodeWith(netraExporter, tracesOf([llmSpan(1, 3_000_000)]), { ...baseConfig, max_content_bytes: 1_000_000 }, (e, n) => notes.push(`${e}:${n}`));
    expect(reqs).toHaveLength(1);
    const [ev] = gunzipLines(reqs[0]!);
    expect(uncompressedSize(reqs[0]!)).toBeLessThan(1_100_000);
    expect((ev!.attributes as any)[Canonical.contentTruncated]).toBe(true);
    const content = (ev!.request as any).prompt.messages[0].content as string;
    expect(content).toContain(TRUNCATION_MARKER_PREFIX);
    expect(notes).toContain('truncated:1');
    // a 7 MB event is cut to fit one request even with a large max_content_bytes
    const big = encodeWith(netraExporter, tracesOf([llmSpan(2, 7_000_000)]), { ...baseConfig, max_content_bytes: 10_000_000 });
    expect(uncompressedSize(big[0]!)).toBeLessThanOrEqual(5_000_000);
  });

  it('span_policy llm_only skips non-LLM spans (counted); all sends them with span_kind', () => {
    const spans = [llmSpan(1, 10), llmSpan(2, 10, 'TOOL'), llmSpan(3, 10, 'WORKFLOW')];
    const notes: string[] = [];
    const reqs = encodeWith(netraExporter, tracesOf(spans), baseConfig, (e, n) => notes.push(`${e}:${n}`));
    expect(reqs.flatMap(gunzipLines)).toHaveLength(1);
    expect(notes).toContain('skipped:2');
    const all = encodeWith(netraExporter, tracesOf(spans), { ...baseConfig, span_policy: 'all' }).flatMap(gunzipLines);
    expect(all.map((e) => (e.trace_context as any).span_kind)).toEqual(['llm', 'tool', 'workflow']);
    for (const e of all) {
      expect(typeof (e.request as any).model).toBe('object');
      expect(typeof (e.response as any).usage).toBe('object');
    }
  });

  it('is registered, with a translate codec', () => {
    expect(findFormat('netra')).toBe(netra);
    const text = netra.translate!.encode(netra.translate!.decode(Buffer.from(NETRA_DOC_EXAMPLE)));
    expect(dropNulls(JSON.parse(text.trim()))).toEqual(dropNulls(JSON.parse(NETRA_DOC_EXAMPLE)));
  });
});
