import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeNeatlogsBatch, neatlogsExporter } from '../../src/formats/neatlogs/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { baseConfig, dropNulls } from './netra.helpers.js';

const RESERVED = new Set(['status', 'error_message', 'error_type', 'trace_id', 'openinference.span.kind']);
const attrKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !RESERVED.has(k) && !k.startsWith('gen_ai.') && !k.startsWith('neatlogs.') && !k.startsWith('input.') && !k.startsWith('output.') && k !== '__proto__');

const span = (i: number) =>
  fc.record({
    span_id: fc.constant(`span-${i}`),
    parent_span_id: i === 0 ? fc.constant(undefined) : fc.constantFrom(`span-${i - 1}`, 'span-0', 'outside'),
    name: fc.string({ maxLength: 20 }),
    start_time: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    end_time: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    attributes: fc.record({
      'openinference.span.kind': fc.constantFrom('LLM', 'TOOL', 'AGENT', 'WORKFLOW', 'CHAIN', 'RETRIEVER', 'EMBEDDING', 'llm', 'Custom'),
      status: fc.constantFrom('success', 'error', 'pending'),
      error_message: fc.string({ maxLength: 20 }),
      error_type: fc.string({ maxLength: 10 }),
      custom: fc.dictionary(attrKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    }, { requiredKeys: ['openinference.span.kind', 'custom'] }).map(({ custom, ...rest }) => ({ ...custom, ...rest })),
    input: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ messages: fc.array(fc.record({ role: fc.constantFrom('user', 'system'), content: fc.string() }), { maxLength: 3 }) })),
    output: fc.jsonValue({ maxDepth: 3 }),
  }, { requiredKeys: ['span_id', 'name', 'start_time', 'end_time', 'attributes'] });

const batch = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    workflow_name: fc.string({ minLength: 1, maxLength: 20 }),
    spans: fc.tuple(...Array.from({ length: n }, (_, i) => span(i))),
    metrics: fc.array(fc.record({ name: fc.constantFrom('latency', 'score', 'steps'), value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), unit: fc.constantFrom('ms', 'count') }, { requiredKeys: ['name', 'value'] }), { maxLength: 3 }),
  }, { requiredKeys: ['workflow_name', 'spans'] }),
);

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
