/**
 * The stand-ins read the vendor documents strictly (issue 10): each rule added for it is shown here
 * refusing a body that breaks only that rule, in the vendor's documented error shape and status,
 * while the documented example (the control) is accepted by the same stand-in.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startInfraSage, type InfraSageStandin } from '../standins/infrasage.js';
import { startKeywordsAi, type KeywordsAiStandin } from '../standins/keywordsai.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { FOGLAMP_DOC_EXAMPLE } from './foglamp.fixture.js';
import { INFRASAGE_DOC_EXAMPLE } from './infrasage.fixture.js';
import { KEYWORDSAI_DOC_EXAMPLE } from './keywordsai.fixture.js';
import { NEATLOGS_CURL } from './neatlogs.examples.js';
import { NETRA_DOC_EXAMPLE } from './netra.examples.js';

type Mutate = (doc: any) => void;
const mutated = <T>(doc: T, f: Mutate): T => {
  const d = structuredClone(doc);
  f(d);
  return d;
};

let netra: NetraStandin;
let neatlogs: NeatlogsStandin;
let foglamp: FoglampStandin;
let keywordsai: KeywordsAiStandin;
let infrasage: InfraSageStandin;

beforeAll(async () => {
  [netra, neatlogs, foglamp, keywordsai, infrasage] = await Promise.all([
    startNetraStandin({ apiKey: 'n' }), startNeatlogsStandin({ apiKey: 'l' }), startFoglamp({ apiKey: 'f' }),
    startKeywordsAi({ apiKey: 'k' }),
    // The documented example is dated 2026-04-10T12:00:00Z: judge its age from just after it.
    startInfraSage({ now: () => Date.parse('2026-04-10T12:05:00Z') }),
  ]);
});
afterAll(async () => {
  await Promise.all([netra.close(), neatlogs.close(), foglamp.close(), keywordsai.close(), infrasage.close()]);
});

async function post(url: string, headers: Record<string, string>, body: string | Buffer) {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('netra stand-in: the new rules', () => {
  const doc = JSON.parse(NETRA_DOC_EXAMPLE);
  const send = (ev: unknown) => post(`${netra.url}/v1/bulk`, { authorization: 'Bearer n', 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(ev) + '\n'));
  it('accepts the documented example', async () => {
    expect((await send(doc)).status).toBe(202);
  });
  it.each<[string, Mutate, RegExp]>([
    ['request.model without a name', (d) => { d.request.model = { provider: 'openai' }; }, /request\.model\.name is required/],
    ['an empty model name', (d) => { d.request.model.name = ''; }, /request\.model\.name is required/],
    ['a non-integer token count', (d) => { d.response.usage.total_tokens = 10.5; }, /response\.usage\.total_tokens must be a non-negative integer/],
    ['a negative token count', (d) => { d.response.usage.prompt_tokens = -1; }, /response\.usage\.prompt_tokens must be a non-negative integer/],
    ['a non-string provider', (d) => { d.request.model.provider = 7; }, /request\.model\.provider must be a string/],
  ])('refuses %s with 400 {error}', async (_name, f, message) => {
    const r = await send(mutated(doc, f));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });
});

describe('neatlogs stand-in: the new rules', () => {
  const send = (b: unknown) => post(`${neatlogs.url}/api/v1/traces/v4/batch`, { 'x-api-key': 'l', 'content-type': 'application/json' }, JSON.stringify(b));
  it('accepts the documented example', async () => {
    expect((await send(NEATLOGS_CURL)).status).toBe(202);
  });
  it.each<[string, Mutate, RegExp]>([
    ['a kind outside the supported list', (d) => { d.spans[1].attributes['openinference.span.kind'] = 'RERANKER'; }, /is not a supported kind/],
    ['a lowercase kind', (d) => { d.spans[1].attributes['openinference.span.kind'] = 'llm'; }, /is not a supported kind/],
    ['a blank name', (d) => { d.spans[0].name = ' '; }, /spans\[0\]\.name is required/],
    ['a string input', (d) => { d.spans[0].input = 'plain text'; }, /spans\[0\]\.input must be an object/],
    ['an array output', (d) => { d.spans[1].output = [1, 2]; }, /spans\[1\]\.output must be an object/],
    ['a non-string error_message', (d) => { d.spans[0].attributes.error_message = { why: 1 }; }, /error_message must be a string/],
    ['a non-string metric unit', (d) => { d.metrics = [{ name: 'latency', value: 1, unit: 5 }]; }, /metrics\[0\]\.unit must be a string/],
  ])('refuses %s with 400 {error}', async (_name, f, message) => {
    const r = await send(mutated(NEATLOGS_CURL, f));
    expect(r.status).toBe(400);
    expect(Object.keys(r.body)).toEqual(['error']);
    expect(r.body.error).toMatch(message);
  });
  it('takes `output: null`, as the error example shows', async () => {
    expect((await send(mutated(NEATLOGS_CURL, (d: any) => { d.spans[1].output = null; }))).status).toBe(202);
  });
});

describe('foglamp stand-in: the new rules', () => {
  const send = (b: unknown) => post(`${foglamp.url}/ingest`, { authorization: 'Bearer f', 'content-type': 'application/json' }, JSON.stringify(b));
  it('accepts the documented example', async () => {
    expect((await send(FOGLAMP_DOC_EXAMPLE)).status).toBe(200);
  });
  it.each<[string, Mutate, RegExp]>([
    ['a numeric span metadata value', (d) => { d.traces[0].spans[0].metadata.attempt = 2; }, /spans\[0\]\.metadata\.attempt must be a string/],
    ['a boolean trace metadata value', (d) => { d.traces[0].metadata.stream = true; }, /traces\[0\]\.metadata\.stream must be a string/],
    ['an array metadata value', (d) => { d.traces[0].spans[0].metadata.stop = ['\n']; }, /metadata\.stop must be a string/],
    ['a fractional token count', (d) => { d.traces[0].spans[0].usage.inputTokens = 1.5; }, /usage\.inputTokens must be a non-negative integer/],
  ])('refuses %s with 400 {error}', async (_name, f, message) => {
    const r = await send(mutated(FOGLAMP_DOC_EXAMPLE, f));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });
});

describe('keywordsai stand-in: the new rules', () => {
  const send = (b: unknown) => post(`${keywordsai.url}/api/traces/ingest`, { authorization: 'Bearer k', 'content-type': 'application/json' }, JSON.stringify(b));
  it('accepts the documented example', async () => {
    expect((await send(KEYWORDSAI_DOC_EXAMPLE)).status).toBe(200);
  });
  it('refuses a fractional token count with 400 {success: false, error}', async () => {
    const r = await send(mutated(KEYWORDSAI_DOC_EXAMPLE, (d: any) => { d[0].usage.prompt_tokens = 10.5; }));
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(r.body.error).toMatch(/usage\.prompt_tokens must be a non-negative integer/);
  });
});

describe('infrasage stand-in: the new rules', () => {
  const send = (records: unknown[]) => post(`${infrasage.url}/api/v1/telemetry/batch`, { 'content-type': 'application/json' }, JSON.stringify(records));
  it('refuses a non-string attribute value as a per-record failure, keeping the valid record', async () => {
    const bad = mutated(INFRASAGE_DOC_EXAMPLE, (d: any) => { d.attributes.cores = 8; });
    const r = await send([INFRASAGE_DOC_EXAMPLE, bad]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ok', queued: 1, failed: 1,
      failures: [{ index: 1, error: 'invalid_attributes', message: 'attributes.cores must be a string' }],
    });
  });
});
