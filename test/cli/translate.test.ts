import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * `switchyard translate --from F --to F [FILE]` (README "CLI"): offline, stdin or a file to stdout.
 * Exit codes: 0 ok, 1 error (unreadable or invalid input), 2 usage (unknown format, missing flag).
 * The expected values are read off the input by hand, not produced by the product's own codecs.
 */
const dir = mkdtempSync(join(tmpdir(), 'switchyard-translate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One Netra event (vendor-apis/netra), as NDJSON.
const NETRA = JSON.stringify({
  event_metadata: { event_id: 'ev-1', timestamp_utc: 1722384000000 },
  trace_context: { trace_id: 'trace-xyz-123', span_id: 'span-abc-456', span_name: 'Summarize' },
  request: { model: { name: 'gpt-4o' }, prompt: { messages: [{ role: 'user', content: 'Hello' }] } },
  response: { completion: { choices: [] }, usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
}) + '\n';

type OtlpAttr = { key: string; value: Record<string, unknown> };

describe('switchyard translate', () => {
  it('reads stdin and writes OTLP/JSON with the event\'s name, start time and token counts', () => {
    const r = runCli(['translate', '--from', 'netra', '--to', 'otlp-json'], { input: NETRA });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { resourceSpans: { scopeSpans: { spans: { name: string; startTimeUnixNano: string; attributes: OtlpAttr[] }[] }[] }[] };
    const spans = out.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(spans).toHaveLength(1);
    expect(spans[0]!.name).toBe('Summarize');
    expect(spans[0]!.startTimeUnixNano).toBe('1722384000000000000');
    const attr = (k: string) => spans[0]!.attributes.find((a) => a.key === k)?.value;
    expect(attr('gen_ai.request.model')).toEqual({ stringValue: 'gpt-4o' });
    expect(attr('gen_ai.usage.input_tokens')).toEqual({ intValue: '7' });
    expect(attr('gen_ai.usage.output_tokens')).toEqual({ intValue: '3' });
  });

  it('reads a file argument and writes the target vendor\'s format', () => {
    const file = join(dir, 'in.ndjson');
    writeFileSync(file, NETRA);
    const r = runCli(['translate', '--from', 'netra', '--to', 'foglamp', file]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { traces: { traceId: string; spans: { spanId: string; name: string; startTime: number; usage: Record<string, number> }[] }[] };
    expect(out.traces).toHaveLength(1);
    expect(out.traces[0]!.traceId).toBe('trace-xyz-123');
    expect(out.traces[0]!.spans[0]).toMatchObject({ spanId: 'span-abc-456', name: 'Summarize', startTime: 1722384000000, usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 } });
    // stdin given as "-" is the same as no file.
    const viaDash = runCli(['translate', '--from', 'netra', '--to', 'foglamp', '-'], { input: NETRA });
    expect(viaDash.stdout).toBe(r.stdout);
  });

  it('bad input: exit 1, a message naming the problem on stderr, nothing on stdout', () => {
    const r = runCli(['translate', '--from', 'netra', '--to', 'foglamp'], { input: '{not json\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not valid JSON/);
    const missing = runCli(['translate', '--from', 'netra', '--to', 'foglamp', join(dir, 'no-such-file.ndjson')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stdout).toBe('');
  });

  it('unknown format or a missing flag is a usage error: exit 2 with a message listing the formats', () => {
    for (const args of [['--from', 'netra', '--to', 'zipkin'], ['--from', 'zipkin', '--to', 'netra']]) {
      const r = runCli(['translate', ...args], { input: NETRA });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('unknown format "zipkin"');
      expect(r.stderr).toContain('otlp-json');
      expect(r.stdout).toBe('');
    }
    const noFrom = runCli(['translate', '--to', 'foglamp'], { input: NETRA });
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toContain('--from');
  });
});
