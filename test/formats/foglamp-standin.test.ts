import { afterEach, describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import { Canonical, GenAI, newSpan, tracesOf, type Span } from '../../src/model/index.js';
import { HttpTransport } from '../../src/export/http-transport.js';
import { foglamp } from '../../src/formats/foglamp/index.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { FOGLAMP_DOC_EXAMPLE } from './foglamp.fixture.js';

const KEY = 'fl_test_key';
let st: FoglampStandin | undefined;
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
    traceId: `trace-${i}`, spanId: `span-${i}`, name: 'chat gpt-4o', startTimeUnixNano: 1_716_566_400_000_000_000n, endTimeUnixNano: 1_716_566_401_000_000_000n,
    attributes: { [Canonical.spanKind]: 'LLM', [GenAI.requestModel]: 'gpt-4o', [GenAI.inputTokens]: 10n, [Canonical.inputValue]: 'x'.repeat(2000) },
  }));
}

describe('foglamp stand-in', () => {
  it('accepts the documented example and answers {"accepted": rows}', async () => {
    st = await startFoglamp({ apiKey: KEY });
    expect(await post(`${st.url}/ingest`, FOGLAMP_DOC_EXAMPLE)).toEqual({ status: 200, body: { accepted: 1 } });
    expect(st.received).toEqual(FOGLAMP_DOC_EXAMPLE.traces);
  });

  it('rejects what the vendor would', async () => {
    st = await startFoglamp({ apiKey: KEY });
    const u = `${st.url}/ingest`;
    expect((await post(`${st.url}/v1/ingest`, FOGLAMP_DOC_EXAMPLE)).status).toBe(404);
    expect((await post(u, FOGLAMP_DOC_EXAMPLE, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(u, FOGLAMP_DOC_EXAMPLE, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(u, '{oops')).status).toBe(400);
    expect((await post(u, { ...FOGLAMP_DOC_EXAMPLE, version: 'v2' })).body.error).toMatch(/version/);
    expect((await post(u, { version: 'v1', traces: [] })).body.error).toMatch(/traces must hold 1 to 1000/);
    const tooMany = { version: 'v1', traces: Array.from({ length: 1001 }, (_, i) => ({ traceId: `t${i}`, spans: [] })) };
    expect((await post(u, tooMany)).status).toBe(400);
    const noSpanId = structuredClone(FOGLAMP_DOC_EXAMPLE) as { traces: { spans: Record<string, unknown>[] }[] };
    delete noSpanId.traces[0]!.spans[0]!.spanId;
    expect((await post(u, noSpanId)).body.error).toMatch(/spanId is required/);
    const badType = structuredClone(FOGLAMP_DOC_EXAMPLE) as { traces: { spans: Record<string, unknown>[] }[] };
    badType.traces[0]!.spans[0]!.usage = { inputTokens: '12' };
    expect((await post(u, badType)).body.error).toMatch(/usage\.inputTokens/);
    expect(st.received).toEqual([]);
  });

  it('receives 2,500 traces from the exporter as 3 valid requests over HTTP', async () => {
    st = await startFoglamp({ apiKey: KEY });
    const reqs = encodeWith(foglamp.exporter!, tracesOf(spans(2500)), { timeout_ms: 5000 });
    const transport = new HttpTransport({ endpoint: st.url, timeoutMs: 5000, connections: 2, auth: foglamp.exporter!.auth, apiKey: KEY });
    try {
      for (const r of reqs) expect(await transport.send(r)).toEqual({ kind: 'ok' });
    } finally {
      await transport.close();
    }
    expect(st.bodies.map((b) => b.traces.length)).toEqual([1000, 1000, 500]);
    expect(st.received).toHaveLength(2500);
  });

  it('fails N times with the given status and Retry-After, then accepts', async () => {
    st = await startFoglamp({ apiKey: KEY, failTimes: 2, failStatus: 429, retryAfter: '1' });
    const [req] = encodeWith(foglamp.exporter!, tracesOf(spans(1)), { timeout_ms: 5000 });
    const transport = new HttpTransport({ endpoint: st.url, timeoutMs: 5000, connections: 1, auth: foglamp.exporter!.auth, apiKey: KEY });
    try {
      expect(await transport.send(req!)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 1000 });
      expect(await transport.send(req!)).toMatchObject({ kind: 'retry', status: 429 });
      expect(await transport.send(req!)).toEqual({ kind: 'ok' });
    } finally {
      await transport.close();
    }
    expect(st.received).toHaveLength(1);
  });

  it('accepts truncated oversized items', async () => {
    st = await startFoglamp({ apiKey: KEY });
    const [req] = encodeWith(foglamp.exporter!, tracesOf(spans(3)), { timeout_ms: 5000, max_content_bytes: 256 });
    expect((await post(`${st.url}/ingest`, req!.body as string)).status).toBe(200);
    const span = (st.received[0]!.spans as Record<string, unknown>[])[0]!;
    expect((span.metadata as Record<string, unknown>)[Canonical.contentTruncated]).toBe('true');
  });
});
