import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startKeywordsAi, type KeywordsAiStandin } from '../standins/keywordsai.js';
import { FOGLAMP_DOC_EXAMPLE } from './foglamp.fixture.js';
import { KEYWORDSAI_DOC_EXAMPLE } from './keywordsai.fixture.js';

/** The real server: a vendor's client in, the other vendor's strict stand-in out. */
let h: Harness | undefined;
let fog: FoglampStandin | undefined;
let kw: KeywordsAiStandin | undefined;
afterEach(async () => {
  await h?.close();
  await fog?.close();
  await kw?.close();
  h = fog = kw = undefined;
});

const post = (url: string, key: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('foglamp ⇄ keywordsai through Switchyard', () => {
  it('a Foglamp client\'s batch reaches KeywordsAI and Foglamp itself, tokens intact', async () => {
    fog = await startFoglamp({ apiKey: 'fl_out' });
    kw = await startKeywordsAi({ apiKey: 'kw_out', failTimes: 1, failStatus: 503, retryAfter: '0' });
    h = await startSwitchyard(`
receivers:
  foglamp: { endpoint: 127.0.0.1:0, api_keys: [fl_in] }
exporters:
  foglamp: { endpoint: ${fog.url}, api_key: fl_out }
  keywordsai:
    endpoint: ${kw.url}
    api_key: kw_out
    retry_on_failure: { initial_interval: 10ms, max_interval: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [foglamp], exporters: [foglamp, keywordsai] }
`);
    const res = await post(`${h.service.receiverUrl('foglamp')}/ingest`, 'fl_in', FOGLAMP_DOC_EXAMPLE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1 });
    await eventually(() => fog!.received.length === 1 && kw!.received.length === 1, 10_000, 'both vendors');
    expect(fog.bodies[0]).toEqual(FOGLAMP_DOC_EXAMPLE);
    const log = kw.received[0]!;
    expect(log).toMatchObject({
      id: 'span_1', log_type: 'chat', trace_unique_id: '0192f1c0-1a2b-7c3d-8e4f-1a2b3c4d5e6f', span_unique_id: 'span_1', span_parent_id: 'span_0',
      span_name: 'generateText', span_workflow_name: 'deploy-digest', model: 'gpt-4o', provider_id: 'openai', thread_identifier: 'session_abc123',
      input: '<string>', output: '<string>', time_to_first_token: 0.32, latency: 1.2, status: 'success',
      timestamp: '2024-05-24T16:00:01.200Z', start_time: '2024-05-24T16:00:00Z',
      usage: { prompt_tokens: 1200, completion_tokens: 350, total_tokens: 1550, prompt_tokens_details: { cached_tokens: 1, cache_creation_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 1 } },
    });
    expect(log.metadata).toMatchObject({ environment: 'production', region: 'us-east-1', 'gen_ai.agent.name': 'summarizer', 'gen_ai.workflow.run_id': 'run_2024_05_24' });
  });

  it('a KeywordsAI client\'s logs reach Foglamp', async () => {
    fog = await startFoglamp({ apiKey: 'fl_out' });
    h = await startSwitchyard(`
receivers:
  keywordsai: { endpoint: 127.0.0.1:0, api_keys: [kw_in] }
exporters:
  foglamp: { endpoint: ${fog.url}, api_key: fl_out }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [keywordsai], exporters: [foglamp] }
`);
    const res = await post(`${h.service.receiverUrl('keywordsai')}/api/traces/ingest/`, 'kw_in', KEYWORDSAI_DOC_EXAMPLE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, ingested_count: 1 });
    await eventually(() => fog!.received.length === 1, 10_000, 'foglamp');
    expect(fog.received[0]).toMatchObject({
      traceId: 'trace_abc123', workflowName: 'customer_support',
      spans: [{
        spanId: 'span_xyz789', spanType: 'llm', name: 'llm_call', startTime: 1705314590000, endTime: 1705314600000, status: 'ok', modelId: 'gpt-4o-mini',
        usage: { inputTokens: 10, outputTokens: 8, totalTokens: 18 },
        input: '[{"role":"user","content":"Hello"}]', output: '{"role":"assistant","content":"Hi! How can I help?"}',
      }],
    });
  });
});
