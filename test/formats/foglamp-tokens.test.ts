import { describe, expect, it } from 'vitest';
import { Canonical, GenAI, flattenSpans, newSpan, tracesOf, type Telemetry } from '../../src/model/index.js';
import { decodeFoglampDocument, encodeFoglamp } from '../../src/formats/foglamp/index.js';

/**
 * Foglamp usage follows the Vercel AI SDK: inputTokens includes cachedInputTokens and
 * cacheWriteInputTokens, outputTokens includes reasoningTokens, like the canonical model. So no
 * count is ever added to another, in either direction.
 */
const attrsOf = (t: Telemetry) => flattenSpans(t.traces ?? [])[0]!.span.attributes;
const doc = (usage: Record<string, number>) => ({ version: 'v1', traces: [{ traceId: 't', spans: [{ spanId: 's', name: 'n', startTime: 0, endTime: 1, usage }] }] });

describe('foglamp token arithmetic', () => {
  it('cached input stays inside inputTokens: 130,213 with 120,000 cached is 130,213, not 250,213', () => {
    const a = attrsOf(decodeFoglampDocument(doc({ inputTokens: 130213, cachedInputTokens: 120000, cacheWriteInputTokens: 5000, outputTokens: 10 })).telemetry);
    expect(a[GenAI.inputTokens]).toBe(130213n);
    expect(a[GenAI.cacheReadInputTokens]).toBe(120000n);
    expect(a[GenAI.cacheCreationInputTokens]).toBe(5000n);
  });

  it('reasoning stays inside outputTokens: 1,970 with 956 reasoning is 1,970, not 2,926', () => {
    const a = attrsOf(decodeFoglampDocument(doc({ outputTokens: 1970, reasoningTokens: 956 })).telemetry);
    expect(a[GenAI.outputTokens]).toBe(1970n);
    expect(a[GenAI.reasoningOutputTokens]).toBe(956n);
  });

  it('totalTokens is carried, not recomputed', () => {
    const a = attrsOf(decodeFoglampDocument(doc({ inputTokens: 10, outputTokens: 5, totalTokens: 15 })).telemetry);
    expect(a[Canonical.totalTokens]).toBe(15n);
    const b = attrsOf(decodeFoglampDocument(doc({ inputTokens: 10, outputTokens: 5 })).telemetry);
    expect(b[Canonical.totalTokens]).toBeUndefined();
  });

  it('canonical counts encode one to one, none counted twice', () => {
    const span = newSpan({
      traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
      attributes: {
        [GenAI.inputTokens]: 1000n, [GenAI.cacheReadInputTokens]: 800n, [GenAI.cacheCreationInputTokens]: 100n,
        [GenAI.outputTokens]: 300n, [GenAI.reasoningOutputTokens]: 200n, [Canonical.totalTokens]: 1300n,
      },
    });
    const out = (encodeFoglamp(tracesOf([span]))[0]!.body.traces[0]!.spans as Record<string, unknown>[])[0]!;
    expect(out.usage).toEqual({ inputTokens: 1000, cachedInputTokens: 800, cacheWriteInputTokens: 100, outputTokens: 300, reasoningTokens: 200, totalTokens: 1300 });
    expect(out.metadata).toBeUndefined();
  });

  it('round trips usage through the model with every count unchanged', () => {
    const d = doc({ inputTokens: 5000, cachedInputTokens: 4000, cacheWriteInputTokens: 500, outputTokens: 900, reasoningTokens: 600, totalTokens: 5900, imageCount: 2, webSearchCount: 1, requestCount: 3 });
    expect(encodeFoglamp(decodeFoglampDocument(d).telemetry)[0]!.body).toEqual(d);
  });

  it('rejects negative or non-numeric counts naming the field', () => {
    expect(() => decodeFoglampDocument(doc({ inputTokens: -1 }))).toThrow(/traces\[0\]\.spans\[0\]\.usage\.inputTokens/);
    expect(() => decodeFoglampDocument(doc({ cachedInputTokens: '5' as unknown as number }))).toThrow(/usage\.cachedInputTokens must be a non-negative number/);
  });
});
