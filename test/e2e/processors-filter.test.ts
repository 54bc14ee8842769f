import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { foglampBySpan, netraBySpan, sendWithSdk, type Sent, type SpanSpec } from './processors-sdk.js';

/**
 * The processor issue's "done means", part 3: a `filter` processor in the real server drops
 * health checks and sub-millisecond spans before they reach any vendor, and `switchyard validate`
 * refuses a config whose filter expression does not parse, naming its path.
 */
const llm = (name: string, model: string, durationMs: number): SpanSpec => ({
  name,
  durationMs,
  attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': model, 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 2 },
});

const SPECS: SpanSpec[] = [
  { name: 'GET /health', kind: SpanKind.SERVER, durationMs: 5, attributes: { 'http.route': '/health', 'http.response.status_code': 200 } },
  llm('chat gpt-4o', 'gpt-4o', 850),
  { name: 'GET /health', kind: SpanKind.SERVER, durationMs: 2, attributes: { 'http.route': '/health' } },
  llm('chat cached', 'gpt-4o-mini', 0.4), // answered from a cache in 0.4 ms: noise
  { name: 'GET /healthz', kind: SpanKind.SERVER, durationMs: 3, attributes: { 'http.route': '/healthz' } }, // not an exact match: kept
  llm('chat gpt-4o-mini', 'gpt-4o-mini', 1), // exactly 1 ms: kept (the condition is < 1)
  { name: 'tool lookup', kind: SpanKind.INTERNAL, durationMs: 0.2, attributes: { 'gen_ai.tool.name': 'lookup' } },
];
const DROPPED = [0, 2, 3, 6];
const KEPT = [1, 4, 5];
// Netra takes LLM operations only (its default span_policy; request.model is required), so the kept
// health check reaches Foglamp alone.
const KEPT_LLM = [1, 5];

describe('filter processor in the real server', () => {
  let h: Harness;
  let netra: NetraStandin;
  let fog: FoglampStandin;
  let sent: Sent[];
  let marker: Sent;

  beforeAll(async () => {
    netra = await startNetraStandin({ apiKey: 'netra-out' });
    fog = await startFoglamp({ apiKey: 'fl_out' });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  genai_normalize: {}
  filter/noise:
    traces:
      span:
        - 'name == "GET /health"'
        - 'duration_ms < 1'
  batch: { timeout: 50ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: netra-out }
  foglamp: { endpoint: ${fog.url}, api_key: fl_out }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [genai_normalize, filter/noise, batch], exporters: [netra, foglamp] }
`);
    sent = await sendWithSdk(h.service.receiverUrl('otlp'), SPECS);
    await eventually(() => netra.events().length >= KEPT_LLM.length && foglampBySpan(fog).size >= KEPT.length, 10_000, 'the kept spans at both stand-ins');
    // A later marker (kept by the filter) at both stand-ins proves everything sent before it has
    // had its chance to arrive: the negative assertions below wait on it, not on a sleep.
    [marker] = await sendWithSdk(h.service.receiverUrl('otlp'), [llm('marker', 'gpt-4o', 5)]);
    await eventually(() => netraBySpan(netra).has(marker.spanId) && foglampBySpan(fog).has(marker.spanId), 10_000, 'the marker at both stand-ins');
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    await netra?.close();
    await fog?.close();
  });

  it('health checks and spans under 1 ms never reach either stand-in; the others do', () => {
    const n = netraBySpan(netra);
    const f = foglampBySpan(fog);
    n.delete(marker.spanId);
    f.delete(marker.spanId);
    expect([...n.keys()].sort()).toEqual(KEPT_LLM.map((i) => sent[i]!.spanId).sort());
    expect([...f.keys()].sort()).toEqual(KEPT.map((i) => sent[i]!.spanId).sort());
    for (const i of DROPPED) {
      expect(n.has(sent[i]!.spanId), `${SPECS[i]!.name} at Netra`).toBe(false);
      expect(f.has(sent[i]!.spanId), `${SPECS[i]!.name} at Foglamp`).toBe(false);
    }
    expect(f.get(sent[4]!.spanId)!.span.name).toBe('GET /healthz');
    expect((n.get(sent[5]!.spanId)!.request as Record<string, unknown>).model).toEqual({ name: 'gpt-4o-mini', provider: 'openai' });
    expect(new Set(netra.answers.map((a) => a.status))).toEqual(new Set([202])); // non-empty, all accepted
    expect(new Set(fog.requests.map((r) => r.status))).toEqual(new Set([200]));
  });

  it('counts what it dropped in /metrics', async () => {
    const text = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('switchyard_processor_events_total{') && l.includes('"filter/noise"') && l.includes('"dropped"'));
    expect(line, text).toBeDefined();
    expect(Number(line!.split(' ').pop())).toBe(DROPPED.length);
  });
});

describe('switchyard validate on a broken filter (built CLI)', () => {
  it('exits 1 and names each bad expression by path and line', () => {
    const r = runCli(['validate', '--config', 'test/fixtures/broken-filter.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('processors.filter/noise.traces.span[0] (line 10)');
    expect(r.stderr).toContain('unexpected "=" (use "==" to compare)');
    expect(r.stderr).toContain('processors.filter/noise.logs.log_record[0] (line 14)');
    expect(r.stderr).toContain('unknown field "duration_ms" in log_record context');
    // The valid expression in between is not reported.
    expect(r.stderr).not.toContain('span[1]');
  });

  it('run refuses the same file before listening', () => {
    const r = runCli(['run', '--config', 'test/fixtures/broken-filter.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('processors.filter/noise.traces.span[0]');
  });
});
