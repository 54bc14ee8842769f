import { describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import { Canonical, GenAI, flattenSpans, newSpan, tracesOf, type Span } from '../../src/model/index.js';
import { errorOf } from '../helpers/input-error.js';
import { decodeFoglampBody, decodeFoglampDocument, encodeFoglamp, foglamp, foglampOptions } from '../../src/formats/foglamp/index.js';
import { FOGLAMP_DOC_EXAMPLE } from './foglamp.fixture.js';

function spans(traces: number, perTrace = 1): Span[] {
  const out: Span[] = [];
  for (let t = 0; t < traces; t++) {
    for (let s = 0; s < perTrace; s++) {
      out.push(newSpan({ traceId: `trace-${t}`, spanId: `span-${t}-${s}`, name: 'op', startTimeUnixNano: 1_000_000n, endTimeUnixNano: 2_000_000n }));
    }
  }
  return out;
}

describe('foglamp exporter limits', () => {
  it('splits 2,500 traces into 3 requests of at most 1,000 and drops nothing', () => {
    const reqs = encodeWith(foglamp.exporter!, tracesOf(spans(2500, 2)), { timeout_ms: 1000 });
    expect(reqs).toHaveLength(3);
    const bodies = reqs.map((r) => JSON.parse(r.body as string) as { version: string; traces: { traceId: string; spans: unknown[] }[] });
    expect(bodies.map((b) => b.traces.length)).toEqual([1000, 1000, 500]);
    expect(reqs.map((r) => r.items)).toEqual([2000, 2000, 1000]);
    expect(bodies.every((b) => b.version === 'v1')).toBe(true);
    const ids = bodies.flatMap((b) => b.traces.map((t) => t.traceId));
    expect(new Set(ids).size).toBe(2500);
  });

  it('groups spans by traceId even when they arrive interleaved', () => {
    const s = spans(3, 2);
    const interleaved = [s[0]!, s[2]!, s[4]!, s[1]!, s[3]!, s[5]!];
    const body = encodeFoglamp(tracesOf(interleaved))[0]!.body;
    expect(body.traces.map((t) => [t.traceId, (t.spans as { spanId: string }[]).map((x) => x.spanId)])).toEqual([
      ['trace-0', ['span-0-0', 'span-0-1']],
      ['trace-1', ['span-1-0', 'span-1-1']],
      ['trace-2', ['span-2-0', 'span-2-1']],
    ]);
  });

  it('honours max_traces_per_request', () => {
    const reqs = encodeWith(foglamp.exporter!, tracesOf(spans(25)), { timeout_ms: 1000, max_traces_per_request: 10 });
    expect(reqs.map((r) => JSON.parse(r.body as string).traces.length)).toEqual([10, 10, 5]);
  });

  it('sends nothing for an empty batch', () => {
    expect(encodeWith(foglamp.exporter!, { traces: [] }, { timeout_ms: 1000 })).toEqual([]);
  });

  it('truncates oversized input/output to max_content_bytes with a visible marker and the truncated flag', () => {
    const big = 'é'.repeat(50_000);
    const span = newSpan({
      traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
      attributes: { [Canonical.inputValue]: big, [Canonical.outputValue]: 'short' },
    });
    const notes: string[] = [];
    const reqs = encodeWith(foglamp.exporter!, tracesOf([span]), { timeout_ms: 1000, max_content_bytes: 1000 }, (e, n) => notes.push(`${e}:${n}`));
    const out = JSON.parse(reqs[0]!.body as string).traces[0].spans[0];
    expect(Buffer.byteLength(out.input, 'utf8')).toBeLessThanOrEqual(1000);
    expect(out.input).toMatch(/truncated by switchyard/);
    expect(out.input.startsWith('éé')).toBe(true);
    expect(out.input).not.toContain('\uFFFD');
    expect(out.output).toBe('short');
    // On the wire as text (Foglamp metadata values are strings); decoded back as true.
    expect(out.metadata[Canonical.contentTruncated]).toBe('true');
    expect(notes).toEqual(['truncated:1']);
    // The model given to the exporter is not changed.
    expect(span.attributes[Canonical.inputValue]).toBe(big);
    // Decoded again, the flag is a span attribute.
    const back = flattenSpans(decodeFoglampDocument(JSON.parse(reqs[0]!.body as string)).telemetry.traces!)[0]!.span;
    expect(back.attributes[Canonical.contentTruncated]).toBe(true);
  });

  it('truncates chat messages too (as text)', () => {
    const msgs = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(5000) }] }]);
    const span = newSpan({ traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 1n, attributes: { [GenAI.inputMessages]: msgs } });
    const out = encodeFoglamp(tracesOf([span]), foglampOptions({ max_content_bytes: 200 }))[0]!.body.traces[0]!.spans as Record<string, unknown>[];
    expect(Buffer.byteLength(out[0]!.input as string)).toBeLessThanOrEqual(200);
    expect((out[0]!.metadata as Record<string, unknown>)[Canonical.contentTruncated]).toBe('true');
  });
});

