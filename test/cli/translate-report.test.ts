import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * `switchyard translate --report`: the converted payload on stdout, and on stderr what the target
 * could not take of it, as the exporter counts it. A Foglamp document with typed metadata and an
 * LLM span naming no model, translated to Foglamp itself and to Netra.
 */
const DOC = {
  version: 'v1',
  traces: [{
    traceId: 'tr-1',
    spans: [
      { spanId: 'a', spanType: 'llm', name: 'chat', startTime: 1_716_566_400_000, endTime: 1_716_566_401_200, modelId: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 2 }, metadata: { attempt: 2, cached: true } },
      { spanId: 'b', spanType: 'llm', name: 'chat', startTime: 1_716_566_400_000, endTime: 1_716_566_401_200, usage: { inputTokens: 5 } },
    ],
  }],
};

describe('switchyard translate --report', () => {
  it('prints the coerced fields on stderr, the payload on stdout', () => {
    const r = runCli(['translate', '--from', 'foglamp', '--to', 'foglamp', '--report'], { input: JSON.stringify(DOC) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.traces[0].spans[0].metadata).toMatchObject({ attempt: '2', cached: 'true' });
    expect(r.stderr).toBe('fidelity foglamp → foglamp:\n  coerced attempt 1\n  coerced cached 1\n');
  });

  it('lists an item the target refuses, and leaves it out of the output', () => {
    const r = runCli(['translate', '--from', 'foglamp', '--to', 'netra', '--report'], { input: JSON.stringify(DOC) });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.trace_context.span_id)).toEqual(['a']);
    expect(r.stderr).toMatch(/^fidelity foglamp → netra:\n  refused 1 item\(s\): netra: request\.model\.name is required and span b names no model/);
  });

  it('without --report, refusals are still printed, nothing else', () => {
    const r = runCli(['translate', '--from', 'foglamp', '--to', 'netra'], { input: JSON.stringify(DOC) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^refused 1 item\(s\): netra: request\.model\.name is required/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('says so when nothing was lost', () => {
    const r = runCli(['translate', '--from', 'foglamp', '--to', 'otlp-json', '--report'], { input: JSON.stringify(DOC) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('fidelity foglamp → otlp-json:\n  nothing dropped, coerced, skipped or refused\n');
  });
});
