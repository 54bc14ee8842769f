/**
 * Generated model inputs for the exporter conformance suite: GenAI spans, metric points and log
 * records built with the model's own builders, seeded so that a failure can be replayed. Values
 * cover what encoders must not trip over or change: ints as bigints, doubles, bools, arrays,
 * kvlists, bytes, events and links.
 */
import {
  KeyValueList, SpanKind, StatusCode, Temporality, nanoFromMillis, newSpan, tracesOf,
  type Attributes, type LogRecord, type Metric, type Signal, type Span, type Telemetry,
} from '../../src/model/index.js';

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (rnd: Rng, chars: number): string => {
  let s = '';
  while (s.length < chars) s += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, chars);
};

const words = ['alpha', 'beta', 'gamma', 'delta', 'kappa', 'omega', 'sigma', 'theta'];
const text = (rnd: Rng, bytes: number): string => {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = words[Math.floor(rnd() * words.length)]!;
    parts.push(w);
    n += w.length + 1;
  }
  return parts.join(' ');
};

export interface SpanOptions {
  /** Characters of prompt and completion text per LLM span. */
  contentBytes?: number;
  /** Workflow names, assigned round-robin (Neatlogs groups requests by them). */
  workflows?: string[];
  /** Every n-th span is a tool span and every (n+1)-th a plain HTTP span (not LLM operations). */
  nonLlmEvery?: number;
  /** Spans per trace (Foglamp counts traces). */
  spansPerTrace?: number;
}

/** `n` spans, mostly LLM chat calls with GenAI attributes, under two resources. */
export function genaiSpans(n: number, rnd: Rng, o: SpanOptions = {}): Telemetry {
  const perTrace = o.spansPerTrace ?? 1;
  const workflows = o.workflows ?? ['checkout-assistant'];
  const spans: Span[][] = [[], []];
  let traceId = hex(rnd, 32);
  for (let i = 0; i < n; i++) {
    if (i % perTrace === 0) traceId = hex(rnd, 32);
    const start = 1_722_384_000_000 + i * 10;
    const workflow = workflows[i % workflows.length]!;
    const kind = o.nonLlmEvery && i % o.nonLlmEvery === o.nonLlmEvery - 1 ? 'tool' : o.nonLlmEvery && i % o.nonLlmEvery === o.nonLlmEvery - 2 ? 'http' : 'llm';
    const attributes: Attributes =
      kind === 'llm'
        ? {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
            'gen_ai.provider.name': 'openai',
            'gen_ai.usage.input_tokens': BigInt(100 + Math.floor(rnd() * 900)),
            'gen_ai.usage.output_tokens': BigInt(10 + Math.floor(rnd() * 90)),
            'gen_ai.request.temperature': 0.25,
            'gen_ai.request.stop_sequences': ['\n\n', 'END'],
            'gen_ai.response.finish_reasons': ['stop'],
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text(rnd, o.contentBytes ?? 40) }] }]),
            'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text(rnd, o.contentBytes ?? 40) }], finish_reason: 'stop' }]),
            'gen_ai.workflow.name': workflow,
            'gen_ai.conversation.id': `conv-${i % 7}`,
            'app.flags': new KeyValueList({ beta: true, tier: 'gold', weight: 0.5, retries: 2n }),
            'app.blob': new Uint8Array([1, 2, 3, i & 0xff]),
          }
        : kind === 'tool'
          ? { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.workflow.name': workflow, 'tool.ok': true }
          : { 'http.request.method': 'GET', 'http.route': '/orders/{id}', 'http.response.status_code': 200n, 'gen_ai.workflow.name': workflow };
    const span = newSpan({
      traceId,
      spanId: hex(rnd, 16),
      name: kind === 'llm' ? 'chat gpt-4o' : kind === 'tool' ? 'execute_tool lookup_order' : 'GET /orders/{id}',
      kind: kind === 'http' ? SpanKind.SERVER : SpanKind.CLIENT,
      startTimeUnixNano: nanoFromMillis(start),
      endTimeUnixNano: nanoFromMillis(start + 1 + Math.floor(rnd() * 2000)),
      attributes,
      events: [{ timeUnixNano: nanoFromMillis(start + 1), name: 'gen_ai.content.prompt', attributes: { 'event.seq': BigInt(i) } }],
      links: i > 0 ? [{ traceId: hex(rnd, 32), spanId: hex(rnd, 16), attributes: { 'link.why': 'follows' } }] : [],
      status: i % 11 === 10 ? { code: StatusCode.ERROR, message: 'upstream timeout' } : { code: StatusCode.OK },
    });
    spans[i % 2]!.push(span);
  }
  const a = tracesOf(spans[0]!, { 'service.name': 'checkout', 'deployment.environment.name': 'test' }, { name: 'conformance', version: '1.0.0' });
  const b = tracesOf(spans[1]!, { 'service.name': 'support', 'host.cores': 8n }, { name: 'conformance' });
  return { traces: [...(a.traces ?? []), ...(b.traces ?? [])] };
}

