/**
 * Issue 10, done means 2: for each vendor, one request mixing many valid items with a few that
 * cannot be made valid without inventing facts. Every valid item arrives at the strict stand-in;
 * each invalid one is in that exporter's dead-letter file alone (items: 1) with its reason; the
 * counters match exactly: accepted = sent + dead-lettered + skipped, and the stand-in's own count
 * equals `sent`. Over real sockets: an OTLP/JSON POST to Switchyard, the vendor stand-ins behind it.
 *
 * What cannot be made valid, per the vendor documents:
 * - Netra: an LLM operation naming no model (request.model is required, no default documented);
 * - Neatlogs: a span without a name (`name` is required);
 * - Foglamp and KeywordsAI: a fractional token count (counts are integers);
 * - KeywordsAI: a span ending before it starts (a negative latency);
 * - InfraSage: a record the gateway itself refuses per item (`failures`: timestamp_too_old), the
 *   per-item answer counted as refused for exactly those records, never as sent;
 * - OTLP: a collector answering `partial_success.rejected_spans = k`: exactly k counted as refused
 *   (never as sent), the request kept whole in the dead-letter file (OTLP does not say which).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserializeTelemetry } from '../../src/model/index.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { metricSum } from '../helpers/self-metrics.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startInfraSage, type InfraSageStandin } from '../standins/infrasage.js';
import { startKeywordsAi, type KeywordsAiStandin } from '../standins/keywordsai.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';

const SEED = Number(process.env.FIDELITY_SEED ?? Date.now() % 1_000_000);
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Flaw = 'valid' | 'no_model' | 'no_name' | 'fractional_tokens' | 'ends_before_start';
/** Which exporters cannot take a span with this flaw (the others send it). */
const REFUSED_BY: Record<Flaw, string[]> = {
  valid: [],
  no_model: ['netra'],
  no_name: ['neatlogs'],
  fractional_tokens: ['netra', 'foglamp', 'keywordsai'],
  ends_before_start: ['keywordsai'],
};
const EXPORTERS = ['netra', 'neatlogs', 'foglamp', 'keywordsai'] as const;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const kv = (key: string, v: string | number | boolean) => ({
  key,
  value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
});

interface Letter { reason: string; items: number; body?: string; record?: Record<string, unknown> }
const letters = (path: string): Letter[] => {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Letter);
  } catch {
    return [];
  }
};

describe(`one request, many valid items and a few invalid ones, per vendor (seed ${SEED}, FIDELITY_SEED to replay)`, () => {
  let netra: NetraStandin;
  let neat: NeatlogsStandin;
  let fog: FoglampStandin;
  let kw: KeywordsAiStandin;
  let isage: InfraSageStandin;
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-fidelity-mixed-'));
    [netra, neat, fog, kw, isage] = await Promise.all([
      startNetraStandin({ apiKey: 'nt' }), startNeatlogsStandin({ apiKey: 'nl' }), startFoglamp({ apiKey: 'fl' }), startKeywordsAi({ apiKey: 'kw' }),
      startInfraSage(),
    ]);
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 1000, timeout: 100ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: nt, dead_letter_path: ${dir}/netra.jsonl }
  neatlogs: { endpoint: ${neat.url}, api_key: nl, dead_letter_path: ${dir}/neatlogs.jsonl }
  foglamp: { endpoint: ${fog.url}, api_key: fl, dead_letter_path: ${dir}/foglamp.jsonl }
  keywordsai: { endpoint: ${kw.url}, api_key: kw, dead_letter_path: ${dir}/keywordsai.jsonl }
  infrasage: { endpoint: ${isage.url}, dead_letter_path: ${dir}/infrasage.jsonl }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [netra, neatlogs, foglamp, keywordsai] }
    metrics: { receivers: [otlp], processors: [batch], exporters: [infrasage] }