describe('foglamp receiver: bad input names the field', () => {
  const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  const span = { spanId: 's', name: 'n', startTime: 1, endTime: 2 };

  it('not JSON', () => {
    const e = errorOf(() => decodeFoglampBody(body('{"version": "v1", "traces": [')));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('traces out of 1..1000', () => {
    for (const n of [0, 1001]) {
      const traces = Array.from({ length: n }, (_, i) => ({ traceId: `t${i}`, spans: [span] }));
      const e = errorOf(() => decodeFoglampBody(body({ version: 'v1', traces })));
      expect(e.status).toBe(400);
      expect(e.field).toBe('traces');
      expect(e.message).toMatch(/traces must hold 1 to 1000 traces/);
    }
    expect(decodeFoglampBody(body({ version: 'v1', traces: Array.from({ length: 1000 }, (_, i) => ({ traceId: `t${i}`, spans: [span] })) }), { maxJsonDepth: 64, maxStringLength: 1e6, maxItems: 100_000 }).accepted).toBe(1000);
  });

  it('missing or wrong version, missing traces, traces not an array, body not an object', () => {
    expect(errorOf(() => decodeFoglampBody(body({ traces: [] }))).field).toBe('version');
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v2', traces: [{ traceId: 't', spans: [span] }] }))).message).toMatch(/version must be "v1"/);
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v1' }))).field).toBe('traces');
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: {} }))).message).toMatch(/traces must be an array/);
    expect(errorOf(() => decodeFoglampBody(body([]))).message).toMatch(/must be an object/);
  });

  it('missing required span and trace fields', () => {
    for (const k of ['spanId', 'name', 'startTime', 'endTime']) {
      const s: Record<string, unknown> = { ...span };
      delete s[k];
      const e = errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ traceId: 't', spans: [s] }] })));
      expect(e.field).toBe(`traces[0].spans[0].${k}`);
      expect(e.message).toContain(`${k} is required`);
    }
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ spans: [span] }] }))).field).toBe('traces[0].traceId');
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ traceId: 't' }] }))).field).toBe('traces[0].spans');
  });

  it('wrong types', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ startTime: '2024-05-24' }, 'startTime'],
      [{ spanId: 7 }, 'spanId'],
      [{ status: 'fine' }, 'status'],
      [{ usage: [] }, 'usage'],
      [{ metadata: 'x' }, 'metadata'],
      [{ input: { role: 'user' } }, 'input'],
      [{ ttftMs: -5 }, 'ttftMs'],
    ];
    for (const [patch, field] of cases) {
      const e = errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ traceId: 't', spans: [{ ...span, ...patch }] }] })));
      expect(e.field).toBe(`traces[0].spans[0].${field}`);
      expect(e.status).toBe(400);
    }
    expect(errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ traceId: 't', agentName: 5, spans: [span] }] }))).field).toBe('traces[0].agentName');
  });

  it('more spans than max_items_per_request is 413 naming traces', () => {
    const e = errorOf(() => decodeFoglampBody(body({ version: 'v1', traces: [{ traceId: 't', spans: [span, span, span] }] }), { maxJsonDepth: 64, maxStringLength: 1000, maxItems: 2 }));
    expect(e.status).toBe(413);
    expect(e.field).toBe('traces');
  });

  it('the documented example is accepted', () => {
    expect(decodeFoglampBody(body(FOGLAMP_DOC_EXAMPLE)).accepted).toBe(1);
  });
});

describe('foglamp receiver: error messages', () => {
  it('quote a bad value cut short, never the whole string', () => {
    const long = 'v'.repeat(10_000);
    const e = errorOf(() => decodeFoglampBody(Buffer.from(JSON.stringify({ version: long, traces: [] }))));
    expect(e.field).toBe('version');
    expect(e.message.length).toBeLessThan(200);
  });
});
