import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findFormat } from '../../src/formats/registry.js';
import {
  cloneTelemetry, nanoFromMillis, newSpan, tracesOf, SpanKind, type Attributes, type Telemetry,
} from '../../src/model/index.js';
import { defaultCatalog, type ComponentCatalog } from '../../src/pipeline/components.js';
import type { ProcessorDefinition } from '../../src/pipeline/processor-types.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, freePort, startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * One receiver feeding two or three pipelines: each pipeline's exporter gets exactly what its own
 * processors make of the request, never what another pipeline's processors did (the Collector's
 * fan-out clone rule). Checked for every processor type of the catalog in every position, with
 * and without processors in the other pipelines, over real sockets: OTLP/HTTP JSON in, otlp_http
 * JSON out to a capture server, full span and resource attribute sets compared.
 */

const otlp = findFormat('otlp')!.translate!;

/** A config per processor type that changes the test request visibly (batch and memory_limiter change nothing). */
const VISIBLE_CONFIG: Record<string, Record<string, unknown>> = {
  genai_normalize: {},
  genai_cost: {},
  redaction: {},
  attributes: { actions: [{ key: 'inserted.by', action: 'insert', value: 'attributes' }, { key: 'app.tier', action: 'update', value: 'platinum' }] },
  resource: { attributes: [{ key: 'resource.touched', action: 'upsert', value: 'yes' }, { key: 'host.name', action: 'delete' }] },
  filter: { traces: { span: ['name == "drop-me"'] } },
  memory_limiter: { limit_mib: 65_536 },
  batch: { send_batch_size: 100, timeout: '20ms' },
};
const UNCHANGING = new Set(['batch', 'memory_limiter']);

/** Processors for "the other pipelines": two more that each insert their own mark. */
const OTHERS: Record<string, { type: string; config: Record<string, unknown> }> = {
  'attributes/other-a': { type: 'attributes', config: { actions: [{ key: 'other.a', action: 'upsert', value: 'a' }, { key: 'app.tier', action: 'update', value: 'bronze' }] } },
  'resource/other-b': { type: 'resource', config: { attributes: [{ key: 'other.b', action: 'upsert', value: 'b' }] } },
};

/** What every processor has something to do with: an OpenInference LLM span, PII, a span to filter. */
function request(): Telemetry {
  const span = (spanId: string, name: string, attributes: Attributes) =>
    newSpan({ traceId: '5b8efff798038103d269b633813fc60c', spanId, name, kind: SpanKind.CLIENT, startTimeUnixNano: nanoFromMillis(1_722_384_000_000), endTimeUnixNano: nanoFromMillis(1_722_384_001_250), attributes });
  return tracesOf(
    [
      span('eee19b7ec3c1b174', 'chat gpt-4o', {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.token_count.prompt': 10_000n,
        'llm.token_count.completion': 1_000n,
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 10_000n,
        'gen_ai.usage.output_tokens': 1_000n,
        'app.note': 'call ada@example.com back',
        'app.tier': 'gold',
      }),
      span('eee19b7ec3c1b175', 'drop-me', { 'app.tier': 'silver', 'app.contact': 'bob@example.org' }),
    ],
    { 'service.name': 'checkout', 'host.name': 'web-1' },
    { name: 'fanout-test' },
  );
}

/** What an exporter saw, as a comparable value: per span, its name and full attribute sets. */
function view(t: Telemetry) {
  const spans: { spanId: string; name: string; attributes: Attributes; resource: Attributes }[] = [];
  for (const r of t.traces ?? []) for (const ss of r.scopeSpans) for (const s of ss.spans) spans.push({ spanId: s.spanId, name: s.name, attributes: s.attributes, resource: r.resource.attributes });
  return spans.sort((a, b) => a.spanId.localeCompare(b.spanId));
}

