import { describe, expect, it } from 'vitest';
import {
  Canonical, GenAI, SpanKind, StatusCode, attrNumber, newSpan, type Attributes, type Telemetry,
} from '../../src/model/index.js';
import { FORMATS, PAIRS, T0, codec, spansOf, throughPair, type FormatName } from './fixture.js';

/**
 * Token counts through every ordered pair of formats: totals, cached and reasoning counts come out
 * equal to what went in, never doubled (cache read added on top of an inclusive input, reasoning
 * added on top of an inclusive output: the two most common bugs of GenAI telemetry bridges).
 */

const IN = GenAI.inputTokens;
const OUT = GenAI.outputTokens;
const CR = GenAI.cacheReadInputTokens;
const CW = GenAI.cacheCreationInputTokens;
const RS = GenAI.reasoningOutputTokens;
const TOT = Canonical.totalTokens;

interface Case {
  id: string;
  counts: Partial<Record<string, number>>;
}

const CASES: Case[] = [
  // The langfuse#12306 / #11244 numbers: 130,213 input incl. 130,000 cached; 1,970 output incl. 956 reasoning.
  { id: 'cached-and-reasoning', counts: { [IN]: 130_213, [CR]: 130_000, [OUT]: 1_970, [RS]: 956, [TOT]: 132_183 } },
  { id: 'cache-write-too', counts: { [IN]: 50_000, [CR]: 20_000, [CW]: 29_000, [OUT]: 800, [RS]: 0, [TOT]: 50_800 } },
  { id: 'all-cached', counts: { [IN]: 4_096, [CR]: 4_096, [OUT]: 1, [TOT]: 4_097 } },
  { id: 'all-reasoning', counts: { [IN]: 12, [OUT]: 2_048, [RS]: 2_048, [TOT]: 2_060 } },
  { id: 'zeros', counts: { [IN]: 0, [CR]: 0, [OUT]: 0, [RS]: 0, [TOT]: 0 } },
  // No total: a target may carry it or derive input + output, never input + cached + output + reasoning.
  { id: 'no-total', counts: { [IN]: 9_000, [CR]: 8_000, [OUT]: 700, [RS]: 600 } },
];

function llmSpan(c: Case, i: number) {
  const attrs: Attributes = {
    [Canonical.spanKind]: 'LLM', [GenAI.operationName]: 'chat', [GenAI.providerName]: 'openai',
    [GenAI.requestModel]: 'o4-mini', [GenAI.workflowName]: 'tokens',
  };
  for (const [k, v] of Object.entries(c.counts)) attrs[k] = BigInt(v!);
  return newSpan({
    traceId: `0af7651916cd43dd8448eb211c80319${i.toString(16)}`, spanId: `b7ad6b71692033${(16 + i).toString(16)}`,
    name: `chat o4-mini ${c.id}`, kind: SpanKind.CLIENT,
    startTimeUnixNano: T0 + BigInt(i) * 1_000_000_000n, endTimeUnixNano: T0 + BigInt(i) * 1_000_000_000n + 900_000_000n,
    attributes: attrs, status: { code: StatusCode.OK },
  });
}

/** All cases as LLM spans of one batch (several spans per request: Neatlogs' summaries sum them). */
function batch(): Telemetry {
  return { traces: [{ resource: { attributes: { 'service.name': 'tok' } }, scopeSpans: [{ scope: { name: 't' }, spans: CASES.map(llmSpan) }] }] };
}

function tokenProblems(label: string, out: Telemetry): string[] {
  const problems: string[] = [];
  const got = new Map(spansOf(out).map((s) => [s.name, s.attributes]));
  for (const c of CASES) {
    const a = got.get(`chat o4-mini ${c.id}`);
    if (!a) {
      problems.push(`${label}: span ${c.id} missing`);
      continue;
    }
    for (const k of [IN, OUT, CR, CW, RS]) {
      if (attrNumber(a, k) !== c.counts[k]) problems.push(`${label}: ${c.id}: ${k}: want ${c.counts[k]}, got ${attrNumber(a, k)}`);
    }
    const tot = attrNumber(a, TOT);
    if (c.counts[TOT] !== undefined) {
      if (tot !== c.counts[TOT]) problems.push(`${label}: ${c.id}: ${TOT}: want ${c.counts[TOT]}, got ${tot}`);
    } else if (tot !== undefined && tot !== c.counts[IN]! + c.counts[OUT]!) {
      problems.push(`${label}: ${c.id}: ${TOT}: derived ${tot}, want absent or input + output = ${c.counts[IN]! + c.counts[OUT]!}`);
    }
  }
  return problems;
}

