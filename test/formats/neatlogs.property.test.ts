import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeNeatlogsBatch, encodeNeatlogs, neatlogsExporter, neatlogsOptions } from '../../src/formats/neatlogs/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { baseConfig, dropNulls } from './netra.helpers.js';
import { neatlogsBatchProblem } from '../standins/neatlogs.js';

const RESERVED = new Set(['status', 'error_message', 'error_type', 'trace_id', 'openinference.span.kind']);
const attrKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !RESERVED.has(k) && !k.startsWith('gen_ai.') && !k.startsWith('neatlogs.') && !k.startsWith('input.') && !k.startsWith('output.') && k !== '__proto__');

// `strict`: only what the document allows (listed kinds and statuses, object content, a name);
// otherwise also what Neatlogs' own clients may send and the receiver takes (lax).
const span = (i: number, strict: boolean) =>
  fc.record({
    span_id: fc.constant(`span-${i}`),
    parent_span_id: i === 0 ? fc.constant(undefined) : fc.constantFrom(`span-${i - 1}`, 'span-0', 'outside'),
    name: strict ? fc.string({ minLength: 1, maxLength: 20 }).filter((n) => n.trim() !== '') : fc.string({ maxLength: 20 }),
    start_time: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    end_time: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    attributes: fc.record({
      'openinference.span.kind': strict ? fc.constantFrom(...STRICT_KINDS) : fc.constantFrom(...STRICT_KINDS, 'llm', 'Custom', 'RERANKER', 'UNKNOWN'),
      status: strict ? fc.constantFrom('success', 'error') : fc.constantFrom('success', 'error', 'pending'),
      error_message: fc.string({ maxLength: 20 }),
      error_type: fc.string({ maxLength: 10 }),
      custom: fc.dictionary(attrKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    }, { requiredKeys: ['openinference.span.kind', 'custom'] }).map(({ custom, ...rest }) => ({ ...custom, ...rest })),
    input: fc.oneof(content(strict), fc.record({ messages: fc.array(fc.record({ role: fc.constantFrom('user', 'system'), content: fc.string() }), { maxLength: 3 }) })),
    output: content(strict),
  }, { requiredKeys: ['span_id', 'name', 'start_time', 'end_time', 'attributes'] });

const STRICT_KINDS = ['LLM', 'TOOL', 'AGENT', 'WORKFLOW', 'CHAIN', 'RETRIEVER', 'EMBEDDING'] as const;
const content = (strict: boolean) => (strict ? fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })) : fc.jsonValue({ maxDepth: 3 }));

const batchOf = (strict: boolean) => fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    workflow_name: fc.string({ minLength: 1, maxLength: 20 }),
    spans: fc.tuple(...Array.from({ length: n }, (_, i) => span(i, strict))),
    metrics: fc.array(fc.record({ name: fc.constantFrom('latency', 'score', 'steps'), value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), unit: fc.constantFrom('ms', 'count') }, { requiredKeys: ['name', 'value'] }), { maxLength: 3 }),
  }, { requiredKeys: ['workflow_name', 'spans'] }),
);
const batch = batchOf(true);
const laxBatch = batchOf(false);

describe('neatlogs property tests', () => {
  it('decode → encode is the identity on valid batches (null and absent alike)', () => {
    fc.assert(
      fc.property(batch, (b) => {
        const input = JSON.parse(JSON.stringify(b));
        const r = decodeNeatlogsBatch(Buffer.from(JSON.stringify(input)));
        const out = encodeWith(neatlogsExporter, r.telemetry, baseConfig);
        expect(out).toHaveLength(1);
        const body = JSON.parse(out[0]!.body as string);
        if (Array.isArray(input.metrics) && input.metrics.length === 0) delete input.metrics;
        expect(dropNulls(body)).toEqual(dropNulls(input));
      }),
      { numRuns: 300 },
    );
  });

  it('whatever the receiver takes, the exporter sends only what the strict stand-in accepts, refusing only nameless spans, and it decodes back to the same model', () => {
    fc.assert(
      fc.property(laxBatch, (b) => {
        const input = JSON.parse(JSON.stringify(b));
        const model = decodeNeatlogsBatch(Buffer.from(JSON.stringify(input))).telemetry;
        const refused: string[] = [];
        const dropped: Record<string, number> = {};
        const out = encodeNeatlogs(model, {
          config: neatlogsOptions(baseConfig),
          refuse: (_p: unknown, why: string) => refused.push(why),
          fidelity: (kind: string, field: string, n: number) => { if (kind === 'dropped') dropped[field] = (dropped[field] ?? 0) + n; },
        });
        const nameless = input.spans.filter((s: { name: string }) => s.name.trim() === '').length;
        expect(refused).toHaveLength(nameless);
        if (nameless === input.spans.length) {
          expect(out).toHaveLength(0);
          return;
        }
        expect(out).toHaveLength(1);
        const body = JSON.parse(out[0]!.body as string);
        expect(neatlogsBatchProblem(body)).toBeUndefined();
        const again = decodeNeatlogsBatch(Buffer.from(out[0]!.body as string)).telemetry;
        // A status outside success|error has no place at Neatlogs: dropped, and counted.
        const unlisted = input.spans.filter((s: any) => s.name.trim() !== '' && s.attributes.status === 'pending').length;
        expect(dropped['neatlogs.status'] ?? 0).toBe(unlisted);
        const named = (t: typeof model) => t.traces![0]!.scopeSpans[0]!.spans.filter((s) => s.name.trim() !== '').map((s) => {
          const { ['neatlogs.status']: _dropped, ...attributes } = s.attributes;
          return { ...s, traceId: '', attributes };
        });
        expect(named(again)).toEqual(named(model));
      }),
      { numRuns: 300 },
    );
  });

  it('decoding arbitrary JSON never crashes: accepted or refused with an InputError naming a field', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), batch.map((b) => ({ ...b, spans: [...b.spans, { name: 1 }] }))), (v) => {
        try {
          decodeNeatlogsBatch(Buffer.from(JSON.stringify(v)));
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).status).toBe(400);
        }
      }),
      { numRuns: 300 },
    );
  });
});
