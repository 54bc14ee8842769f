import { describe, expect, it } from 'vitest';
import { Canonical, GenAI, flattenSpans, newSpan, tracesOf, type Telemetry } from '../../src/model/index.js';
import { decodeKeywordsAiDocument, encodeKeywordsAi } from '../../src/formats/keywordsai/index.js';
import { decodeFoglampDocument, encodeFoglamp } from '../../src/formats/foglamp/index.js';

/**
 * KeywordsAI usage is OpenAI's: prompt_tokens includes prompt_tokens_details.cached_tokens and
 * completion_tokens includes completion_tokens_details.reasoning_tokens, like the canonical model.
 */
const attrsOf = (t: Telemetry) => flattenSpans(t.traces ?? [])[0]!.span.attributes;
const log = (extra: Record<string, unknown>) => [{ id: 'l', trace_unique_id: 't', span_unique_id: 's', span_name: 'n', span_workflow_name: 'w', timestamp: '2024-01-15T10:30:00Z', start_time: '2024-01-15T10:29:59Z', latency: 1, ...extra }];

describe('keywordsai token arithmetic', () => {
  it('cached tokens stay inside prompt_tokens (no 130,213 → 260,421 doubling)', () => {
    const a = attrsOf(decodeKeywordsAiDocument(log({ usage: { prompt_tokens: 130213, completion_tokens: 10, total_tokens: 130223, prompt_tokens_details: { cached_tokens: 130208 } } })).telemetry);
    expect(a[GenAI.inputTokens]).toBe(130213n);
    expect(a[GenAI.cacheReadInputTokens]).toBe(130208n);
    expect(a[Canonical.totalTokens]).toBe(130223n);
  });

  it('reasoning stays inside completion_tokens (1,970 with 956 reasoning is not 2,926)', () => {
    const a = attrsOf(decodeKeywordsAiDocument(log({ usage: { prompt_tokens: 5, completion_tokens: 1970, completion_tokens_details: { reasoning_tokens: 956 } } })).telemetry);
    expect(a[GenAI.outputTokens]).toBe(1970n);
    expect(a[GenAI.reasoningOutputTokens]).toBe(956n);
  });

  it('encodes canonical counts one to one into the OpenAI shape', () => {
    const span = newSpan({
      traceId: 't', spanId: 's', name: 'n', startTimeUnixNano: 0n, endTimeUnixNano: 1n,
      attributes: { [GenAI.inputTokens]: 1000n, [GenAI.cacheReadInputTokens]: 800n, [GenAI.cacheCreationInputTokens]: 50n, [GenAI.outputTokens]: 300n, [GenAI.reasoningOutputTokens]: 200n, [Canonical.totalTokens]: 1300n },
    });
    const [l] = encodeKeywordsAi(tracesOf([span]))[0]!.logs;
    expect(l!.usage).toEqual({
      prompt_tokens: 1000, completion_tokens: 300, total_tokens: 1300,
      prompt_tokens_details: { cached_tokens: 800, cache_creation_tokens: 50 },
      completion_tokens_details: { reasoning_tokens: 200 },
    });
    expect(l!.metadata).toBeUndefined();
  });

  it('top-level prompt_tokens/completion_tokens (Create Log style) map to the same counts and stay top-level', () => {
    const d = log({ prompt_tokens: 40, completion_tokens: 2 });
    const a = attrsOf(decodeKeywordsAiDocument(d).telemetry);
    expect(a[GenAI.inputTokens]).toBe(40n);
    expect(a[GenAI.outputTokens]).toBe(2n);
    expect(encodeKeywordsAi(decodeKeywordsAiDocument(d).telemetry)[0]!.logs).toEqual(d);
  });

  it('when both usage and top-level counts are present, usage wins and the top-level copies are not added', () => {
    const d = log({ usage: { prompt_tokens: 40, completion_tokens: 2 }, prompt_tokens: 40, completion_tokens: 2 });
    const a = attrsOf(decodeKeywordsAiDocument(d).telemetry);
    expect(a[GenAI.inputTokens]).toBe(40n);
    expect(a[GenAI.outputTokens]).toBe(2n);
    expect(encodeKeywordsAi(decodeKeywordsAiDocument(d).telemetry)[0]!.logs).toEqual(d);
  });

  it('Foglamp → KeywordsAI → Foglamp keeps every count, none doubled', () => {
    const fog = { version: 'v1', traces: [{ traceId: 't', spans: [{ spanId: 's', name: 'n', startTime: 1, endTime: 2, usage: { inputTokens: 1200, cachedInputTokens: 1000, cacheWriteInputTokens: 100, outputTokens: 350, reasoningTokens: 300, totalTokens: 1550 } }] }] };
    const kw = encodeKeywordsAi(decodeFoglampDocument(fog).telemetry)[0]!.logs;
    expect(kw[0]!.usage).toEqual({ prompt_tokens: 1200, completion_tokens: 350, total_tokens: 1550, prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 300 } });
    const back = encodeFoglamp(decodeKeywordsAiDocument(JSON.parse(JSON.stringify(kw))).telemetry)[0]!.body.traces[0]!.spans as Record<string, unknown>[];
    expect(back[0]!.usage).toEqual(fog.traces[0]!.spans[0]!.usage);
  });

  it('rejects negative or mistyped counts naming the field', () => {
    expect(() => decodeKeywordsAiDocument(log({ usage: { prompt_tokens: -3 } }))).toThrow(/\[0\]\.usage\.prompt_tokens must be a non-negative number/);
    expect(() => decodeKeywordsAiDocument(log({ usage: { prompt_tokens_details: { cached_tokens: 'x' } } }))).toThrow(/\[0\]\.usage\.prompt_tokens_details\.cached_tokens/);
  });
});