describe('token counts through every pair (25 ordered pairs)', () => {
  it.each(PAIRS)('%s → %s: input, cached, cache write, output, reasoning and total are never doubled', (from, to) => {
    expect(tokenProblems(`${from}→${to}`, throughPair(batch(), from, to).out)).toEqual([]);
  });

  it('three hops keep them too (every chain A → B → C → A of distinct formats)', () => {
    const problems: string[] = [];
    for (const a of FORMATS) for (const b of FORMATS) for (const c of FORMATS) {
      if (a === b || b === c || a === c) continue;
      let t = batch();
      for (const f of [a, b, c, a] as FormatName[]) t = codec(f).decode(Buffer.from(codec(f).encode(t), 'utf8'));
      problems.push(...tokenProblems(`${a}→${b}→${c}→${a}`, t));
    }
    expect(problems).toEqual([]);
  });
});

describe('on the wire, every vendor field holds the inclusive count (no added cache or reasoning)', () => {
  const c = CASES[0]!.counts;
  const one = (): Telemetry => ({ traces: [{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 't' }, spans: [llmSpan(CASES[0]!, 0)] }] }] });

  it('netra: response.usage', () => {
    const ev = JSON.parse(codec('netra').encode(one()).trim());
    expect(ev.response.usage).toEqual({
      prompt_tokens: c[IN], completion_tokens: c[OUT], total_tokens: c[TOT],
      prompt_tokens_details: { cached_tokens: c[CR] }, completion_tokens_details: { reasoning_tokens: c[RS] },
    });
  });

  it('neatlogs: span attributes and batch summary metrics', () => {
    const body = JSON.parse(codec('neatlogs').encode(one()));
    const a = body.spans[0].attributes;
    expect([a[IN], a[CR], a[OUT], a[RS], a[TOT]]).toEqual([c[IN], c[CR], c[OUT], c[RS], c[TOT]]);
    const m = Object.fromEntries(body.metrics.map((x: { name: string; value: number }) => [x.name, x.value]));
    expect(m).toMatchObject({ [IN]: c[IN], [CR]: c[CR], [OUT]: c[OUT], [RS]: c[RS], [TOT]: c[TOT] });
  });

  it('neatlogs: summary metrics of a multi-span request are sums of the spans, decoded without adding them again', () => {
    const text = codec('neatlogs').encode(batch());
    const body = JSON.parse(text);
    const m = Object.fromEntries(body.metrics.map((x: { name: string; value: number }) => [x.name, x.value]));
    const sum = (k: string) => CASES.reduce((n, x) => n + (x.counts[k] ?? 0), 0);
    expect(m[IN]).toBe(sum(IN));
    expect(m[CR]).toBe(sum(CR));
    expect(m[RS]).toBe(sum(RS));
    expect(tokenProblems('neatlogs decode', codec('neatlogs').decode(Buffer.from(text)))).toEqual([]);
  });

  it('foglamp: usage', () => {
    const u = JSON.parse(codec('foglamp').encode(one())).traces[0].spans[0].usage;
    expect(u).toEqual({ inputTokens: c[IN], cachedInputTokens: c[CR], outputTokens: c[OUT], reasoningTokens: c[RS], totalTokens: c[TOT] });
  });

  it('keywordsai: usage', () => {
    const u = JSON.parse(codec('keywordsai').encode(one()))[0].usage;
    expect(u).toEqual({
      prompt_tokens: c[IN], completion_tokens: c[OUT], total_tokens: c[TOT],
      prompt_tokens_details: { cached_tokens: c[CR] }, completion_tokens_details: { reasoning_tokens: c[RS] },
    });
  });

  it('otlp-json: intValue attributes', () => {
    const s = JSON.parse(codec('otlp-json').encode(one())).resourceSpans[0].scopeSpans[0].spans[0];
    const v = (k: string) => Number(s.attributes.find((x: { key: string }) => x.key === k).value.intValue);
    expect([v(IN), v(CR), v(OUT), v(RS), v(TOT)]).toEqual([c[IN], c[CR], c[OUT], c[RS], c[TOT]]);
  });
});
