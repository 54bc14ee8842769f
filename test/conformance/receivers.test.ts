/// <reference types="vite/client" />
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFormats, findFormat } from '../../src/formats/registry.js';
import { eventually, freePort, startSwitchyard, type Harness } from '../helpers/harness.js';
import type { ConformanceFixture } from './fixture.js';

/**
 * One suite, every receiver (Hono's conformance idea): the same promises hold for OTLP,
 * remote-write and each vendor's drop-in endpoint.
 */
const modules = import.meta.glob<{ [k: string]: ConformanceFixture }>('../formats/*.fixture.ts', { eager: true });
const fixtures = Object.values(modules).flatMap((m) => Object.values(m).filter((v): v is ConformanceFixture => typeof v === 'object' && v !== null && 'validBody' in v));

const KEY = 'conformance-key-7f3a91';

/**
 * Formats the suite does not run, each with its reason. Asserted below: every entry names a
 * registered format that really has no receiver, so the list cannot hide a receiver.
 */
const NO_CONFORMANCE: { format: string; reason: string }[] = [
  { format: 'otlp_http', reason: 'exporter only: OTLP is received by the `otlp` receiver type, which has a fixture' },
  { format: 'debug', reason: 'exporter only: prints what flows through; there is no debug wire format to receive' },
];

/**
 * Receiver routes allowed to accept any Content-Type, each with its reason; every other route must
 * declare its media types (and so answer 415 to others). Entries must name existing routes that
 * really have none.
 */
const ANY_MEDIA_TYPE: { format: string; path: string; reason: string }[] = [
  { format: 'infrasage', path: '/api/v1/telemetry-types', reason: 'a GET without a body: there is no Content-Type to check' },
];

it('every receiver format has a conformance fixture, and the skip list names only formats without a receiver', () => {
  const types = fixtures.map((f) => f.type).sort();
  expect(new Set(types).size, 'one fixture per format').toBe(types.length);
  const withReceiver = allFormats().filter((f) => f.receiver).map((f) => f.type).sort();
  expect(types).toEqual(withReceiver);
  for (const skip of NO_CONFORMANCE) {
    const f = findFormat(skip.format);
    expect(f, `${skip.format} in NO_CONFORMANCE is a registered format`).toBeDefined();
    expect(f!.receiver, `${skip.format} in NO_CONFORMANCE has no receiver`).toBeUndefined();
    expect(skip.reason.length).toBeGreaterThan(10);
  }
  expect(allFormats().map((f) => f.type).sort()).toEqual([...withReceiver, ...NO_CONFORMANCE.map((s) => s.format)].sort());
  // The formats the product promises in the README (a registry that lost one fails here).
  expect(withReceiver).toEqual(['foglamp', 'infrasage', 'keywordsai', 'neatlogs', 'netra', 'otlp', 'prometheus_remote_write']);
});

it('every receiver route declares its media types unless it is allow-listed with a reason', () => {
  const lacking = allFormats().flatMap((f) => (f.receiver?.routes ?? []).filter((r) => !r.mediaTypes?.length).map((r) => ({ format: f.type, path: r.path })));
  expect(lacking).toEqual(ANY_MEDIA_TYPE.map(({ format, path }) => ({ format, path })));
  for (const a of ANY_MEDIA_TYPE) expect(findFormat(a.format)!.receiver!.routes.find((r) => r.path === a.path)!.method, `${a.format} ${a.path}`).toBe('GET');
});

