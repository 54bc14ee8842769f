import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fidelityOf } from '../../src/formats/shared/fidelity.js';
import { documented, fidelityTable } from './mapping-table.js';
import { decodeNetraNdjson, encodeNetraBodies, netraOptions } from '../../src/formats/netra/index.js';
import type { Span, Telemetry } from '../../src/model/index.js';
import {
  FORMATS, HEX_IDS, PAIRS, TEXT_IDS, TIME_TOLERANCE_NS, codec, compareSpan, formatProblems, richTrace, spansOf, throughPair,
  type FormatName, type IdStyle,
} from './fixture.js';

/**
 * The translation matrix: a rich GenAI trace through every ordered pair of the five formats
 * (source.encode → source.decode → target.encode → target.decode). Every fact the target can
 * hold must come back; what a format documents it cannot hold is an explicit exemption below,
 * each checked against docs/mapping.md, and the test asserts what happens instead (a skipped
 * span must be absent, not half-present).
 */

interface Exemption {
  /** The format whose documented policy causes the exemption (as source or as target). */
  format: FormatName;
  /** AI span kinds that format does not carry at all: such spans must be absent afterwards. */
  dropsKinds?: string[];
  /** Fields it cannot hold (not checked on any span of a pair involving it). */
  fields?: string[];
  why: string;
  /** The statement in docs/mapping.md this rests on. */
  documented: RegExp;
}

const EXEMPTIONS: Exemption[] = [
  {
    // Netra's unit is one atomic LLM operation; the translate codec uses the exporter's default
    // span_policy (llm_only), so the agent and tool spans of the trace are not sent. The
    // span_policy: all variant is checked separately below: there they survive.
    format: 'netra',
    dropsKinds: ['AGENT', 'TOOL'],
    why: 'Netra span_policy llm_only (default) sends only LLM and EMBEDDING spans',
    documented: /`llm_only` \(default\): only spans whose AI kind is `LLM` or `EMBEDDING`/,
  },
];

const MAPPING = readFileSync(new URL('../../docs/mapping.md', import.meta.url), 'utf8');

it('every exemption is stated in docs/mapping.md', () => {
  for (const e of EXEMPTIONS) expect(MAPPING, `${e.format}: ${e.why}`).toMatch(e.documented);
});

function exemptionsFor(from: FormatName, to: FormatName): Exemption[] {
  return EXEMPTIONS.filter((e) => e.format === from || e.format === to);
}

function checkPair(from: FormatName, to: FormatName, model: Telemetry, out: Telemetry, tol = TIME_TOLERANCE_NS[from] + TIME_TOLERANCE_NS[to]): string[] {
  const pair = `${from}→${to}`;
  const ex = exemptionsFor(from, to);
  const dropped = new Set(ex.flatMap((e) => e.dropsKinds ?? []));
  const skip = new Set(ex.flatMap((e) => e.fields ?? []));
  const got = new Map(spansOf(out).map((s) => [s.spanId, s]));
  const problems: string[] = [];
  const sent = spansOf(model);
  for (const want of sent) {
    const kind = String(want.attributes['openinference.span.kind']);
    const g = got.get(want.spanId);
    if (dropped.has(kind)) {
      if (g) problems.push(`${pair}: span "${want.name}" (${kind}) should be skipped by the documented policy, but arrived`);
      continue;
    }
    if (!g) {
      problems.push(`${pair}: span "${want.name}" (${kind}) is missing`);
      continue;
    }
    problems.push(...formatProblems(pair, compareSpan(want, g, tol, skip)));
  }
  const expected = sent.filter((s) => !dropped.has(String(s.attributes['openinference.span.kind']))).length;
  if (got.size !== expected) problems.push(`${pair}: ${got.size} spans came back, want ${expected}`);
  return problems;
}

describe.each([['OTLP-born (hex) ids', HEX_IDS], ['vendor-born (text) ids', TEXT_IDS]] as [string, IdStyle][])('translation matrix, %s', (_label, ids) => {
  it.each(PAIRS)('%s → %s keeps every fact the target can hold', (from, to) => {
    const model = richTrace(ids);
    const { out } = throughPair(model, from, to);
    expect(checkPair(from, to, model, out)).toEqual([]);
  });

  it('every pair is checked (5 formats, 25 ordered pairs)', () => {
    expect(FORMATS).toHaveLength(5);
    expect(new Set(PAIRS.map(([a, b]) => `${a}→${b}`)).size).toBe(25);
  });
});

/**
 * TEXT_IDS as OTLP carries them, worked out by hand from the documented mapping (docs/mapping.md):
 * the first 16 (trace) / 8 (span) bytes of SHA-256 of the text, e.g.
 * `printf '%s' span_agent_1 | sha256sum | cut -c1-16`. Not computed by the product's otlpIdHex.
 */
const TEXT_IDS_ON_THE_WIRE: Record<string, string> = {
  'trace-xyz-123': 'a29a14b7cc753f07c515a8a11e371d69',
  span_agent_1: '2fac3e7f74a5ca0c',
  span_llm_2: '4e3030995558e536',
  span_tool_3: 'bea25bf247d11bff',
};
const wireId = (text: string) => {
  const id = TEXT_IDS_ON_THE_WIRE[text];
  if (!id) throw new Error(`no pinned OTLP id for ${text}`);
  return id;
};

