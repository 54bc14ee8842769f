import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Canonical, GenAI, newSpan, tracesOf } from '../../src/model/index.js';
import { decodeNeatlogsBatch, neatlogsExporter } from '../../src/formats/neatlogs/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { decodeNetraNdjson } from '../../src/formats/netra/index.js';
import type { OutboundRequest } from '../../src/formats/types.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';
import { NEATLOGS_CURL, NEATLOGS_ERROR } from './neatlogs.examples.js';
import { NETRA_DOC_EXAMPLE } from './netra.examples.js';
import { baseConfig, dropNulls } from './netra.helpers.js';

let standin: NeatlogsStandin;
const KEY = 'k-neat';

beforeAll(async () => {
  standin = await startNeatlogsStandin({ apiKey: KEY });
});
afterAll(() => standin.close());

async function send(r: OutboundRequest, headers: Record<string, string> = {}) {
  return fetch(standin.url + r.path, { method: 'POST', headers: { 'content-type': r.contentType, 'x-api-key': KEY, ...headers }, body: r.body });
}

describe('neatlogs exporter output against the strict stand-in', () => {
  it('doc examples round-tripped through the model are accepted as sent', async () => {
    for (const ex of [NEATLOGS_CURL, NEATLOGS_ERROR]) {
      const reqs = encodeWith(neatlogsExporter, decodeNeatlogsBatch(Buffer.from(JSON.stringify(ex))).telemetry, baseConfig);
      for (const r of reqs) {
        const res = await send(r);
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ status: 'accepted', batch_id: expect.any(String) });
      }
      expect(standin.received.at(-1)!.batch).toEqual(dropNulls(ex)); // null output = absent
    }
  });

  it('a Netra event bridged to Neatlogs carries model, provider and tokens in attributes and metrics', async () => {
    const reqs = encodeWith(neatlogsExporter, decodeNetraNdjson(Buffer.from(NETRA_DOC_EXAMPLE)).telemetry, baseConfig);
    for (const r of reqs) expect((await send(r)).status).toBe(202);
    const { batch } = standin.received.at(-1)!;
    expect(batch.workflow_name).toBe('summarization-service');
    const s = batch.spans[0]!;
    expect(s.attributes[GenAI.requestModel]).toBe('gpt-4o');
    expect(s.attributes[GenAI.providerName]).toBe('openai');
    expect(s.attributes[GenAI.inputTokens]).toBe(850);
    expect(s.input).toEqual({ messages: [{ role: 'user', content: 'Summarize the provided article.' }] });
    expect(batch.metrics).toContainEqual({ name: GenAI.inputTokens, value: 850, unit: 'tokens' });
    expect(batch.metrics).toContainEqual({ name: Canonical.totalTokens, value: 1000, unit: 'tokens' });
  });

  it('3 MB of spans → several requests ≤ 1 MB, all accepted; a 3 MB span arrives truncated', async () => {
    const spans = Array.from({ length: 30 }, (_, i) => newSpan({
      traceId: 'b'.repeat(32), spanId: `s${i}`, name: 'chat', startTimeUnixNano: 1_000_000n, endTimeUnixNano: 2_000_000n,
      attributes: { [Canonical.spanKind]: 'LLM', [GenAI.outputMessages]: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'r'.repeat(i === 0 ? 3_000_000 : 100_000) }] }]) },
    }));
    const before = standin.received.length;
    for (const r of encodeWith(neatlogsExporter, tracesOf(spans, { 'service.name': 'svc' }), baseConfig)) expect((await send(r)).status).toBe(202);
    const got = standin.received.slice(before);
    expect(got.length).toBeGreaterThanOrEqual(3);
    for (const g of got) expect(g.bytes).toBeLessThanOrEqual(1_000_000);
    const all = got.flatMap((g) => g.batch.spans);
    expect(all).toHaveLength(30);
    expect(all[0]!.attributes[Canonical.contentTruncated]).toBe(true);
  });

  it('the stand-in enforces the contract', async () => {
    const [r] = encodeWith(neatlogsExporter, decodeNeatlogsBatch(Buffer.from(JSON.stringify(NEATLOGS_CURL))).telemetry, baseConfig);
    expect((await send(r!, { 'x-api-key': 'nope' })).status).toBe(401);
    expect((await send(r!, { 'content-type': 'text/plain' })).status).toBe(415);
    const big = await send({ ...r!, body: JSON.stringify({ ...NEATLOGS_CURL, pad: 'x'.repeat(1_000_001) }) });
    expect(big.status).toBe(413);
    const bad = await send({ ...r!, body: JSON.stringify({ spans: NEATLOGS_CURL.spans }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'workflow_name is required' });
    standin.failNext(1, 503, 2);
    const failed = await send(r!);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect((await send(r!)).status).toBe(202);
  });
});
