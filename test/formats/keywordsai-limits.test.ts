import { describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import { Canonical, GenAI, newSpan, tracesOf, type Span } from '../../src/model/index.js';
import { errorOf } from '../helpers/input-error.js';
import { decodeKeywordsAiBody, encodeKeywordsAi, keywordsai, keywordsAiOptions } from '../../src/formats/keywordsai/index.js';
import { KEYWORDSAI_DOC_EXAMPLE } from './keywordsai.fixture.js';

const spans = (n: number, attrs: Record<string, string> = {}): Span[] =>
  Array.from({ length: n }, (_, i) => newSpan({ traceId: `t${i % 7}`, spanId: `s${i}`, name: 'op', startTimeUnixNano: 1_000_000_000n, endTimeUnixNano: 2_000_000_000n, attributes: { ...attrs } }));

describe('keywordsai exporter limits', () => {
  it('splits 2,500 logs into requests of at most 1,000 (default) and drops nothing', () => {
    const reqs = encodeWith(keywordsai.exporter!, tracesOf(spans(2500)), { timeout_ms: 1000 });
    expect(reqs.map((r) => r.items)).toEqual([1000, 1000, 500]);
    const all = reqs.flatMap((r) => JSON.parse(r.body as string) as { span_unique_id: string }[]);
    expect(new Set(all.map((l) => l.span_unique_id)).size).toBe(2500);
    expect(reqs.every((r) => r.path === '/api/traces/ingest' && r.contentType === 'application/json')).toBe(true);
  });

  it('honours max_logs_per_request and max_request_bytes', () => {
    expect(encodeWith(keywordsai.exporter!, tracesOf(spans(25)), { timeout_ms: 1000, max_logs_per_request: 10 }).map((r) => r.items)).toEqual([10, 10, 5]);
    const big = spans(10, { [Canonical.inputValue]: 'x'.repeat(3000) });
    const reqs = encodeWith(keywordsai.exporter!, tracesOf(big), { timeout_ms: 1000, max_request_bytes: 8000 });
    expect(reqs.length).toBeGreaterThan(3);
    for (const r of reqs) expect(Buffer.byteLength(r.body as string)).toBeLessThanOrEqual(8000);
    expect(reqs.reduce((n, r) => n + r.items, 0)).toBe(10);
  });

  it('sends a single log larger than max_request_bytes alone rather than dropping it', () => {
    const reqs = encodeKeywordsAi(tracesOf(spans(3, { [Canonical.inputValue]: 'y'.repeat(5000) })), keywordsAiOptions({ max_request_bytes: 2000 }));
    expect(reqs.map((b) => b.logs.length)).toEqual([1, 1, 1]);
  });

  it('truncates oversized content to max_content_bytes with a marker and the truncated flag', () => {
    const structured = newSpan({
      traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
      attributes: { [GenAI.inputMessages]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: '日本語'.repeat(2000) }] }]), [Canonical.outputValue]: 'ok' },
    });
    const notes: string[] = [];
    const reqs = encodeWith(keywordsai.exporter!, tracesOf([structured]), { timeout_ms: 1000, max_content_bytes: 500 }, (e, n) => notes.push(`${e}:${n}`));
    const [l] = JSON.parse(reqs[0]!.body as string);
    expect(typeof l.input).toBe('string');
    expect(Buffer.byteLength(l.input)).toBeLessThanOrEqual(500);
    expect(l.input).toMatch(/truncated by switchyard/);
    expect(l.input).not.toContain('\uFFFD');
    expect(l.output).toBe('ok');
    expect(l.metadata).toEqual({ [Canonical.contentTruncated]: true });
    expect(notes).toContain('truncated:1');
  });
});

describe('keywordsai receiver: bad input names the field', () => {
  const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  const ok = { id: 'l', trace_unique_id: 't', span_unique_id: 's', timestamp: '2024-01-15T10:30:00Z' };

  it('not JSON, not an array, not objects', () => {
    expect(errorOf(() => decodeKeywordsAiBody(body('[{"id":'))).message).toMatch(/not valid JSON/);
    const e = errorOf(() => decodeKeywordsAiBody(body({ logs: [] })));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/JSON array of log objects/);
    expect(errorOf(() => decodeKeywordsAiBody(body([ok, 'x']))).field).toBe('[1]');
  });

  it('missing id fields', () => {
    for (const k of ['trace_unique_id', 'span_unique_id']) {
      const l: Record<string, unknown> = { ...ok };
      delete l[k];
      const e = errorOf(() => decodeKeywordsAiBody(body([l])));
      expect(e.field).toBe(`[0].${k}`);
      expect(e.message).toContain(`${k} is required`);
    }
    const noTime: Record<string, unknown> = { ...ok };
    delete noTime.timestamp;
    expect(errorOf(() => decodeKeywordsAiBody(body([noTime]))).field).toBe('[0].timestamp');
  });

  it('wrong types', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ latency: 'slow' }, 'latency'],
      [{ latency: -1 }, 'latency'],
      [{ timestamp: 'yesterday' }, 'timestamp'],
      [{ start_time: 5 }, 'start_time'],
      [{ span_unique_id: 12 }, 'span_unique_id'],
      [{ span_parent_id: 3 }, 'span_parent_id'],
      [{ usage: 'lots' }, 'usage'],
      [{ metadata: [] }, 'metadata'],
      [{ log_type: 1 }, 'log_type'],
      [{ model: {} }, 'model'],
    ];
    for (const [patch, field] of cases) {
      const e = errorOf(() => decodeKeywordsAiBody(body([{ ...ok, ...patch }])));
      expect(e.field).toBe(`[0].${field}`);
      expect(e.status).toBe(400);
    }
  });

  it('more logs than max_items_per_request is 413', () => {
    const e = errorOf(() => decodeKeywordsAiBody(body([ok, ok, ok]), { maxJsonDepth: 64, maxStringLength: 1000, maxItems: 2 }));
    expect(e.status).toBe(413);
  });

  it('the documented example is accepted; an empty array ingests nothing', () => {
    expect(decodeKeywordsAiBody(body(KEYWORDSAI_DOC_EXAMPLE)).accepted).toBe(1);
    expect(decodeKeywordsAiBody(body([])).accepted).toBe(0);
  });
});
