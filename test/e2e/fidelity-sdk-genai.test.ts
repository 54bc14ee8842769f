/**
 * Issue 10, done means 1: realistic OpenTelemetry-SDK GenAI traces — numeric, boolean and array
 * request parameters, tool calls, errors, cached and reasoning tokens — sent with the SDK's
 * BatchSpanProcessor and OTLP/protobuf exporter reach each of the four strict trace-vendor
 * stand-ins with every span present (Netra: every LLM span, the others counted as skipped by its
 * documented `llm_only` policy), and every exporter accounts for every span exactly:
 * accepted = sent + dead-lettered + skipped. The string-only maps (Foglamp metadata) report each
 * converted request parameter in switchyard_exporter_fields_coerced_total.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { metricSum } from '../helpers/self-metrics.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
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

interface SentSpan { spanId: string; llm: boolean }

const EXPORTERS = ['netra', 'neatlogs', 'foglamp', 'keywordsai'] as const;

describe(`OTel SDK GenAI traces → the four strict trace-vendor stand-ins (seed ${SEED}, FIDELITY_SEED to replay)`, () => {
  let netra: NetraStandin;
  let neat: NeatlogsStandin;
  let fog: FoglampStandin;
  let kw: KeywordsAiStandin;
  let h: Harness;
  let dir: string;
  const sent: SentSpan[] = [];
  let llmWithParams = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-fidelity-sdk-'));
    [netra, neat, fog, kw] = await Promise.all([
      startNetraStandin({ apiKey: 'nt' }), startNeatlogsStandin({ apiKey: 'nl' }), startFoglamp({ apiKey: 'fl' }), startKeywordsAi({ apiKey: 'kw' }),
    ]);
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 50, timeout: 100ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: nt, dead_letter_path: ${dir}/netra.jsonl }
  neatlogs: { endpoint: ${neat.url}, api_key: nl, dead_letter_path: ${dir}/neatlogs.jsonl }
  foglamp: { endpoint: ${fog.url}, api_key: fl, dead_letter_path: ${dir}/foglamp.jsonl }
  keywordsai: { endpoint: ${kw.url}, api_key: kw, dead_letter_path: ${dir}/keywordsai.jsonl }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [netra, neatlogs, foglamp, keywordsai] }
`);
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([netra?.close(), neat?.close(), fog?.close(), kw?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every span reaches every stand-in (Netra: every LLM span), and each exporter accounts for each span', { timeout: 60_000 }, async () => {
    const random = rng(SEED);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'travel-agent', 'deployment.environment': 'test' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${h.service.receiverUrl('otlp')}/v1/traces` }), { maxExportBatchSize: 16, scheduledDelayMillis: 50 })],
    });
    const tracer = provider.getTracer('travel-agent', '2.1.0');
    const traces = 4 + Math.floor(random() * 8);
    const t0 = Date.now() - 60_000;
    for (let t = 0; t < traces; t++) {
      const start = t0 + t * 1000;
      const root = tracer.startSpan('invoke_agent planner', {
        kind: SpanKind.INTERNAL, startTime: start,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.workflow.name': 'trip-planning', 'gen_ai.conversation.id': `conv-${t}` },
      });
      const ctx = trace.setSpan(context.active(), root);
      sent.push({ spanId: root.spanContext().spanId, llm: false });
      const turns = 1 + Math.floor(random() * 3);
      for (let i = 0; i < turns; i++) {
        const failed = random() < 0.25;
        const params: Attributes = {
          'gen_ai.request.temperature': Math.round(random() * 100) / 100,
          'gen_ai.request.top_p': 0.9,
          'gen_ai.request.max_tokens': 256 + Math.floor(random() * 1024),
          'gen_ai.request.seed': 42,
          'gen_ai.request.stream': random() < 0.5,
          'gen_ai.request.stop_sequences': ['\n\n', 'END'],
        };
        const llm = tracer.startSpan('chat gpt-4o', {
          kind: SpanKind.CLIENT, startTime: start + 10 + i * 200,
          attributes: {
            'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o',
            ...params,
            ...(failed ? { 'error.type': 'rate_limit_exceeded' } : {
              'gen_ai.response.model': 'gpt-4o-2024-08-06',
              'gen_ai.usage.input_tokens': 1200 + i, 'gen_ai.usage.output_tokens': 300,
              'gen_ai.usage.cache_read.input_tokens': 1024, 'gen_ai.usage.reasoning.output_tokens': 128,
              'gen_ai.response.finish_reasons': ['tool_calls'],
              'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: `call_${t}_${i}`, name: 'search_flights', arguments: { from: 'LIS', to: 'OSL' } }], finish_reason: 'tool_call' }]),
            }),
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Find a flight, turn ${i}` }] }]),
          },
        }, ctx);
        llmWithParams++;
        if (failed) llm.setStatus({ code: SpanStatusCode.ERROR, message: '429 Too Many Requests' });
        llm.end(start + 150 + i * 200);
        sent.push({ spanId: llm.spanContext().spanId, llm: true });
        if (failed) continue;
        const tool = tracer.startSpan('execute_tool search_flights', {
          kind: SpanKind.INTERNAL, startTime: start + 160 + i * 200,
          attributes: {
            'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_flights', 'gen_ai.tool.call.id': `call_${t}_${i}`,
            'gen_ai.tool.call.arguments': JSON.stringify({ from: 'LIS', to: 'OSL' }), 'gen_ai.tool.call.result': JSON.stringify({ flights: 3 }),
          },
        }, ctx);
        tool.end(start + 190 + i * 200);
        sent.push({ spanId: tool.spanContext().spanId, llm: false });
      }
      // The root ends last, as instrumented code does.
      root.end(start + 900);
    }
    await provider.forceFlush();
    await provider.shutdown();

    const telemetry = h.service.telemetryUrl!;
    const accepted = await eventually(async () => {
      const n = await metricSum(telemetry, 'switchyard_receiver_accepted_items_total', { receiver: 'otlp' });
      return n === sent.length ? n : undefined;
    }, 20_000, `all ${sent.length} spans accepted (seed ${SEED})`);
    const outcome = async (exporter: string) => ({
      sent: await metricSum(telemetry, 'switchyard_exporter_sent_items_total', { exporter }),
      deadLettered: await metricSum(telemetry, 'switchyard_exporter_dead_lettered_items_total', { exporter }),
      skipped: await metricSum(telemetry, 'switchyard_exporter_items_transformed_total', { exporter, event: 'skipped' }),
    });
    // Positive signal first: every exporter has accounted for every span.
    await eventually(async () => {
      for (const e of EXPORTERS) {
        const o = await outcome(e);
        if (o.sent + o.deadLettered + o.skipped !== accepted) return false;
      }
      return true;
    }, 20_000, `every exporter accounted for ${accepted} spans (seed ${SEED})`);

    const all = sent.map((s) => s.spanId).sort();
    const llm = sent.filter((s) => s.llm).map((s) => s.spanId).sort();
    const ctx = `seed ${SEED}`;
    expect(neat.spans().map((s) => s.span_id).sort(), ctx).toEqual(all);
    expect(fog.received.flatMap((t) => (t.spans as { spanId: string }[]).map((s) => s.spanId)).sort(), ctx).toEqual(all);
    expect(kw.received.map((l) => l.span_unique_id).sort(), ctx).toEqual(all);
    expect(netra.events().map((e) => (e.trace_context as { span_id: string }).span_id).sort(), ctx).toEqual(llm);

    for (const e of EXPORTERS) {
      const o = await outcome(e);
      expect(o.deadLettered, `${e}: nothing dead-lettered (${ctx})`).toBe(0);
      expect(o.skipped, `${e} skipped (${ctx})`).toBe(e === 'netra' ? all.length - llm.length : 0);
      expect(o.sent, `${e} sent (${ctx})`).toBe(e === 'netra' ? llm.length : all.length);
    }
    // The stand-ins never had to refuse anything: the exporters made every item valid first.
    expect(neat.answers.every((a) => a.status === 202), ctx).toBe(true);
    expect(netra.answers.every((a) => a.status === 202), ctx).toBe(true);
    expect(fog.requests.every((r) => r.status === 200), ctx).toBe(true);
    expect(kw.requests.every((r) => r.status === 200), ctx).toBe(true);

    // Foglamp's metadata takes strings only: each numeric, boolean or array request parameter of
    // each LLM span went as text, and is counted by its model field.
    for (const field of ['gen_ai.request.temperature', 'gen_ai.request.max_tokens', 'gen_ai.request.stream', 'gen_ai.request.stop_sequences']) {
      expect(await metricSum(telemetry, 'switchyard_exporter_fields_coerced_total', { exporter: 'foglamp', field }), `${field} (${ctx})`).toBe(llmWithParams);
    }
    const llmSpan = fog.received.flatMap((t) => t.spans as Record<string, any>[]).find((s) => s.spanType === 'llm' && s.metadata?.['gen_ai.request.stop_sequences'])!;
    expect(JSON.parse(llmSpan.metadata['gen_ai.request.stop_sequences'])).toEqual(['\n\n', 'END']);
  });
});