/** `n` gauge and sum points (one sample or record each), spread over a few metrics. */
export function numberPoints(n: number, rnd: Rng): Telemetry {
  const gauge: Metric = { name: 'gen_ai.server.queue_depth', unit: '{request}', description: 'queued requests', data: { type: 'gauge', dataPoints: [] } };
  const sum: Metric = {
    name: 'gen_ai.client.token.usage', unit: '{token}', description: 'tokens used',
    data: { type: 'sum', dataPoints: [], aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true },
  };
  for (let i = 0; i < n; i++) {
    const t = nanoFromMillis(1_722_384_000_000 + i * 1000);
    // Distinct label sets, so that no two points collapse into one series sample.
    const attributes: Attributes = { 'gen_ai.request.model': i % 2 ? 'gpt-4o' : 'claude-sonnet-4', shard: BigInt(i) };
    if (i % 2) (gauge.data as { dataPoints: unknown[] }).dataPoints.push({ attributes, timeUnixNano: t, value: Math.round(rnd() * 1000) / 10 });
    else (sum.data as { dataPoints: unknown[] }).dataPoints.push({ attributes, startTimeUnixNano: nanoFromMillis(1_722_383_000_000), timeUnixNano: t, value: BigInt(Math.floor(rnd() * 5000)) });
  }
  const metrics = [gauge, sum].filter((m) => m.data.dataPoints.length > 0);
  return { metrics: [{ resource: { attributes: { 'service.name': 'checkout' } }, scopeMetrics: [{ scope: { name: 'conformance' }, metrics }] }] };
}

/** `n` log records with text bodies, severities and trace context. */
export function logRecords(n: number, rnd: Rng): Telemetry {
  const logRecords: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    logRecords.push({
      timeUnixNano: nanoFromMillis(1_722_384_000_000 + i),
      severityNumber: i % 3 ? 9 : 17,
      severityText: i % 3 ? 'INFO' : 'ERROR',
      body: `order ${i} ${text(rnd, 30)}`,
      attributes: { 'gen_ai.request.model': 'gpt-4o', attempt: BigInt(i % 4), ratio: 0.75, tags: ['a', 'b'] },
      traceId: hex(rnd, 32),
      spanId: hex(rnd, 16),
    });
  }
  return { logs: [{ resource: { attributes: { 'service.name': 'checkout' } }, scopeLogs: [{ scope: { name: 'conformance' }, logRecords }] }] };
}

/** Items of one signal, built by the generator for that signal. */
export function itemsOf(signal: Signal, n: number, rnd: Rng, spans: SpanOptions = {}): Telemetry {
  if (signal === 'traces') return genaiSpans(n, rnd, spans);
  if (signal === 'metrics') return numberPoints(n, rnd);
  return logRecords(n, rnd);
}

/**
 * Freezes every object and array reachable from `v`, so that any write by an encoder throws (the
 * test modules are ES modules, hence strict mode). Typed arrays with elements cannot be frozen
 * (the engine refuses), so bytes are covered by the before/after comparison instead.
 */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Object.isFrozen(v)) return v;
  for (const k of Reflect.ownKeys(v as object)) deepFreeze((v as Record<PropertyKey, unknown>)[k]);
  return Object.freeze(v);
}

/**
 * `n` distribution points: explicit-bucket histograms, summaries and exponential histograms
 * (delta and cumulative), the shapes that targets without them must skip or spread over series.
 */
export function distributionPoints(n: number, rnd: Rng): Telemetry {
  const t = (i: number) => nanoFromMillis(1_722_384_000_000 + i * 1000);
  const hist: Metric = { name: 'gen_ai.client.operation.duration', unit: 's', data: { type: 'histogram', aggregationTemporality: Temporality.CUMULATIVE, dataPoints: [] } };
  const summary: Metric = { name: 'rpc.latency', unit: 'ms', data: { type: 'summary', dataPoints: [] } };
  const expo: Metric = { name: 'gen_ai.server.time_per_output_token', unit: 's', data: { type: 'exponentialHistogram', aggregationTemporality: Temporality.DELTA, dataPoints: [] } };
  for (let i = 0; i < n; i++) {
    const attributes: Attributes = { shard: BigInt(i) };
    const a = Math.floor(rnd() * 5);
    const b = Math.floor(rnd() * 5);
    if (i % 3 === 0) (hist.data as { dataPoints: unknown[] }).dataPoints.push({ attributes, startTimeUnixNano: t(-1), timeUnixNano: t(i), count: a + b + 1, sum: 2.5, bucketCounts: [a, b, 1], explicitBounds: [0.1, 1] });
    else if (i % 3 === 1) (summary.data as { dataPoints: unknown[] }).dataPoints.push({ attributes, timeUnixNano: t(i), count: 4, sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 0.99, value: 4 }] });
    else (expo.data as { dataPoints: unknown[] }).dataPoints.push({ attributes, timeUnixNano: t(i), count: a + 1, sum: 1.5, scale: 2, zeroCount: 1, positive: { offset: 0, bucketCounts: [a] } });
  }
  const metrics = [hist, summary, expo].filter((m) => m.data.dataPoints.length > 0);
  return { metrics: [{ resource: { attributes: { 'service.name': 'checkout' } }, scopeMetrics: [{ scope: { name: 'conformance' }, metrics }] }] };
}