interface ProcessorUse {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

/** What a pipeline with these processors alone makes of the request: the processors run in-process on their own copy. */
function expectedOutput(catalog: ComponentCatalog, processors: ProcessorUse[]): ReturnType<typeof view> {
  let data = cloneTelemetry(otlp.decode(Buffer.from(otlp.encode(request()))));
  for (const p of processors) {
    const def = catalog.processors.get(p.type)!;
    const processor = def.create(def.configSchema.parse(p.config), { id: p.id, count: () => {} });
    data = processor.process(data, 'traces');
    void processor.shutdown?.();
  }
  return view(data);
}

type Layout = { name: string; pipelines: ('P' | 'none' | keyof typeof OTHERS)[] };
const LAYOUTS: Layout[] = [
  { name: '2: P first', pipelines: ['P', 'none'] },
  { name: '2: P last', pipelines: ['none', 'P'] },
  { name: '3: P first', pipelines: ['P', 'none', 'none'] },
  { name: '3: P middle', pipelines: ['none', 'P', 'none'] },
  { name: '3: P last', pipelines: ['none', 'none', 'P'] },
  { name: '3: P first, others with processors', pipelines: ['P', 'attributes/other-a', 'resource/other-b'] },
  { name: '3: P middle, others with processors', pipelines: ['attributes/other-a', 'P', 'resource/other-b'] },
  { name: '3: P last, others with processors', pipelines: ['attributes/other-a', 'resource/other-b', 'P'] },
];

let h: Harness | undefined;
let cap: CaptureServer | undefined;
afterEach(async () => {
  await h?.close();
  await cap?.close();
  h = cap = undefined;
});

/** Builds one service holding every layout: one receiver per layout, one capture route per pipeline. */
async function startLayouts(layouts: { name: string; pipelines: ProcessorUse[][] }[], catalog: ComponentCatalog, exporterExtra: Record<string, unknown> = {}) {
  cap = await startCaptureServer();
  const receivers: Record<string, unknown> = {};
  const processors: Record<string, unknown> = {};
  const exporters: Record<string, unknown> = {};
  const pipelines: Record<string, unknown> = {};
  for (const [li, layout] of layouts.entries()) {
    receivers[`otlp/l${li}`] = { endpoint: `127.0.0.1:${await freePort()}` };
    layout.pipelines.forEach((procs, pi) => {
      for (const p of procs) processors[p.id] = p.config;
      exporters[`otlp_http/l${li}p${pi}`] = {
        endpoint: `${cap!.url}/l${li}p${pi}`,
        encoding: 'json',
        compression: 'none',
        sending_queue: { num_consumers: 1 },
        retry_on_failure: { enabled: false },
        ...exporterExtra,
      };
      pipelines[`traces/l${li}p${pi}`] = { receivers: [`otlp/l${li}`], processors: procs.map((p) => p.id), exporters: [`otlp_http/l${li}p${pi}`] };
    });
  }
  const yaml = JSON.stringify({ receivers, processors, exporters, service: { telemetry: { endpoint: '127.0.0.1:0' }, pipelines } });
  h = await startSwitchyard(yaml, { catalog });
  return h;
}

/** Spans the capture server got for one pipeline, decoded by the OTLP codec. */
function received(route: string): ReturnType<typeof view> {
  const spans = cap!.requests.filter((r) => r.path.startsWith(`/${route}/`)).flatMap((r) => view(otlp.decode(r.body)));
  return spans.sort((a, b) => a.spanId.localeCompare(b.spanId));
}

const post = (harness: Harness, receiver: string, data: Telemetry) =>
  fetch(`${harness.service.receiverUrl(receiver)}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlp.encode(data) });

describe('fan-out: one receiver, several pipelines, each sees only its own processors', () => {
  const catalog = defaultCatalog();
  const types = [...catalog.processors.keys()].sort();

  it('the catalog has processors and every one has a test config', () => {
    expect(types.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(VISIBLE_CONFIG).sort()).toEqual(types);
  });

  it.each(types.filter((t) => !UNCHANGING.has(t)))('the %s config changes the request visibly', (type) => {
    const before = expectedOutput(catalog, []);
    expect(expectedOutput(catalog, [{ id: `${type}/p`, type, config: VISIBLE_CONFIG[type]! }])).not.toStrictEqual(before);
  });

  it.each(types)('%s in every pipeline position', async (type) => {
    const P: ProcessorUse = { id: `${type}/under-test`, type, config: VISIBLE_CONFIG[type]! };
    const layouts = LAYOUTS.map((l) => ({
      name: l.name,
      pipelines: l.pipelines.map((slot): ProcessorUse[] => (slot === 'P' ? [P] : slot === 'none' ? [] : [{ id: slot, ...OTHERS[slot]! }])),
    }));
    const harness = await startLayouts(layouts, catalog);
    for (const li of layouts.keys()) expect((await post(harness, `otlp/l${li}`, request())).status).toBe(200);
    for (const [li, layout] of layouts.entries()) {
      for (const [pi, procs] of layout.pipelines.entries()) {
        const want = expectedOutput(catalog, procs);
        const route = `l${li}p${pi}`;
        await eventually(() => received(route).length >= want.length, 15_000, `${layout.name}, pipeline ${pi}: ${want.length} spans`);
        expect(received(route), `${type} — ${layout.name}, pipeline ${pi} [${procs.map((p) => p.id).join(', ') || 'no processors'}]`).toStrictEqual(want);
      }
    }
  });
});

/** A processor that throws on a span named "boom": an unexpected failure in one pipeline. */
const explodeProcessor: ProcessorDefinition = {
  type: 'explode',
  mutatesData: false,
  signals: ['traces'],
  configSchema: z.strictObject({}),
  create: () => ({
    process(data) {
      for (const r of data.traces ?? []) for (const ss of r.scopeSpans) for (const s of ss.spans) if (s.name === 'boom') throw new Error('processor failed on purpose');
      return data;
    },
  }),
};

describe('a processor that throws in one pipeline', () => {
  const catalog = defaultCatalog();
  catalog.processors.set('explode', explodeProcessor);
  const explode: ProcessorUse = { id: 'explode', type: 'explode', config: {} };
  const insert: ProcessorUse = { id: 'attributes/mark', type: 'attributes', config: { actions: [{ key: 'mark', action: 'insert', value: 'x' }] } };
  const layouts = [
    { name: 'throwing pipeline first', pipelines: [[explode], [], [insert]] },
    { name: 'throwing pipeline in the middle', pipelines: [[], [insert, explode], []] },
    { name: 'throwing pipeline last', pipelines: [[insert], [], [explode]] },
  ];

  it('leaves nothing queued in any pipeline: the receiver gets an error, a later marker arrives alone', async () => {
    const harness = await startLayouts(layouts, catalog);
    const boom = tracesOf([newSpan({ traceId: '5b8efff798038103d269b633813fc60d', spanId: 'b000000000000001', name: 'boom', startTimeUnixNano: nanoFromMillis(1), endTimeUnixNano: nanoFromMillis(2) })]);
    const marker = tracesOf([newSpan({ traceId: '5b8efff798038103d269b633813fc60d', spanId: 'a000000000000001', name: 'marker', startTimeUnixNano: nanoFromMillis(3), endTimeUnixNano: nanoFromMillis(4) })]);
    for (const li of layouts.keys()) {
      const res = await post(harness, `otlp/l${li}`, boom);
      expect(res.status, layouts[li]!.name).toBeGreaterThanOrEqual(400);
      expect((await post(harness, `otlp/l${li}`, marker)).status).toBe(200);
    }
    for (const [li, layout] of layouts.entries()) {
      for (const pi of layout.pipelines.keys()) {
        // One consumer per exporter: had "boom" been queued, it would arrive before the marker.
        await eventually(() => received(`l${li}p${pi}`).some((s) => s.name === 'marker'), 15_000, `${layout.name}: marker in pipeline ${pi}`);
        expect(received(`l${li}p${pi}`).map((s) => s.name), `${layout.name}, pipeline ${pi}`).toEqual(['marker']);
      }
    }
  });
});
