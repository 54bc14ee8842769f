import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Canonical, GenAI, newSpan, tracesOf } from '../../src/model/index.js';
import { decodeNetraNdjson, encodeNetra, netraExporter, netraOptions } from '../../src/formats/netra/index.js';
import type { Telemetry } from '../../src/model/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { decodeNeatlogsBatch } from '../../src/formats/neatlogs/index.js';
import type { OutboundRequest } from '../../src/formats/types.js';
import { wireBodySync } from '../../src/export/compress.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { netraFixture } from './netra.fixture.js';
import { NEATLOGS_CURL } from './neatlogs.examples.js';
import { NETRA_DOC_EXAMPLE } from './netra.examples.js';
import { baseConfig, dropNulls } from './netra.helpers.js';

let standin: NetraStandin;
const KEY = 'k-netra';

beforeAll(async () => {
  standin = await startNetraStandin({ apiKey: KEY });
});
afterAll(() => standin.close());

async function send(r: OutboundRequest, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { 'content-type': r.contentType, authorization: `Bearer ${KEY}`, ...headers };
  if (r.contentEncoding) h['content-encoding'] = r.contentEncoding;
  return fetch(standin.url + r.path, { method: 'POST', headers: h, body: wireBodySync(r) });
}

describe('netra exporter output against the strict stand-in', () => {
  it('the doc example round-tripped through the model is accepted as sent', async () => {
    const reqs = encodeWith(netraExporter, decodeNetraNdjson(Buffer.from(NETRA_DOC_EXAMPLE)).telemetry, baseConfig);
    for (const r of reqs) expect((await send(r)).status).toBe(202);
    expect(dropNulls(standin.events().at(-1))).toEqual(dropNulls(JSON.parse(NETRA_DOC_EXAMPLE)));
  });

  it('a Neatlogs batch bridged to Netra: span_policy all refuses the span without a model alone; llm_only sends only the LLM span', async () => {
    const t = decodeNeatlogsBatch(Buffer.from(JSON.stringify(NEATLOGS_CURL))).telemetry;
    for (const s of t.traces![0]!.scopeSpans[0]!.spans) if (s.attributes[Canonical.spanKind] === 'LLM') s.attributes[GenAI.requestModel] = 'gpt-4o';
    const before = standin.events().length;
    const refused: string[] = [];
    for (const r of encodeNetra(t, { config: netraOptions({ ...baseConfig, span_policy: 'all' }), refuse: (p: Telemetry, why: string) => refused.push(`${p.traces![0]!.scopeSpans[0]!.spans[0]!.spanId}: ${why}`) })) {
      expect((await send(r)).status).toBe(202);
    }
    // The WORKFLOW root names no model, and Netra requires request.model: set aside, not sent.
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^sp-root-001: netra: request\.model\.name is required/);
    for (const r of encodeNetra(t, { config: netraOptions(baseConfig) })) expect((await send(r)).status).toBe(202);
    const got = standin.events().slice(before);
    expect(got.map((e) => (e.trace_context as any).span_kind)).toEqual(['llm', 'llm']);
    expect((got[0]!.request as any).prompt).toEqual(NEATLOGS_CURL.spans[1]!.input);
  });

  it('large batches arrive in several requests, each ≤ 5 MB uncompressed', async () => {
    const spans = Array.from({ length: 40 }, (_, i) => newSpan({
      traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), name: 'chat', startTimeUnixNano: 1n, endTimeUnixNano: 2n,
      attributes: { [Canonical.spanKind]: 'LLM', [GenAI.requestModel]: 'gpt-4o', [GenAI.inputMessages]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'q'.repeat(300_000) }] }]) },
    }));
    const before = standin.received.length;
    for (const r of encodeWith(netraExporter, tracesOf(spans), baseConfig)) expect((await send(r)).status).toBe(202);
    const got = standin.received.slice(before);
    expect(got.length).toBeGreaterThan(1);
    expect(got.reduce((n, r) => n + r.events.length, 0)).toBe(40);
    for (const r of got) expect(r.uncompressedBytes).toBeLessThanOrEqual(5_000_000);
  });

  it('the stand-in enforces the contract', async () => {
    const [r] = encodeWith(netraExporter, decodeNetraNdjson(Buffer.from(NETRA_DOC_EXAMPLE)).telemetry, baseConfig);
    expect((await send(r!, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await send(r!, { 'content-type': 'application/json' })).status).toBe(415);
    expect((await send({ ...r!, path: '/v1/other' })).status).toBe(404);
    const plain = await fetch(standin.url + '/v1/bulk', { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' }, body: NETRA_DOC_EXAMPLE });
    expect(plain.status).toBe(400);
    const missing = await send({ ...r!, body: netraFixture.missingField.body });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('request.model');
    standin.failNext(2);
    expect((await send(r!)).status).toBe(503);
    const again = await send(r!);
    expect(again.status).toBe(503);
    expect(again.headers.get('retry-after')).toBe('1');
    expect((await send(r!)).status).toBe(202);
  });
});
