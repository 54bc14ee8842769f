import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeNetraNdjson, netraExporter } from '../../src/formats/netra/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import { baseConfig, dropNulls, gunzipLines } from './netra.helpers.js';

const text = fc.string({ minLength: 1, maxLength: 20 });
const count = fc.integer({ min: 0, max: 2_000_000 });
const message = fc.record({ role: fc.constantFrom('user', 'system', 'assistant'), content: fc.string({ maxLength: 40 }) });

const event = fc.record({
  event_metadata: fc.record({ event_id: fc.uuid(), timestamp_utc: fc.integer({ min: 0, max: 4_000_000_000_000 }), log_schema_version: fc.constant('3.0.0') }, { requiredKeys: ['event_id', 'timestamp_utc'] }),
  trace_context: fc.record({ trace_id: text, span_id: text, parent_span_id: text, span_name: text, span_kind: fc.constantFrom('llm', 'tool', 'agent', 'workflow', 'embedding', 'LLM', 'chat-step') }),
  identity_context: fc.record({ user_id: text, organization_id: text, api_key_hash: text }, { requiredKeys: [] }),
  application_context: fc.record({ app_name: text, service_name: text, environment: text }, { requiredKeys: [] }),
  request: fc.record({
    // Netra's request.model identifies the model: a name is required (an event without one is refused).
    model: fc.record({ provider: text, family: text, name: text }, { requiredKeys: ['name'] }),
    prompt: fc.record({ messages: fc.array(message, { maxLength: 4 }) }),
    generation_config: fc.record({ temperature: fc.double({ min: 0, max: 2, noNaN: true }), max_tokens_to_sample: count, top_p: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [] }),
  }, { requiredKeys: ['model', 'prompt'] }),
  response: fc.record({
    completion: fc.record({
      choices: fc.array(fc.record({ finish_reason: fc.constantFrom('stop', 'length'), message: fc.record({ role: fc.constant('assistant'), content: fc.string({ maxLength: 40 }) }) }), { maxLength: 3 })
        .map((cs) => cs.map((c, index) => ({ index, ...c }))),
    }),
    usage: fc.record({ prompt_tokens: count, completion_tokens: count, total_tokens: count, prompt_tokens_details: fc.record({ cached_tokens: count }), completion_tokens_details: fc.record({ reasoning_tokens: count }) }, { requiredKeys: [] }),
  }),
  performance: fc.record({ latency_ms: fc.record({ total_e2e: fc.integer({ min: 1, max: 600_000 }), time_to_first_token: fc.integer({ min: 0, max: 60_000 }) }, { requiredKeys: [] }) }),
  finops: fc.record({ cost: fc.record({ total_cost_usd: fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true }) }) }, { requiredKeys: [] }),
  governance: fc.record({ security: fc.record({ pii_redacted: fc.boolean() }) }, { requiredKeys: [] }),
  custom: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.jsonValue({ maxDepth: 2 })),
}, { requiredKeys: ['event_metadata', 'trace_context', 'request', 'response'] });

const REQUIRED = new Set(['request.model', 'request.prompt', 'response.usage', 'response.completion']);
/** Empty optional objects carry nothing and are not re-emitted (documented); nulls likewise. */
function normalize(v: unknown, path = ''): unknown {
  const d = dropNulls(v);
  if (Array.isArray(d)) return d.map((x) => normalize(x, path + '[]'));
  if (d !== null && typeof d === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(d)) {
      const p = path ? `${path}.${k}` : k;
      const n = normalize(x, p);
      if (n !== null && typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0 && !REQUIRED.has(p)) continue;
      out[k] = n;
    }
    return out;
  }
  return d;
}

describe('netra property tests', () => {
  it('decode → encode is the identity on well-formed events (span_policy all)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(event, { minLength: 1, maxLength: 5, selector: (e) => e.event_metadata.event_id }), (events) => {
        const input = events.map((e) => JSON.parse(JSON.stringify(e)));
        const body = input.map((e) => JSON.stringify(e)).join('\n');
        const r = decodeNetraNdjson(Buffer.from(body));
        expect(r.rejected).toEqual([]);
        const out = encodeWith(netraExporter, r.telemetry, { ...baseConfig, span_policy: 'all' }).flatMap(gunzipLines);
        const byId = new Map(out.map((e) => [(e.event_metadata as any).event_id, e]));
        for (const e of input) expect(normalize(byId.get(e.event_metadata.event_id))).toEqual(normalize(e));
        expect(out).toHaveLength(input.length);
      }),
      { numRuns: 200 },
    );
  });

  it('decoding arbitrary lines never crashes: events are accepted or rejected with an InputError', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), event.map((e) => JSON.stringify(e))), { minLength: 1, maxLength: 6 }), (lines) => {
        try {
          const r = decodeNetraNdjson(Buffer.from(lines.join('\n')));
          expect(r.accepted + r.rejected.length).toBeGreaterThan(0);
          for (const rej of r.rejected) expect(typeof rej.field).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
