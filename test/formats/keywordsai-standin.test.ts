import { afterEach, describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import { Canonical, GenAI, newSpan, tracesOf, type Span } from '../../src/model/index.js';
import { HttpTransport } from '../../src/export/http-transport.js';
import { keywordsai } from '../../src/formats/keywordsai/index.js';
import { startKeywordsAi, type KeywordsAiStandin } from '../standins/keywordsai.js';
import { KEYWORDSAI_DOC_EXAMPLE, KEYWORDSAI_PYTHON_EXAMPLE } from './keywordsai.fixture.js';

const KEY = 'kw_test_key';
let st: KeywordsAiStandin | undefined;
afterEach(async () => {
  await st?.close();
  st = undefined;
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

function spans(n: number): Span[] {
  return Array.from({ length: n }, (_, i) => newSpan({
    traceId: `trace-${i % 10}`, spanId: `span-${i}`, name: 'llm', startTimeUnixNano: 1_705_314_590_000_000_000n, endTimeUnixNano: 1_705_314_591_200_000_000n,
    attributes: { [Canonical.spanKind]: 'LLM', [GenAI.requestModel]: 'gpt-4o-mini', [GenAI.inputTokens]: 10n, [Canonical.inputValue]: 'q'.repeat(1000) },
  }));
}

describe('keywordsai stand-in', () => {
  it('accepts both documented examples on both paths', async () => {
    st = await startKeywordsAi({ apiKey: KEY });
    expect(await post(`${st.url}/api/traces/ingest`, KEYWORDSAI_DOC_EXAMPLE)).toEqual({ status: 200, body: { success: true, ingested_count: 1 } });
    expect((await post(`${st.url}/api/traces/ingest/`, KEYWORDSAI_PYTHON_EXAMPLE)).status).toBe(200);
    expect(st.received).toEqual([...KEYWORDSAI_DOC_EXAMPLE, ...KEYWORDSAI_PYTHON_EXAMPLE]);
  });

  it('rejects what the vendor would', async () => {
    st = await startKeywordsAi({ apiKey: KEY });
    const u = `${st.url}/api/traces/ingest`;
    expect((await post(`${st.url}/api/traces`, KEYWORDSAI_DOC_EXAMPLE)).status).toBe(404);
    expect((await post(u, KEYWORDSAI_DOC_EXAMPLE, { authorization: 'Token x' })).status).toBe(401);
    expect((await post(u, KEYWORDSAI_DOC_EXAMPLE, { 'content-type': 'application/x-ndjson' })).status).toBe(415);
    expect((await post(u, '[')).status).toBe(400);
    expect((await post(u, { logs: KEYWORDSAI_DOC_EXAMPLE })).body.error).toMatch(/array/);
    expect((await post(u, [])).status).toBe(400);
    for (const k of ['id', 'trace_unique_id', 'span_unique_id']) {
      const l: Record<string, unknown> = { ...KEYWORDSAI_DOC_EXAMPLE[0]! };
      delete l[k];
      expect((await post(u, [l])).body.error).toMatch(new RegExp(`${k} is required`));
    }
    expect((await post(u, [{ ...KEYWORDSAI_DOC_EXAMPLE[0]!, latency: '1.2' }])).body.error).toMatch(/latency/);
    expect((await post(u, [{ ...KEYWORDSAI_DOC_EXAMPLE[0]!, timestamp: 'yesterday' }])).body.error).toMatch(/timestamp/);
    expect(st.received).toEqual([]);
  });

  it('receives every exporter request over HTTP, split by max_logs_per_request', async () => {
    st = await startKeywordsAi({ apiKey: KEY });
    const reqs = encodeWith(keywordsai.exporter!, tracesOf(spans(2500)), { timeout_ms: 5000 });
    const transport = new HttpTransport({ endpoint: st.url, timeoutMs: 5000, connections: 2, auth: keywordsai.exporter!.auth, apiKey: KEY });
    try {
      for (const r of reqs) expect(await transport.send(r)).toEqual({ kind: 'ok' });
    } finally {
      await transport.close();
    }
    expect(st.bodies.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(st.received).toHaveLength(2500);
    expect(st.received.every((l) => l.id && l.trace_unique_id && l.span_unique_id && l.span_workflow_name && 'span_parent_id' in l)).toBe(true);
  });

  it('fails N times with the given status, then accepts', async () => {
    st = await startKeywordsAi({ apiKey: KEY, failTimes: 1, failStatus: 503, retryAfter: '2' });
    const [req] = encodeWith(keywordsai.exporter!, tracesOf(spans(2)), { timeout_ms: 5000, max_content_bytes: 100 });
    const transport = new HttpTransport({ endpoint: st.url, timeoutMs: 5000, connections: 1, auth: keywordsai.exporter!.auth, apiKey: KEY });
    try {
      expect(await transport.send(req!)).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: 2000 });
      expect(await transport.send(req!)).toEqual({ kind: 'ok' });
    } finally {
      await transport.close();
    }
    expect(st.received).toHaveLength(2);
    expect((st.received[0]!.metadata as Record<string, unknown>)[Canonical.contentTruncated]).toBe(true);
  });
});
