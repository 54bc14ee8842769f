import { afterEach, describe, expect, it } from 'vitest';
import { startFoglamp } from '../standins/foglamp.js';
import { startNeatlogsStandin } from '../standins/neatlogs.js';
import { startNetraStandin } from '../standins/netra.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * Vendor limits through the real server (DESIGN §6): batches too large for a vendor are split,
 * never dropped; an item too large alone is truncated and marked, never dropped. The server is fed
 * OTLP JSON bodies through its otlp receiver; the batch processor makes one large batch of them.
 */

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
const T0 = 1_717_555_210_000_000_000n;

interface SpanSpec {
  trace: number;
  span: number;
  attrs?: Record<string, string | number>;
}

function otlpJson(specs: SpanSpec[]): string {
  const spans = specs.map((s) => ({
    traceId: hex(s.trace + 1, 32), spanId: hex(s.span + 1, 16), name: `chat gpt-4o ${s.span}`, kind: 3,
    startTimeUnixNano: String(T0 + BigInt(s.span) * 1_000_000n), endTimeUnixNano: String(T0 + BigInt(s.span) * 1_000_000n + 500_000_000n),
    attributes: Object.entries({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.workflow.name': 'limits', 'gen_ai.usage.input_tokens': 10, ...s.attrs })
      .map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }] }, scopeSpans: [{ scope: { name: 'limits' }, spans }] }] });
}

async function send(h: Harness, body: string): Promise<void> {
  const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
}

const server = (exporter: string) => startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 5000, timeout: 200ms }
exporters:
  ${exporter}
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [${exporter.split(':')[0]}] }
`);

const chat = (n: number, bytes: number) => JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `q${n} ` + 'x'.repeat(bytes) }] }]);

describe('vendor limits through the real server', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('foglamp: 2,500 traces arrive as 3 requests of at most 1,000 traces, none lost', async () => {
    const fog = await startFoglamp({ apiKey: 'fl' });
    cleanup.push(() => fog.close());
    const h = await server(`foglamp: { endpoint: ${fog.url}, api_key: fl }`);
    cleanup.push(() => h.close());
    await send(h, otlpJson(Array.from({ length: 2500 }, (_, i) => ({ trace: i, span: i }))));
    await eventually(() => fog.received.length >= 2500, 20_000, '2,500 traces at Foglamp');
    expect(fog.bodies.map((b) => b.traces.length).sort((a, b) => b - a)).toEqual([1000, 1000, 500]);
    expect(new Set(fog.received.map((t) => t.traceId)).size).toBe(2500);
    expect(new Set(fog.requests.map((r) => r.status))).toEqual(new Set([200])); // non-empty, all accepted
  });

  it('neatlogs: a ~3 MB batch arrives as several requests of at most 1 MB, none lost', async () => {
    const neat = await startNeatlogsStandin({ apiKey: 'nl' });
    cleanup.push(() => neat.close());
    const h = await server(`neatlogs: { endpoint: ${neat.url}, api_key: nl }`);
    cleanup.push(() => h.close());
    await send(h, otlpJson(Array.from({ length: 300 }, (_, i) => ({ trace: 7, span: i, attrs: { 'gen_ai.input.messages': chat(i, 10_000) } }))));
    await eventually(() => neat.spans().length >= 300, 20_000, '300 spans at Neatlogs');
    expect(neat.received.length).toBeGreaterThanOrEqual(3);
    for (const r of neat.received) {
      expect(r.bytes).toBeLessThanOrEqual(1_000_000);
      expect(r.batch.workflow_name).toBe('limits');
    }
    expect(neat.received.reduce((n, r) => n + r.bytes, 0)).toBeGreaterThan(3_000_000);
    expect(new Set(neat.spans().map((s) => s.span_id)).size).toBe(300);
    expect(neat.spans().some((s) => s.attributes['switchyard.content.truncated'])).toBe(false);
    expect(new Set(neat.answers.map((a) => a.status))).toEqual(new Set([202]));
  });

  it('netra: requests are gzip NDJSON of at most 5 MB uncompressed, none lost', async () => {
    const netra = await startNetraStandin({ apiKey: 'nt' });
    cleanup.push(() => netra.close());
    const h = await server(`netra: { endpoint: ${netra.url}, api_key: nt }`);
    cleanup.push(() => h.close());
    await send(h, otlpJson(Array.from({ length: 1100 }, (_, i) => ({ trace: i % 50, span: i, attrs: { 'gen_ai.input.messages': chat(i, 10_000) } }))));
    await eventually(() => netra.events().length >= 1100, 30_000, '1,100 events at Netra');
    expect(netra.received.length).toBeGreaterThanOrEqual(3);
    for (const r of netra.received) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.headers['content-type']).toBe('application/x-ndjson');
      expect(r.uncompressedBytes).toBeLessThanOrEqual(5_000_000);
      expect(r.compressedBytes).toBeLessThan(r.uncompressedBytes);
    }
    // Split requests are full ones: every request but the last is at least 1 MB (Netra's 1–5 MB).
    const sizes = netra.received.map((r) => r.uncompressedBytes).sort((a, b) => b - a);
    for (const s of sizes.slice(0, -1)) expect(s).toBeGreaterThanOrEqual(1_000_000);
    expect(new Set(netra.events().map((e: any) => e.trace_context.span_id)).size).toBe(1100);
  });

  it('neatlogs: one LLM span with 3 MB of messages arrives truncated and marked, not dropped', async () => {
    const neat = await startNeatlogsStandin({ apiKey: 'nl' });
    cleanup.push(() => neat.close());
    const h = await server(`neatlogs: { endpoint: ${neat.url}, api_key: nl }`);
    cleanup.push(() => h.close());
    const messages = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content: `m${i}:` + 'y'.repeat(100_000) }] }));
    const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'short answer' }], finish_reason: 'stop' }]);
    await send(h, otlpJson([{ trace: 9, span: 9, attrs: { 'gen_ai.input.messages': JSON.stringify(messages), 'gen_ai.output.messages': output, 'gen_ai.usage.output_tokens': 3 } }]));
    const span = await eventually(() => neat.spans().find((s) => s.span_id === hex(10, 16)), 20_000, 'the big span at Neatlogs');
    expect(neat.received).toHaveLength(1);
    expect(neat.received[0]!.bytes).toBeLessThanOrEqual(1_000_000);
    expect(span.attributes['switchyard.content.truncated']).toBe(true);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(10);
    expect(span.name).toBe('chat gpt-4o 9');
    const text = JSON.stringify(span.input);
    expect(text).toContain('truncated by switchyard');
    // Every message is still there (its text cut), in order.
    expect(span.input.messages).toHaveLength(30);
    span.input.messages.forEach((m: { role: string; content: string }, i: number) => {
      expect(m.role).toBe(i % 2 ? 'assistant' : 'user');
      expect(m.content.startsWith(`m${i}:`)).toBe(true);
    });
    expect(span.output.messages[0].content).toBe('short answer');
  });
});