describe('documented id mapping on the OTLP wire', () => {
  it.each(FORMATS)('%s-born text ids become their deterministic OTLP hex ids, and come back as text', (from) => {
    const model = richTrace(TEXT_IDS);
    const src = codec(from);
    const mid = src.decode(Buffer.from(src.encode(model), 'utf8'));
    const wire = JSON.parse(codec('otlp-json').encode(mid));
    const spans = wire.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
    const byName = new Map<string, any>(spans.map((s: any) => [s.name, s]));
    for (const want of spansOf(model)) {
      const s = byName.get(want.name);
      if (from === 'netra' && !s) continue; // agent/tool spans: Netra exemption above
      expect(s, `${from}→otlp-json: span ${want.name}`).toBeDefined();
      expect(s.traceId, `${from}→otlp-json: traceId`).toBe(wireId(want.traceId));
      expect(s.spanId, `${from}→otlp-json: spanId`).toBe(wireId(want.spanId));
      // The root has no parent: an empty or absent parentSpanId, never a mapped one.
      expect(s.parentSpanId || undefined, `${from}→otlp-json: parentSpanId`).toBe(want.parentSpanId ? wireId(want.parentSpanId) : undefined);
    }
  });
});

/**
 * Netra with `span_policy: all` (what an exporter config can choose): every span is offered, but
 * Netra requires request.model, so the spans that name no model (the agent and the tool) are
 * refused alone with the reason (docs/mapping.md, Fidelity) and the LLM span arrives whole.
 */
const netraAll = {
  encode: (t: Telemetry, refused: string[]) => {
    const f = fidelityOf({ refuse: (p, why) => refused.push(`${spansOf(p)[0]!.spanId}: ${why}`) });
    return encodeNetraBodies(t, netraOptions({ span_policy: 'all' }), undefined, f).map((b) => b.ndjson.toString('utf8')).join('');
  },
  decode: (b: Buffer) => {
    const r = decodeNetraNdjson(b);
    expect(r.rejected).toEqual([]);
    return r.telemetry;
  },
};

describe('Netra with span_policy: all refuses the spans naming no model alone, and carries the LLM span', () => {
  it.each(FORMATS.filter((f) => f !== 'netra'))('%s → netra(all) → back', (other) => {
    const model = richTrace(TEXT_IDS);
    const src = codec(other);
    const mid = src.decode(Buffer.from(src.encode(model), 'utf8'));
    const refused: string[] = [];
    const out1 = netraAll.decode(Buffer.from(netraAll.encode(mid, refused), 'utf8'));
    expect(refused.map((r) => r.split(':')[0]).sort()).toEqual([TEXT_IDS.agent, TEXT_IDS.tool].sort());
    for (const r of refused) expect(r).toMatch(/netra: request\.model\.name is required/);
    const back = src.decode(Buffer.from(src.encode(out1), 'utf8'));
    const tol = TIME_TOLERANCE_NS[other] * 2n + TIME_TOLERANCE_NS.netra;
    const problems: string[] = [];
    for (const [label, t] of [[`${other}→netra(all)`, out1], [`${other}→netra(all)→${other}`, back]] as [string, Telemetry][]) {
      const got = new Map(spansOf(t).map((s) => [s.spanId, s] as [string, Span]));
      expect([...got.keys()], label).toEqual([TEXT_IDS.llm]);
      const want = spansOf(model).find((s) => s.spanId === TEXT_IDS.llm)!;
      problems.push(...formatProblems(label, compareSpan(want, got.get(TEXT_IDS.llm)!, tol)));
    }
    expect(problems).toEqual([]);
  });
});

describe('the 25-pair matrix reports its fidelity counters', () => {
  const rows = fidelityTable();
  const report: string[] = [];
  afterAll(() => console.info(`translation matrix fidelity (dropped/coerced by field, per pair):\n${report.join('\n')}`));
  it.each(PAIRS)('%s → %s: every dropped or coerced field is one docs/mapping.md lists', (from, to) => {
    const model = richTrace(HEX_IDS);
    const src = codec(from);
    const mid = src.decode(Buffer.from(src.encode(model), 'utf8'));
    const counts: Record<string, number> = {};
    const refused: string[] = [];
    codec(to).encode(mid, { fidelity: (kind, field, n) => { counts[`${kind} ${field}`] = (counts[`${kind} ${field}`] ?? 0) + n; }, refuse: (_p, why) => refused.push(why) });
    expect(refused).toEqual([]);
    const keys = new Set(spansOf(mid).flatMap((s) => Object.entries(s.attributes).filter(([, v]) => typeof v !== 'string').map(([k]) => k)));
    for (const k of Object.keys(counts)) {
      const [kind, field] = [k.slice(0, k.indexOf(' ')), k.slice(k.indexOf(' ') + 1)];
      expect(documented(rows, to, kind, field, keys), `${from}→${to}: ${k} is not in docs/mapping.md`).toBe(true);
    }
    // OTLP holds every fact of the model.
    if (to === 'otlp-json') expect(counts).toEqual({});
    report.push(`  ${from} → ${to}: ${Object.entries(counts).map(([k, n]) => `${k}=${n}`).join(', ') || 'none'}`);
  });
});
