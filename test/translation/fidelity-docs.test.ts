/**
 * docs/mapping.md's fidelity table and the fidelity counters are one list: on a rich input that
 * exercises every documented conversion, each encoder reports exactly the dropped and coerced
 * fields the table lists for its format (an `<attribute key>` row stands for the attribute keys
 * of the input whose values are not strings), and nothing the table does not list.
 */
import { describe, expect, it } from 'vitest';
import { infrasageExporter } from '../../src/formats/infrasage/exporter.js';
import { allFormats } from '../../src/formats/registry.js';
import type { TranslateCodec } from '../../src/formats/types.js';
import { Canonical, GenAI, newSpan, type Attributes, type Telemetry } from '../../src/model/index.js';
import { HEX_IDS, richTrace, spansOf } from './fixture.js';
import { ANY_ATTRIBUTE, documented, fidelityTable } from './mapping-table.js';

/** The matrix's rich trace plus every fact a vendor has to convert or cannot hold. */
export function richerTrace(): Telemetry {
  const t = richTrace(HEX_IDS);
  const [, llm] = spansOf(t);
  llm!.events = [{ timeUnixNano: llm!.startTimeUnixNano + 1n, name: 'gen_ai.content.chunk', attributes: { index: 1n } }];
  llm!.links = [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), attributes: {} }];
  Object.assign(llm!.attributes, {
    [GenAI.requestTemperature]: 0.3, [GenAI.requestMaxTokens]: 512n, [GenAI.requestStream]: true, [GenAI.requestStopSequences]: ['END'],
    'netra.event_metadata.event_id': 'evt-not-a-uuid',
    'neatlogs.status': 'pending',
  } satisfies Attributes);
  const reranker = newSpan({
    traceId: HEX_IDS.trace, spanId: 'c'.repeat(16), parentSpanId: HEX_IDS.agent, name: 'rerank passages',
    startTimeUnixNano: llm!.startTimeUnixNano, endTimeUnixNano: llm!.endTimeUnixNano,
    attributes: { [Canonical.spanKind]: 'RERANKER', [GenAI.requestModel]: 'rerank-v3', [Canonical.inputValue]: 'which passage?', 'input.mime_type': 'text/plain', [Canonical.outputValue]: 'passage 2', 'output.mime_type': 'text/plain', 'rerank.top_n': 3n },
  });
  t.traces![0]!.scopeSpans[0]!.spans.push(reranker);
  return t;
}

type Counts = { dropped: Map<string, number>; coerced: Map<string, number> };
function collector(): Counts & { fidelity: (kind: 'dropped' | 'coerced', field: string, n: number) => void } {
  const c: Counts = { dropped: new Map(), coerced: new Map() };
  return { ...c, fidelity: (kind, field, n) => c[kind].set(field, (c[kind].get(field) ?? 0) + n) };
}

function nonStringKeys(t: Telemetry): Set<string> {
  const keys = new Set<string>();
  const add = (a: Attributes) => { for (const [k, v] of Object.entries(a)) if (typeof v !== 'string') keys.add(k); };
  for (const rs of t.traces ?? []) {
    add(rs.resource.attributes);
    for (const ss of rs.scopeSpans) for (const s of ss.spans) add(s.attributes);
  }
  for (const rm of t.metrics ?? []) {
    add(rm.resource.attributes);
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) for (const p of m.data.dataPoints) add(p.attributes);
  }
  return keys;
}

const ROWS = fidelityTable();
const codecs = new Map(allFormats().flatMap((f) => (f.translate ? [[f.translate.name, f.translate] as [string, TranslateCodec]] : [])));

function check(format: string, counts: Counts, keys: Set<string>): void {
  for (const kind of ['dropped', 'coerced'] as const) {
    const reported = [...counts[kind].keys()];
    for (const f of reported) expect(documented(ROWS, format, kind, f, keys), `${format} reports ${kind} ${f}: not in docs/mapping.md`).toBe(true);
    for (const r of ROWS.filter((x) => x.format === format && x.kind === kind)) {
      if (r.field === ANY_ATTRIBUTE) expect(reported.some((f) => keys.has(f)), `${format}: ${kind} <attribute key> never reported`).toBe(true);
      else expect(counts[kind].get(r.field), `${format}: docs/mapping.md lists ${kind} ${r.field}, the encoder never reported it`).toBeGreaterThan(0);
    }
  }
}

describe('docs/mapping.md fidelity table = the counters', () => {
  it('the table has rows for every vendor', () => {
    expect(new Set(ROWS.map((r) => r.format))).toEqual(new Set(['netra', 'neatlogs', 'foglamp', 'keywordsai', 'infrasage']));
  });

  it.each(['otlp-json', 'netra', 'neatlogs', 'foglamp', 'keywordsai'])('%s reports exactly what the table lists', (name) => {
    const input = richerTrace();
    const c = collector();
    const refused: string[] = [];
    codecs.get(name)!.encode(input, { fidelity: c.fidelity, refuse: (_p, why) => refused.push(why) });
    expect(refused, 'the rich input is valid everywhere').toEqual([]);
    check(name, c, nonStringKeys(input));
  });

  it('infrasage reports exactly what the table lists (spans and metric points)', () => {
    const input: Telemetry = {
      ...richerTrace(),
      metrics: [{ resource: { attributes: { 'service.name': 'svc', 'host.cores': 8n } }, scopeMetrics: [{ scope: { name: 's' }, metrics: [
        { name: 'queue_depth', data: { type: 'gauge', dataPoints: [{ attributes: { shard: 3n, primary: true }, timeUnixNano: BigInt(Date.now()) * 1_000_000n, value: 4 }] } },
      ] }] }],
    };
    const c = collector();
    infrasageExporter.encode(input, { config: {}, fidelity: c.fidelity, refuse: () => { throw new Error('nothing to refuse'); } });
    check('infrasage', c, nonStringKeys(input));
  });
});
