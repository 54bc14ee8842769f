import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

let sink: Sink;
let h: Harness;
afterEach(async () => {
  await h?.close();
  await sink?.close();
});

function config(sinkUrl: string, extra = '') {
  return `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sinkUrl}
    timeout: 500ms
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 20s }
    dead_letter_path: $DIR/dlq.jsonl
${extra}
processors:
  batch: { send_batch_size: 50, timeout: 20ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;
}

async function post(url: string, ids: string[]) {
  return fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
}

describe('delivery through queue, batcher and retry', () => {
  it('delivers every acknowledged item when the vendor answers 503 for 10 s, then recovers', async () => {
    sink = await startSink();
    const failUntil = Date.now() + 10_000;
    sink.respond = () => (Date.now() < failUntil ? { status: 503 } : { status: 200 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    const url = h.service.receiverUrl('fake');
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ids = Array.from({ length: 10 }, (_, j) => `s${i}-${j}`);
      const res = await post(url, ids);
      if (res.status === 200) acked.push(...ids);
    }
    expect(acked).toHaveLength(200);
    await eventually(() => acked.every((id) => sink.received.includes(id)), 25_000, 'all acknowledged ids delivered');
    expect(sink.requests.filter((r) => r.status === 503).length).toBeGreaterThan(5);
    const lost = acked.filter((id) => !sink.received.includes(id));
    const duplicates = sink.received.length - new Set(sink.received).size;
    console.info(`503 for 10 s: acknowledged ${acked.length}, delivered ${new Set(sink.received).size}, duplicates ${duplicates}, lost ${lost.length}`);
    expect(lost).toEqual([]);
    const metrics = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_exporter_retries_total\{exporter="fake"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_receiver_accepted_items_total\{receiver="fake",signal="traces"\} 200/);
  });

  it('honours Retry-After and never retries sooner', async () => {
    sink = await startSink();
    let calls = 0;
    sink.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['a'])).status).toBe(200);
    await eventually(() => sink.received.includes('a'), 10_000, 'delivery after 429');
    const [first, second] = sink.requests;
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(1950);
  });

  it('dead-letters a 400 with its reason and does not retry it', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 400 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['bad'])).status).toBe(200);
    const line = await eventually(() => readFileSync(`${h.dir}/dlq.jsonl`, 'utf8'), 5000, 'dead letter');
    const letter = JSON.parse(line.trim());
    expect(letter).toMatchObject({ exporter: 'fake', status: 400, items: 1 });
    expect(letter.reason).toContain('HTTP 400');
    // Not retried: a later marker is delivered, and it is the only other request.
    sink.respond = () => ({ status: 200 });
    expect((await post(h.service.receiverUrl('fake'), ['marker'])).status).toBe(200);
    await eventually(() => sink.received.includes('marker'), 5000, 'the marker delivered');
    expect(sink.requests).toHaveLength(2);
    expect(sink.received).toEqual(['marker']);
    const stats = await (await fetch(`${h.service.telemetryUrl}/api/v1/debug/dlq-stats`)).json();
    expect(stats).toMatchObject({ total_failed: 1, by_reason: { http_400: 1 } });
  });

  it('pushes back with the receiver protocol status and Retry-After when the queue is full', async () => {
    sink = await startSink();
    sink.respond = () => 'hang';
    h = await startSwitchyard(config(sink.url, '    sending_queue: { queue_size: 30, num_consumers: 1 }'), { catalog: catalogWithFake() });
    const url = h.service.receiverUrl('fake');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = await post(url, Array.from({ length: 10 }, (_, j) => `q${i}-${j}`));
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
    expect(statuses).toContain(429);
    expect(retryAfter).toBe('1');
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  it('a vendor that never answers does not slow a second exporter of the same pipeline', async () => {
    sink = await startSink();
    const slow = await startSink();
    slow.respond = () => 'hang';
    const yaml = `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake/fast: { endpoint: ${sink.url} }
  fake/dead:
    endpoint: ${slow.url}
    timeout: 300ms
    retry_on_failure: { initial_interval: 50ms, max_elapsed_time: 60s }
processors:
  batch: { send_batch_size: 10, timeout: 10ms }
service:
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake/fast, fake/dead] }
`;
    h = await startSwitchyard(yaml, { catalog: catalogWithFake() });
    const url = h.service.receiverUrl('fake');
    const t0 = Date.now();
    for (let i = 0; i < 30; i++) expect((await post(url, [`f${i}`])).status).toBe(200);
    await eventually(() => sink.received.length === 30, 5000, 'fast exporter delivery');
    expect(Date.now() - t0).toBeLessThan(3000);
    await slow.close();
  });

  it('answers 401 for a wrong key without echoing it', async () => {
    sink = await startSink();
    h = await startSwitchyard(config(sink.url).replace('fake: { endpoint: 127.0.0.1:0 }', 'fake: { endpoint: 127.0.0.1:0, api_keys: ["${env:K}"] }'), {
      catalog: catalogWithFake(),
      env: { K: 'sekret-key-123' },
    });
    const url = h.service.receiverUrl('fake');
    const bad = await fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'guess-key-999' }, body: '[]' });
    expect(bad.status).toBe(401);
    expect(await bad.text()).not.toContain('guess-key-999');
    const good = await fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'sekret-key-123' }, body: '[{"id":"k"}]' });
    expect(good.status).toBe(200);
    const metrics = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    expect(metrics).not.toContain('sekret-key-123');
    expect(metrics).not.toContain('guess-key-999');
  });
});

describe('memory_limiter', () => {
  it('refuses with back-pressure while the heap is over the soft limit, and passes data otherwise', async () => {
    const { memoryLimiterProcessor } = await import('../../src/pipeline/builtin-processors.js');
    const { BackpressureError } = await import('../../src/formats/errors.js');
    const heap = process.memoryUsage().heapUsed;
    const count = { refused: 0 };
    const ctx = { id: 'memory_limiter', count: (_e: string, n: number) => (count.refused += n) };
    // A limit far below the current heap: every batch is refused with a retry hint.
    const tight = memoryLimiterProcessor.create({ check_interval: 50, limit_bytes: Math.floor(heap / 4), spike_limit_mib: 0 }, ctx);
    expect(() => tight.process({ traces: [] }, 'traces')).toThrow(BackpressureError);
    // The hint is read from the thrown error; a call that did not throw must fail here, not skip.
    const thrown = (() => {
      try {
        tight.process({ traces: [] }, 'traces');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(BackpressureError);
    expect((thrown as InstanceType<typeof BackpressureError>).retryAfterSeconds).toBeGreaterThan(0);
    expect(count.refused).toBe(2);
    await tight.shutdown?.();
    // A roomy limit lets data through untouched.
    const roomy = memoryLimiterProcessor.create({ check_interval: 50, limit_mib: 64 * 1024, spike_limit_mib: 0 }, ctx);
    const data = { traces: [] };
    expect(roomy.process(data, 'traces')).toBe(data);
    await roomy.shutdown?.();
  });
  it('counts the buffers outside the heap: a queue of bytes fills it as surely as objects do', async () => {
    const { memoryLimiterProcessor, memoryInUse } = await import('../../src/pipeline/builtin-processors.js');
    const { BackpressureError } = await import('../../src/formats/errors.js');
    const ctx = { id: 'memory_limiter', count: () => {} };
    // Soft limit 64 MiB above what is in use now; then 1 GiB of bytes, held outside the heap (never
    // written, so it costs address space, not memory).
    const limiter = memoryLimiterProcessor.create({ check_interval: 20, limit_bytes: memoryInUse() + 64 * 1048576, spike_limit_mib: 0 }, ctx);
    expect(limiter.process({ traces: [] }, 'traces')).toEqual({ traces: [] });
    const held = Buffer.allocUnsafeSlow(1024 * 1048576);
    await new Promise((r) => setTimeout(r, 200));
    expect(() => limiter.process({ traces: [] }, 'traces')).toThrow(BackpressureError);
    expect(() => limiter.process({ traces: [] }, 'traces')).toThrow(/heap and buffers \d+ MiB are over the soft limit/);
    expect(held.length).toBeGreaterThan(0);
    await limiter.shutdown?.();
  });
});
