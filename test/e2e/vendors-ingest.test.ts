import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { flattenSpans, type Attributes, type Span } from '../../src/model/index.js';
import { FOGLAMP_DOC_EXAMPLE } from '../formats/foglamp.fixture.js';
import { KEYWORDSAI_DOC_EXAMPLE } from '../formats/keywordsai.fixture.js';
import { NEATLOGS_CURL } from '../formats/neatlogs.examples.js';
import { NETRA_DOC_EXAMPLE } from '../formats/netra.examples.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * The reverse direction through the real server: each vendor receiver, fed its vendor document's
 * own example, reaches an otlp_http exporter with the GenAI attributes set (provider, model,
 * tokens, AI kind, input/output). And bad input: valid items of a batch are never lost.
 */
describe('vendor receivers → otlp_http', () => {
  let cap: CaptureServer;
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    cap = await startCaptureServer();
    h = await startSwitchyard(`
receivers:
  netra: { endpoint: 127.0.0.1:0, api_keys: [nt-in] }
  neatlogs: { endpoint: 127.0.0.1:0, api_keys: [nl-in] }
  foglamp: { endpoint: 127.0.0.1:0, api_keys: [fl-in] }
  keywordsai: { endpoint: 127.0.0.1:0, api_keys: [kw-in] }
processors:
  batch: { send_batch_size: 100, timeout: 50ms }
exporters:
  otlp_http: { endpoint: ${cap.url}, encoding: json }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [netra, neatlogs, foglamp, keywordsai], processors: [batch], exporters: [otlp_http] }
`);
    base = h.service.receiverUrl('netra');
  });
  afterAll(async () => {
    await h?.close();
    await cap?.close();
  });

  const post = (type: string, path: string, body: string, headers: Record<string, string>) =>
    fetch(h.service.receiverUrl(type) + path, { method: 'POST', headers, body });

  /** Every span the capture server has decoded so far (ids are the vendor's text: the OTLP exporter keeps them). */
  function arrived(): { span: Span; resource: Attributes }[] {
    return cap.accepted().filter((r) => r.path === '/v1/traces').flatMap((r) => {
      const res = decodeTracesJson(r.body, DEFAULT_DECODE_LIMITS);
      expect(res.rejected).toEqual([]);
      return flattenSpans(res.telemetry.traces ?? []);
    });
  }
  const waitFor = (spanId: string) => eventually(() => arrived().find((s) => s.span.spanId === spanId), 10_000, `span ${spanId} at the OTLP listener`);

  it('netra: the Bulk Ingest example', async () => {
    const res = await post('netra', '/v1/bulk', NETRA_DOC_EXAMPLE + '\n', { 'content-type': 'application/x-ndjson', authorization: 'Bearer nt-in' });
    expect(res.status).toBe(202);
    const { span, resource } = await waitFor('span-abc-456');
    expect(span.traceId).toBe('trace-xyz-123');
    expect(span.name).toBe('SummarizeArticle');
    expect(span.startTimeUnixNano).toBe(1722384000000n * 1_000_000n);
    expect(span.endTimeUnixNano).toBe(1722384001250n * 1_000_000n);
    expect(span.attributes).toMatchObject({
      'openinference.span.kind': 'LLM', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 850n, 'gen_ai.usage.output_tokens': 150n, 'gen_ai.usage.total_tokens': 1000n,
      'gen_ai.response.time_to_first_chunk': 0.4, 'gen_ai.response.finish_reasons': ['stop'], 'user.id': 'hashed-user-987',
      'gen_ai.request.temperature': 0.5, 'gen_ai.request.max_tokens': 512n, 'gen_ai.usage.cost_usd': 0.0055,
    });
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Summarize the provided article.' }] }]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)[0]).toMatchObject({ role: 'assistant', parts: [{ type: 'text', content: 'This is the summary of the article...' }], finish_reason: 'stop' });
    expect(resource).toMatchObject({ 'service.name': 'summarization-service', 'app.name': 'doc-summarizer', 'deployment.environment.name': 'production' });
  });

  it('neatlogs: the cURL example (a complete trace)', async () => {
    const res = await post('neatlogs', '/api/v1/traces/v4/batch', JSON.stringify(NEATLOGS_CURL), { 'content-type': 'application/json', 'x-api-key': 'nl-in' });
    expect(res.status).toBe(202);
    const { span } = await waitFor('sp-llm-001');
    const root = (await waitFor('sp-root-001')).span;
    expect(span.parentSpanId).toBe('sp-root-001');
    expect(span.traceId).toBe(root.traceId);
    expect(span.name).toBe('call_llm');
    expect(span.status.code).toBe(1);
    expect([span.startTimeUnixNano, span.endTimeUnixNano]).toEqual([1717555212000n * 1_000_000n, 1717555225000n * 1_000_000n]);
    expect(span.attributes).toMatchObject({
      'openinference.span.kind': 'LLM', 'gen_ai.workflow.name': 'customer-support-agent',
      'input.value': JSON.stringify({ prompt: 'Generate a helpful response about password resets...' }), 'input.mime_type': 'application/json',
      'output.value': JSON.stringify({ response: 'Click Forgot Password...' }),
    });
    expect(root.attributes['openinference.span.kind']).toBe('WORKFLOW');
  });

  it('foglamp: the ingest example', async () => {
    const res = await post('foglamp', '/ingest', JSON.stringify(FOGLAMP_DOC_EXAMPLE), { 'content-type': 'application/json', authorization: 'Bearer fl-in' });
    expect(res.status).toBe(200);
    const { span } = await waitFor('span_1');
    expect(span.traceId).toBe('0192f1c0-1a2b-7c3d-8e4f-1a2b3c4d5e6f');
    expect(span.parentSpanId).toBe('span_0');
    expect(span.name).toBe('generateText');
    expect([span.startTimeUnixNano, span.endTimeUnixNano]).toEqual([1716566400000n * 1_000_000n, 1716566401200n * 1_000_000n]);
    expect(span.attributes).toMatchObject({
      'openinference.span.kind': 'LLM', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1200n, 'gen_ai.usage.output_tokens': 350n, 'gen_ai.usage.total_tokens': 1550n,
      'gen_ai.usage.cache_read.input_tokens': 1n, 'gen_ai.usage.cache_creation.input_tokens': 1n, 'gen_ai.usage.reasoning.output_tokens': 1n,
      'gen_ai.response.time_to_first_chunk': 0.32, 'gen_ai.agent.name': 'summarizer', 'gen_ai.workflow.name': 'deploy-digest',
      'input.value': '<string>', 'output.value': '<string>',
    });
  });

  it('keywordsai: the ingest example', async () => {
    const res = await post('keywordsai', '/api/traces/ingest', JSON.stringify(KEYWORDSAI_DOC_EXAMPLE), { 'content-type': 'application/json', authorization: 'Bearer kw-in' });
    expect(res.status).toBe(200);
    const { span } = await waitFor('span_xyz789');
    expect(span.traceId).toBe('trace_abc123');
    expect(span.parentSpanId).toBeUndefined();
    expect(span.name).toBe('llm_call');
    expect([span.startTimeUnixNano, span.endTimeUnixNano]).toEqual([BigInt(Date.parse('2024-01-15T10:29:50Z')) * 1_000_000n, BigInt(Date.parse('2024-01-15T10:30:00Z')) * 1_000_000n]);
    expect(span.status.code).toBe(1);
    expect(span.attributes).toMatchObject({
      'openinference.span.kind': 'LLM', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 10n, 'gen_ai.usage.output_tokens': 8n, 'gen_ai.usage.total_tokens': 18n, 'gen_ai.workflow.name': 'customer_support',
    });
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)[0]).toMatchObject({ role: 'assistant', parts: [{ type: 'text', content: 'Hi! How can I help?' }] });
  });

  describe('bad input: valid items are not lost', () => {
    it('netra: NDJSON with bad lines → 202 naming them, and every good line reaches the exporter', async () => {
      const good = (i: number) => {
        const ev = JSON.parse(NETRA_DOC_EXAMPLE);
        ev.event_metadata.event_id = `00000000-0000-4000-8000-00000000000${i}`;
        ev.trace_context.span_id = `good-span-${i}`;
        return JSON.stringify(ev);
      };
      const noUsage = JSON.parse(NETRA_DOC_EXAMPLE);
      delete noUsage.response.usage;
      const body = [good(1), '{not json', good(2), JSON.stringify(noUsage), '[1,2]', good(3), ''].join('\n');
      const res = await post('netra', '/v1/bulk', body, { 'content-type': 'application/x-ndjson', authorization: 'Bearer nt-in' });
      expect(res.status).toBe(202);
      const reply = await res.json() as { accepted: number; rejected: { line: number; field: string }[] };
      expect(reply.accepted).toBe(3);
      expect(reply.rejected.map((r) => r.line)).toEqual([2, 4, 5]);
      expect(reply.rejected[1]!.field).toBe('response.usage');
      for (const i of [1, 2, 3]) await waitFor(`good-span-${i}`);
      expect(arrived().filter((s) => s.span.spanId.startsWith('good-span-'))).toHaveLength(3);
    });

    // Neatlogs, Foglamp and KeywordsAI document no partial success: a batch with a bad item is
    // refused whole with 400 naming the field, so the client keeps (and can fix) every item.
    it.each([
      ['neatlogs', '/api/v1/traces/v4/batch', { 'x-api-key': 'nl-in' }, () => {
        const b = structuredClone(NEATLOGS_CURL) as any;
        b.spans[1].span_id = 'bad-nl-2';
        b.spans[0].span_id = 'bad-nl-1';
        b.spans[1].parent_span_id = 'bad-nl-1';
        b.spans[1].start_time = 'noon';
        return { body: b, field: 'spans[1].start_time', ids: ['bad-nl-1', 'bad-nl-2'] };
      }],
      ['foglamp', '/ingest', { authorization: 'Bearer fl-in' }, () => {
        const b = structuredClone(FOGLAMP_DOC_EXAMPLE) as any;
        b.traces[0].spans[0].spanId = 'bad-fl-1';
        b.traces[0].spans.push({ ...b.traces[0].spans[0], spanId: 'bad-fl-2', usage: { inputTokens: -5 } });
        return { body: b, field: 'traces[0].spans[1].usage.inputTokens', ids: ['bad-fl-1', 'bad-fl-2'] };
      }],
      ['keywordsai', '/api/traces/ingest', { authorization: 'Bearer kw-in' }, () => {
        const b = structuredClone(KEYWORDSAI_DOC_EXAMPLE) as any[];
        b[0].span_unique_id = 'bad-kw-1';
        b.push({ ...b[0], span_unique_id: 'bad-kw-2', timestamp: 'yesterday' });
        return { body: b, field: '[1].timestamp', ids: ['bad-kw-1', 'bad-kw-2'] };
      }],
    ] as [string, string, Record<string, string>, () => { body: unknown; field: string; ids: string[] }][])(
      '%s: a batch with one bad item is refused whole with 400 naming the field (nothing half-delivered)',
      async (type, path, auth, make) => {
        const { body, field, ids } = make();
        const res = await post(type, path, JSON.stringify(body), { 'content-type': 'application/json', ...auth });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain(field);
        // A marker request behind it proves the pipeline has drained past the refused batch.
        const marker = JSON.parse(NETRA_DOC_EXAMPLE);
        marker.event_metadata.event_id = '00000000-0000-4000-8000-0000000000ff';
        marker.trace_context.span_id = `marker-after-${type}`;
        await post('netra', '/v1/bulk', JSON.stringify(marker), { 'content-type': 'application/x-ndjson', authorization: 'Bearer nt-in' });
        await waitFor(`marker-after-${type}`);
        expect(arrived().filter((s) => ids.includes(s.span.spanId))).toEqual([]);
      },
    );
  });

  it('all four receivers share one listener', () => {
    for (const t of ['neatlogs', 'foglamp', 'keywordsai']) expect(h.service.receiverUrl(t)).toBe(base);
  });
});