`);
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([netra?.close(), neat?.close(), fog?.close(), kw?.close(), isage?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trace vendors: every valid span arrives, each invalid one is dead-lettered alone with its reason, the counts add up', { timeout: 60_000 }, async () => {
    const random = rng(SEED);
    const flaws: Flaw[] = ['no_model', 'no_name', 'fractional_tokens', 'ends_before_start'];
    const n = 40 + Math.floor(random() * 40);
    const spans: { spanId: string; flaw: Flaw; json: Record<string, unknown> }[] = [];
    const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
    for (let i = 0; i < n; i++) {
      // About one span in eight is flawed, at seeded places; each flaw at least once.
      const flaw: Flaw = i < flaws.length ? flaws[i]! : random() < 0.125 ? flaws[Math.floor(random() * flaws.length)]! : 'valid';
      const spanId = hex(i + 1, 16);
      const start = t0 + BigInt(i) * 1_000_000_000n;
      const end = flaw === 'ends_before_start' ? start - 5_000_000n : start + 250_000_000n;
      const attributes = [
        kv('gen_ai.operation.name', 'chat'),
        kv('gen_ai.provider.name', 'openai'),
        ...(flaw === 'no_model' ? [] : [kv('gen_ai.request.model', 'gpt-4o')]),
        kv('gen_ai.request.temperature', 0.25),
        kv('gen_ai.request.stream', false),
        kv('gen_ai.usage.input_tokens', flaw === 'fractional_tokens' ? 12.5 : 120 + i),
        kv('gen_ai.usage.output_tokens', 30),
        kv('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i}` }] }])),
      ];
      spans.push({
        spanId, flaw,
        json: { traceId: hex(Math.floor(i / 5) + 1, 32), spanId, name: flaw === 'no_name' ? '' : `chat gpt-4o ${i}`, kind: 3, startTimeUnixNano: String(start), endTimeUnixNano: String(end), attributes },
      });
    }
    // Shuffle (seeded) so the flawed spans sit anywhere in the request.
    for (let i = spans.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [spans[i], spans[j]] = [spans[j]!, spans[i]!];
    }
    const body = { resourceSpans: [{ resource: { attributes: [kv('service.name', 'mixed-app')] }, scopeSpans: [{ scope: { name: 'test' }, spans: spans.map((s) => s.json) }] }] };
    const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `seed ${SEED}`).toBe(200);

    const telemetry = h.service.telemetryUrl!;
    const ctx = `seed ${SEED}, flaws ${JSON.stringify(spans.filter((s) => s.flaw !== 'valid').map((s) => [s.spanId, s.flaw]))}`;
    const accepted = await metricSum(telemetry, 'switchyard_receiver_accepted_items_total', { receiver: 'otlp', signal: 'traces' });
    expect(accepted, ctx).toBe(n);
    const outcome = async (exporter: string) => ({
      sent: await metricSum(telemetry, 'switchyard_exporter_sent_items_total', { exporter }),
      deadLettered: await metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter }),
      skipped: await metricSum(telemetry, 'switchyard_exporter_items_transformed_total', { exporter, event: 'skipped' }),
    });
    await eventually(async () => {
      for (const e of EXPORTERS) {
        const o = await outcome(e);
        if (o.sent + o.deadLettered + o.skipped !== n) return false;
      }
      return true;
    }, 20_000, `every exporter accounted for ${n} spans (${ctx})`);

    const received: Record<string, string[]> = {
      netra: netra.events().map((e) => (e.trace_context as { span_id: string }).span_id),
      neatlogs: neat.spans().map((s) => s.span_id as string),
      foglamp: fog.received.flatMap((t) => (t.spans as { spanId: string }[]).map((s) => s.spanId)),
      keywordsai: kw.received.map((l) => l.span_unique_id as string),
    };
    for (const e of EXPORTERS) {
      const refused = spans.filter((s) => REFUSED_BY[s.flaw].includes(e));
      const valid = spans.filter((s) => !REFUSED_BY[s.flaw].includes(e));
      expect(refused.length, `${e} has something to refuse (${ctx})`).toBeGreaterThan(0);
      // Every valid item arrived, once; no invalid one did.
      expect([...received[e]!].sort(), `${e} received (${ctx})`).toEqual(valid.map((s) => s.spanId).sort());
      const o = await outcome(e);
      expect(o, `${e} counters (${ctx})`).toEqual({ sent: valid.length, deadLettered: refused.length, skipped: 0 });
      expect(await metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter: e, reason: 'contract' }), ctx).toBe(refused.length);
      // Each invalid span is in the dead-letter file alone, with the reason for its own flaw.
      const dl = letters(join(dir, `${e}.jsonl`));
      expect(dl.length, `${e} dead letters (${ctx})`).toBe(refused.length);
      const byId = new Map(dl.map((l) => {
        const t = deserializeTelemetry(l.body!);
        const ids = t.traces!.flatMap((r) => r.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)));
        expect(ids, `${e}: one span per dead letter (${ctx})`).toHaveLength(1);
        expect(l.items).toBe(1);
        return [ids[0]!, l.reason] as const;
      }));
      for (const s of refused) {
        const reason = byId.get(s.spanId);
        expect(reason, `${e}: ${s.spanId} (${s.flaw}) dead-lettered (${ctx})`).toBeDefined();
        expect(reason!.startsWith(`contract: ${e}: `), reason).toBe(true);
        const expected = { no_model: /request\.model\.name is required/, no_name: /span name is required/, fractional_tokens: /must be a non-negative integer/, ends_before_start: /ends before it starts/ }[s.flaw as Exclude<Flaw, 'valid'>];
        expect(reason).toMatch(expected);
      }
    }
    // Nothing reached a stand-in that it had to refuse.
    expect(neat.answers.every((a) => a.status === 202), ctx).toBe(true);
    expect(netra.answers.every((a) => a.status === 202), ctx).toBe(true);
    expect(fog.requests.every((r) => r.status === 200), ctx).toBe(true);
    expect(kw.requests.every((r) => r.status === 200), ctx).toBe(true);
  });

  it('InfraSage: records the gateway refuses per item are counted as refused for exactly those records and dead-lettered one by one', { timeout: 60_000 }, async () => {
    const random = rng(SEED + 1);
    const n = 30 + Math.floor(random() * 30);
    const now = BigInt(Date.now()) * 1_000_000n;
    const old = new Set<number>();
    const points = Array.from({ length: n }, (_, i) => {
      // A few points older than InfraSage's 24 h window: valid JSON, refused by the gateway itself.
      const tooOld = i < 2 || random() < 0.1;
      if (tooOld) old.add(i);
      const time = tooOld ? now - 48n * 3600n * 1_000_000_000n : now - BigInt(i) * 1_000_000n;
      return { timeUnixNano: String(time), asDouble: i + 0.5, attributes: [kv('point', String(i)), kv('cores', 8)] };
    });
    const body = { resourceMetrics: [{ resource: { attributes: [kv('service.name', 'billing')] }, scopeMetrics: [{ scope: { name: 'test' }, metrics: [{ name: 'queue_depth', gauge: { dataPoints: points } }] }] }] };
    const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `seed ${SEED}`).toBe(200);

    const telemetry = h.service.telemetryUrl!;
    const ctx = `seed ${SEED}, old points ${JSON.stringify([...old])}`;
    const sent = () => metricSum(telemetry, 'switchyard_exporter_sent_items_total', { exporter: 'infrasage' });
    const refused = () => metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'infrasage' });
    await eventually(async () => (await sent()) + (await refused()) === n, 20_000, `infrasage accounted for ${n} points (${ctx})`);
    expect(await sent(), ctx).toBe(n - old.size);
    expect(await metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'infrasage', reason: 'refused_item' }), ctx).toBe(old.size);
    // The stand-in's own count: what it queued is what Switchyard counts as sent.
    expect(isage.received.length, ctx).toBe(n - old.size);
    expect(isage.received.map((r) => (r.attributes as Record<string, string>).point).sort(), ctx).toEqual([...Array(n).keys()].filter((i) => !old.has(i)).map(String).sort());
    // Attributes arrive as strings (the document shows string values only), `cores` included.
    expect(isage.received.every((r) => (r.attributes as Record<string, unknown>).cores === '8'), ctx).toBe(true);
    expect(await metricSum(telemetry, 'switchyard_exporter_fields_coerced_total', { exporter: 'infrasage', field: 'cores' }), ctx).toBe(n);
    // One dead letter per refused record, with the gateway's own reason.
    const dl = letters(join(dir, 'infrasage.jsonl'));
    expect(dl.map((l) => (l.record!.attributes as Record<string, string>).point).sort(), ctx).toEqual([...old].map(String).sort());
    for (const l of dl) {
      expect(l.items).toBe(1);
      expect(l.reason).toMatch(/^timestamp_too_old: Timestamp is more than 24h in the past/);
    }
  });

  it('OTLP partial_success: exactly the rejected count is refused, never sent, and the request is kept whole', { timeout: 60_000 }, async () => {
    const random = rng(SEED + 2);
    const n = 10 + Math.floor(random() * 20);
    const rejected = 1 + Math.floor(random() * 3);
    const bodies: string[] = [];
    // A collector that takes the request and reports `rejected` of its spans as invalid.
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedSpans: String(rejected), errorMessage: 'span name too long' } }));
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const h2 = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http: { endpoint: ${url}, encoding: json, compression: none, dead_letter_path: ${dir}/otlp.jsonl }
processors:
  batch: { send_batch_size: 1000, timeout: 100ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
    try {
      const t0 = BigInt(Date.now()) * 1_000_000n;
      const spans = Array.from({ length: n }, (_, i) => ({ traceId: hex(1, 32), spanId: hex(i + 1, 16), name: `op ${i}`, kind: 1, startTimeUnixNano: String(t0), endTimeUnixNano: String(t0 + 1_000_000n) }));
      const res = await fetch(`${h2.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }) });
      expect(res.status).toBe(200);
      const telemetry = h2.service.telemetryUrl!;
      const ctx = `seed ${SEED}, n ${n}, rejected ${rejected}`;
      const sent = () => metricSum(telemetry, 'switchyard_exporter_sent_items_total', { exporter: 'otlp_http' });
      const refused = () => metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'otlp_http', reason: 'refused_item' });
      await eventually(async () => (await sent()) + (await refused()) === n, 20_000, `otlp_http accounted for ${n} spans (${ctx})`);
      expect(await sent(), ctx).toBe(n - rejected);
      expect(await refused(), ctx).toBe(rejected);
      expect(await metricSum(telemetry, 'switchyard_exporter_send_failed_items_total', { exporter: 'otlp_http' }), ctx).toBe(rejected);
      // The collector's own count: it got every span once, in one request.
      expect(bodies.reduce((a, b) => a + JSON.parse(b).resourceSpans[0].scopeSpans[0].spans.length, 0), ctx).toBe(n);
      const dl = letters(join(dir, 'otlp.jsonl'));
      expect(dl, ctx).toHaveLength(1);
      expect(dl[0]!.items).toBe(rejected);
      expect(dl[0]!.reason).toBe(`partial: ${rejected} item(s) refused: span name too long`);
      expect(JSON.parse(dl[0]!.body!).resourceSpans[0].scopeSpans[0].spans).toHaveLength(n);
    } finally {
      await h2.close();
      await new Promise<void>((r) => { collector.closeAllConnections(); collector.close(() => r()); });
    }
  });
});
