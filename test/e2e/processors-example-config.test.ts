import { readFileSync } from 'node:fs';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { foglampBySpan, netraBySpan, receivedText, sendWithSdk, type Sent } from './processors-sdk.js';

/**
 * config/genai-bridge.yaml, as shipped, run by the real server: only its listen addresses are
 * moved to free ports, and the vendors are the stand-ins, reached through the env variables the
 * file documents. An OpenTelemetry SDK span and a Neatlogs client's batch both come out
 * normalised, redacted and priced; health checks do not come out at all.
 */
type Obj = Record<string, unknown>;

describe('config/genai-bridge.yaml end to end', () => {
  let h: Harness;
  let netra: NetraStandin;
  let fog: FoglampStandin;
  let sent: Sent[];
  let marker: Sent;

  beforeAll(async () => {
    netra = await startNetraStandin({ apiKey: 'nk_live' });
    fog = await startFoglamp({ apiKey: 'fl_live' });
    const yaml = readFileSync(`${ROOT}/config/genai-bridge.yaml`, 'utf8').replaceAll('127.0.0.1:4318', '127.0.0.1:0').replaceAll('127.0.0.1:8888', '127.0.0.1:0');
    h = await startSwitchyard(yaml, {
      env: { NETRA_ENDPOINT: netra.url, NETRA_API_KEY: 'nk_live', FOGLAMP_ENDPOINT: fog.url, FOGLAMP_API_KEY: 'fl_live' },
    });
    sent = await sendWithSdk(h.service.receiverUrl('otlp'), [
      { name: 'GET /health', kind: SpanKind.SERVER, durationMs: 3, attributes: { 'http.route': '/health' } },
      {
        name: 'ChatCompletion',
        durationMs: 900,
        attributes: {
          'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.provider': 'openai',
          'llm.token_count.prompt': 2_000, 'llm.token_count.completion': 100,
          'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'Reach me at ops@example.org',
          'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': 'Will do.',
        },
      },
    ]);
    const res = await fetch(`${h.service.receiverUrl('neatlogs')}/api/v1/traces/v4/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'any' },
      body: JSON.stringify({
        workflow_name: 'triage',
        spans: [{
          span_id: 'sp-llm-1', name: 'call_llm', start_time: 1717555212000, end_time: 1717555213000,
          attributes: {
            'openinference.span.kind': 'LLM', status: 'success', 'gen_ai.system': 'Anthropic', 'gen_ai.request.model': 'claude-3-5-haiku-20241022',
            'gen_ai.usage.prompt_tokens': 1_000, 'gen_ai.usage.completion_tokens': 200, 'api.token': 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123',
          },
          input: { messages: [{ role: 'user', content: 'Card 4111111111111111 was declined' }] },
          output: { messages: [{ role: 'assistant', content: 'Try another card.' }] },
        }],
      }),
    });
    expect(res.status).toBe(202);
    await eventually(() => netra.events().length >= 2 && foglampBySpan(fog).size >= 2, 10_000, 'both LLM spans at both stand-ins');
    // A later marker at both stand-ins, instead of a sleep, before asserting what did not arrive.
    // It carries an address so that, like every other event, it comes out redacted.
    [marker] = await sendWithSdk(h.service.receiverUrl('otlp'), [{
      name: 'marker',
      durationMs: 5,
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.provider': 'openai', 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'marker@example.org' },
    }]);
    await eventually(() => netraBySpan(netra).has(marker.spanId) && foglampBySpan(fog).has(marker.spanId), 10_000, 'the marker at both stand-ins');
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    await netra?.close();
    await fog?.close();
  });

  it('the health check is filtered; the two LLM calls arrive priced, with model and provider', () => {
    expect(netra.events().filter((e) => (e.trace_context as Obj).span_name !== 'marker')).toHaveLength(2);
    expect([...foglampBySpan(fog).keys()].filter((id) => id !== marker.spanId)).toHaveLength(2);
    expect(netraBySpan(netra).has(sent[0]!.spanId)).toBe(false);

    const oi = netraBySpan(netra).get(sent[1]!.spanId)!;
    expect((oi.request as Obj).model).toEqual({ name: 'gpt-4o', provider: 'openai' });
    expect((oi.response as Obj).usage).toEqual({ prompt_tokens: 2_000, completion_tokens: 100, total_tokens: 2_100 });
    expect(((oi.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo((2_000 * 2.5 + 100 * 10) / 1e6, 12);

    const nl = netra.events().find((e) => (e.trace_context as Obj).span_name === 'call_llm')!;
    expect((nl.request as Obj).model).toEqual({ name: 'claude-3-5-haiku-20241022', provider: 'anthropic' });
    expect((nl.response as Obj).usage).toMatchObject({ prompt_tokens: 1_000, completion_tokens: 200 });
    // claude-3-5-haiku: 1,000 × 0.80 + 200 × 4 per million.
    expect(((nl.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo((1_000 * 0.8 + 200 * 4) / 1e6, 12);
    const fl = [...foglampBySpan(fog).values()].find((x) => x.span.name === 'call_llm')!;
    expect(fl.span).toMatchObject({ spanType: 'llm', modelId: 'claude-3-5-haiku-20241022', provider: 'anthropic', usage: { inputTokens: 1_000, outputTokens: 200, totalTokens: 1_200 } });
    expect(fl.trace.workflowName).toBe('triage');
  });

  it('secrets are redacted from both sources, and marked', () => {
    const all = receivedText(netra, fog);
    for (const secret of ['ops@example.org', '4111111111111111', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123']) expect(all).not.toContain(secret);
    for (const ev of netra.events()) expect(ev.governance).toEqual({ security: { pii_redacted: true } });
    const nl = netra.events().find((e) => (e.trace_context as Obj).span_name === 'call_llm')!;
    expect(((nl.request as Obj).prompt as Obj).messages).toEqual([{ role: 'user', content: 'Card **** was declined' }]);
  });
});
