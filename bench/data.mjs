// Realistic GenAI traffic for the bench: agent traces of 1 agent span, 3 LLM spans (about 1 KB
// of messages each, full GenAI attributes) and 2 tool spans, 100 spans per request. Every span names
// its model: Netra requires request.model.name, and `span_policy: all` sends every span.
import { KeyValueList, newSpan, SpanKind } from '../dist/model/index.js';
import { defaultCatalog } from '../dist/pipeline/components.js';
import { parseConfig } from '../dist/pipeline/config/load.js';

const ATTRS_TEXT = 'You are a careful assistant. Summarise the quarterly report for the operations team, keeping numbers exact. ';

let counter = 0;
const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);

function llmSpan(traceId, parent, i, t0) {
  const input = JSON.stringify([
    { role: 'system', parts: [{ type: 'text', content: ATTRS_TEXT.repeat(2) }] },
    { role: 'user', parts: [{ type: 'text', content: ATTRS_TEXT.repeat(3) + ` request ${i}` }] },
  ]);
  const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: ATTRS_TEXT.repeat(2) }], finish_reason: 'stop' }]);
  return newSpan({
    traceId, spanId: hex(++counter, 16), parentSpanId: parent, name: 'chat gpt-4o', kind: SpanKind.CLIENT,
    startTimeUnixNano: t0 + BigInt(i) * 1_000_000n, endTimeUnixNano: t0 + BigInt(i) * 1_000_000n + 850_000_000n,
    attributes: {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1200n, 'gen_ai.usage.output_tokens': 350n, 'gen_ai.usage.cache_read.input_tokens': 800n, 'gen_ai.usage.reasoning.output_tokens': 100n,
      'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 1024n, 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.response.id': `chatcmpl-${counter}`,
      'gen_ai.conversation.id': 'conv-42', 'gen_ai.workflow.name': 'report-digest', 'gen_ai.input.messages': input, 'gen_ai.output.messages': output,
      'gen_ai.response.time_to_first_chunk': 0.31,
    },
  });
}

function toolSpan(traceId, parent, i, t0) {
  return newSpan({
    traceId, spanId: hex(++counter, 16), parentSpanId: parent, name: 'execute_tool search', kind: SpanKind.INTERNAL,
    startTimeUnixNano: t0 + BigInt(i) * 2_000_000n, endTimeUnixNano: t0 + BigInt(i) * 2_000_000n + 120_000_000n,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': `call_${counter}`, 'gen_ai.tool.call.arguments': '{"q":"quarterly revenue"}', 'gen_ai.workflow.name': 'report-digest' },
  });
}

/**
 * The low half of every bench trace id. The load generator rewrites it in each pass over its
 * bodies (bench/load.mjs), so that no trace comes back: a trace id that came back every few
 * hundred milliseconds would never be quiet, and group_by_trace would hold its spans until the
 * queue was full.
 */
export const TRACE_ID_TAIL = '5eedface5eedface';

/** One agent trace: 6 spans. */
export function agentTrace(t0 = 1_764_000_000_000_000_000n) {
  const traceId = hex(++counter, 16) + TRACE_ID_TAIL;
  const root = newSpan({
    traceId, spanId: hex(++counter, 16), name: 'invoke_agent planner', kind: SpanKind.SERVER, startTimeUnixNano: t0, endTimeUnixNano: t0 + 3_000_000_000n,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.workflow.name': 'report-digest', 'gen_ai.conversation.id': 'conv-42', 'user.id': 'u-7' },
  });
  return [root, llmSpan(traceId, root.spanId, 1, t0), toolSpan(traceId, root.spanId, 2, t0), llmSpan(traceId, root.spanId, 3, t0), toolSpan(traceId, root.spanId, 4, t0), llmSpan(traceId, root.spanId, 5, t0)];
}

/** A batch of about `n` spans as model telemetry (whole traces). */
export function traceBatch(n = 100) {
  const spans = [];
  while (spans.length < n) spans.push(...agentTrace());
  return {
    traces: [{
      resource: { attributes: { 'service.name': 'report-agent', 'deployment.environment.name': 'bench', 'telemetry.sdk.language': 'nodejs' } },
      scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans: spans.slice(0, n) }],
    }],
  };
}

/** Gauges and counters like a node exporter's, `series` series with one sample each. */
export function metricBatch(series = 2000, t = BigInt(Date.now()) * 1_000_000n) {
  const metrics = [];
  for (let i = 0; i < series; i += 10) {
    const points = [];
    for (let j = 0; j < 10; j++) points.push({ attributes: { cpu: String(j), mode: 'user', host: `node-${i % 50}` }, timeUnixNano: t, value: (i + j) * 1.5 });
    metrics.push({ name: `node_cpu_seconds_${i}`, unit: 's', data: { type: 'sum', isMonotonic: true, aggregationTemporality: 2, dataPoints: points } });
  }
  return { metrics: [{ resource: { attributes: { 'service.name': 'node', 'service.instance.id': 'host:9100' } }, scopeMetrics: [{ scope: { name: 'bench' }, metrics }] }] };
}

/**
 * `count` remote-write 1.0 bodies of `series` series each, made by the exporter's own encoder,
 * as Prometheus sends them: snappy, and no metadata (Prometheus sends it in requests of its own).
 */
export function remoteWriteBodies(count = 8, series = 2000) {
  const catalog = defaultCatalog();
  const cfg = parseConfig('exporters: { prometheus_remote_write: { endpoint: "http://127.0.0.1:9" } }\nreceivers: { otlp: {} }\nservice: { pipelines: { metrics: { receivers: [otlp], exporters: [prometheus_remote_write] } } }\n', { env: {}, catalog });
  const config = { ...cfg.exporters.get('prometheus_remote_write').config, max_samples_per_send: series, send_metadata: false };
  const def = catalog.exporters.get('prometheus_remote_write');
  return Array.from({ length: count }, () => Buffer.from(def.encode(metricBatch(series), { config })[0].body));
}

export { KeyValueList };