describe.each(fixtures.map((f) => [f.type, f] as const))('%s receiver', (_type, fx) => {
  let h: Harness;
  let stall: Server;
  let stallUrl: string;
  let bpEndpoint: string;
  const signal = findFormat(fx.type)!.receiver!.routes.find((r) => r.path === fx.path)!.signals[0]!;
  const auth = fx.authHeaders?.(KEY) ?? {};

  beforeAll(async () => {
    stall = createServer(() => {}); // never answers: fills the back-pressure exporter's queue
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    stallUrl = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`;
    const receiverCfg = JSON.stringify({
      endpoint: '127.0.0.1:0',
      max_request_body_size: 256 * 1024,
      max_decompressed_body_size: 1024 * 1024,
      ...(fx.authHeaders ? { api_keys: [KEY] } : {}),
      ...(fx.config ?? {}),
    });
    bpEndpoint = `127.0.0.1:${await freePort()}`;
    const bpCfg = JSON.stringify({ ...JSON.parse(receiverCfg), endpoint: bpEndpoint });
    h = await startSwitchyard(`
receivers:
  ${fx.type}: ${receiverCfg}
  ${fx.type}/bp: ${bpCfg}
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
  otlp_http/stalled:
    endpoint: ${stallUrl}
    timeout: 60s
    sending_queue: { queue_size: 1, num_consumers: 1 }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    ${signal}: { receivers: [${fx.type}], exporters: [debug] }
    ${signal}/bp: { receivers: [${fx.type}/bp], exporters: [otlp_http/stalled] }
`);
  });
  afterAll(async () => {
    stall.closeAllConnections();
    stall.close();
    await h?.close();
  });

  const url = () => h.service.receiverUrl(fx.type) + fx.path;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(url(), { method: 'POST', headers: { 'content-type': fx.contentType, ...auth, ...headers }, body });

  it('accepts the documented example and delivers every item', async () => {
    const res = await post(fx.validBody);
    expect(res.status).toBe(fx.successStatus);
    // (The debug file exists, empty, from start-up: blank lines are not items.)
    const readLines = () => (existsSync(`${h.dir}/out.jsonl`) ? readFileSync(`${h.dir}/out.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '') : []);
    const lines = await eventually(() => {
      const l = readLines();
      return l.length >= fx.expectedItems ? l : undefined;
    }, 5000, 'items in the debug output');
    expect(lines).toHaveLength(fx.expectedItems);
    expect(fx.expectedContent).toHaveLength(fx.expectedItems);
    const items = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // Each expected item matches exactly one printed item, field by field.
    for (const want of fx.expectedContent) {
      const matching = items.filter((it) => { try { expect(it).toMatchObject(want); return true; } catch { return false; } });
      expect(matching, `one item like ${JSON.stringify(want)} in:\n${lines.join('\n')}`).toHaveLength(1);
    }
  });

  it('refuses a missing required field with 400 naming it', async () => {
    const res = await post(fx.missingField.body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(fx.missingField.field);
  });

  it('refuses a field of the wrong type with 400 naming it', async () => {
    const res = await post(fx.wrongType.body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(fx.wrongType.field);
  });

  it('refuses a body that is not its format with 400', async () => {
    const res = await post(Buffer.from('\x00\xffthis is {not" valid'));
    expect(res.status).toBe(400);
  });

  it('refuses an oversized body with 413, chunked or not', async () => {
    const big = Buffer.alloc(300 * 1024, 0x20);
    expect((await post(big)).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(40 * 1024).fill(0x20));
        c.close();
      },
    });
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': fx.contentType, ...auth }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('refuses a gzip bomb with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it('refuses an unsupported content type with 415', async () => {
    const route = findFormat(fx.type)!.receiver!.routes.find((r) => r.path === fx.path)!;
    // A POST route without media types fails the allow-list test above; here it must have them.
    expect(route.mediaTypes, `${fx.type} ${fx.path} declares its media types`).toBeDefined();
    expect(route.mediaTypes).toContain(fx.contentType);
    const res = await post(fx.validBody, { 'content-type': 'text/csv' });
    expect(res.status).toBe(415);
  });

  it.runIf(!!fx.authHeaders)('refuses a wrong or missing key with 401 and never echoes it', async () => {
    const wrong = await fetch(url(), { method: 'POST', headers: { 'content-type': fx.contentType, ...fx.authHeaders!('wrong-key-0000') }, body: fx.validBody });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('wrong-key-0000');
    const missing = await fetch(url(), { method: 'POST', headers: { 'content-type': fx.contentType }, body: fx.validBody });
    expect(missing.status).toBe(401);
    const metrics = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    expect(metrics).not.toContain(KEY);
    expect(metrics).not.toContain('wrong-key-0000');
  });

  it('pushes back with a status its clients retry, and Retry-After', async () => {
    const bpUrl = h.service.address(bpEndpoint).url + fx.path;
    const send = () => fetch(bpUrl, { method: 'POST', headers: { 'content-type': fx.contentType, ...auth }, body: fx.validBody });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await send();
      statuses.push(res.status);
      if (fx.backpressureStatuses.includes(res.status)) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses[0]).toBe(fx.successStatus);
    expect(fx.backpressureStatuses).toContain(statuses[3]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('keeps serving after all of that', async () => {
    expect((await post(fx.validBody)).status).toBe(fx.successStatus);
  });
});
