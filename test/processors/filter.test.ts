import { describe, expect, it } from 'vitest';
import { SpanKind, StatusCode } from '../../src/model/index.js';
import { filterConfigSchema, filterProcessor } from '../../src/pipeline/processors/filter.js';
import { allSpans, context, gauge, logs, make, metrics, span, traces } from './helpers.js';

function kept(expr: string, spans = sample()): string[] {
  const p = make(filterProcessor, { traces: { span: [expr] } });
  return allSpans(p.process(traces(spans), 'traces')).map((s) => s.name);
}

function sample() {
  return [
    span('health', { 'http.route': '/internal/health', 'gen_ai.usage.input_tokens': 10n }, { kind: SpanKind.SERVER }),
    span('chat gpt-4o', { 'http.route': '/v1/chat', 'gen_ai.usage.input_tokens': 1500n, 'gen_ai.request.model': 'gpt-4o' }, {
      kind: SpanKind.CLIENT,
      status: { code: StatusCode.ERROR, message: 'boom' },
      endTimeUnixNano: 1_700_000_000_900_000_000n,
    }),
    span('work', { 'count.text': '1000' }),
  ];
}

describe('filter operators', () => {
  it('==', () => expect(kept('name == "health"')).toEqual(['chat gpt-4o', 'work']));
  it('!= (missing values are unequal)', () => expect(kept('attributes["gen_ai.request.model"] != "gpt-4o"')).toEqual(['chat gpt-4o']));
  it('=~', () => expect(kept('attributes["http.route"] =~ "^/internal"')).toEqual(['chat gpt-4o', 'work']));
  it('!~', () => expect(kept('attributes["http.route"] !~ "^/internal"')).toEqual(['health']));
  it('<', () => expect(kept('duration_ms < 500')).toEqual(['chat gpt-4o']));
  it('<=', () => expect(kept('duration_ms <= 250')).toEqual(['chat gpt-4o']));
  it('>', () => expect(kept('duration_ms > 500')).toEqual(['health', 'work']));
  it('>=', () => expect(kept('attributes["gen_ai.usage.input_tokens"] >= 1000')).toEqual(['health', 'work']));
  it('numeric strings compare as numbers', () => expect(kept('attributes["count.text"] >= 999')).toEqual(['health', 'chat gpt-4o']));
  it('literal on the left flips the operator', () => expect(kept('1000 <= attributes["gen_ai.usage.input_tokens"]')).toEqual(['health', 'work']));
  it('kind, in any spelling', () => {
    expect(kept('kind == "SPAN_KIND_INTERNAL"')).toEqual(['health', 'chat gpt-4o']);
    expect(kept('kind == "server"')).toEqual(['chat gpt-4o', 'work']);
  });
  it('status.code', () => expect(kept('status.code == "ERROR"')).toEqual(['health', 'work']));
  it('status.message', () => expect(kept('status.message == "boom"')).toEqual(['health', 'work']));
  it('resource', () => {
    expect(kept('resource["service.name"] != "x"')).toEqual([]);
    expect(kept('resource["service.name"] == "x"')).toHaveLength(3);
  });
  it('exists', () => expect(kept('exists attributes["gen_ai.request.model"]')).toEqual(['health', 'work']));
  it('not', () => expect(kept('not name == "health"')).toEqual(['health']));
  it('and / or / parentheses with precedence', () => {
    expect(kept('name == "health" or name == "work" and duration_ms > 1000')).toEqual(['chat gpt-4o', 'work']);
    expect(kept('(name == "health" or name == "work") and duration_ms < 1000')).toEqual(['chat gpt-4o']);
    expect(kept('NOT (name == "health" OR name == "work")')).toEqual(['health', 'work']);
  });
  it('several expressions: any match drops, and the drop is counted', () => {
    const ctx = context();
    const p = make(filterProcessor, { traces: { span: ['name == "health"', 'name == "work"'] } }, ctx);
    const out = p.process(traces(sample()), 'traces');
    expect(allSpans(out).map((s) => s.name)).toEqual(['chat gpt-4o']);
    expect(ctx.counts['dropped']).toBe(2);
  });
  it('an emptied resource is removed', () => {
    const p = make(filterProcessor, { traces: { span: ['duration_ms >= 0'] } });
    expect(p.process(traces(sample()), 'traces').traces).toEqual([]);
  });
});

describe('filter on metrics and logs', () => {
  it('drops data points and then empty metrics', () => {
    const ctx = context();
    const p = make(filterProcessor, { metrics: { datapoint: ['attributes["route"] == "/health"', 'value > 100'] } }, ctx);
    const out = p.process(metrics([
      gauge('a', [{ value: 1n, attributes: { route: '/health' } }, { value: 5, attributes: { route: '/x' } }]),
      gauge('b', [{ value: 500n, attributes: {} }]),
    ]), 'metrics');
    const ms = out.metrics![0]!.scopeMetrics[0]!.metrics;
    expect(ms.map((m) => m.name)).toEqual(['a']);
    expect(ms[0]!.data.dataPoints).toHaveLength(1);
    expect(ctx.counts['dropped']).toBe(2);
  });
  it('drops whole metrics by name and type', () => {
    const p = make(filterProcessor, { metrics: { metric: ['name =~ "^a" and type == "gauge"'] } });
    const out = p.process(metrics([gauge('a', [{ value: 1n }]), gauge('b', [{ value: 1n }])]), 'metrics');
    expect(out.metrics![0]!.scopeMetrics[0]!.metrics.map((m) => m.name)).toEqual(['b']);
  });
  it('drops log records by body and severity', () => {
    const p = make(filterProcessor, { logs: { log_record: ['body =~ "debug"', 'severity_number < 5'] } });
    const out = p.process(logs([{ body: 'debug noise', severityNumber: 9 }, { body: 'ok', severityNumber: 1 }, { body: 'kept', severityNumber: 9 }]), 'logs');
    expect(out.logs![0]!.scopeLogs[0]!.logRecords.map((r) => r.body)).toEqual(['kept']);
  });
});

describe('filter config errors', () => {
  const cases: [unknown, (string | number)[], RegExp][] = [
    [{ traces: { span: ['name == "ok"', 'name = "health"'] } }, ['traces', 'span', 1], /use "==".*column 6/],
    [{ traces: { span: ['attributes["x" == 1'] } }, ['traces', 'span', 0], /expected "\]"/],
    [{ traces: { span: ['name == "unterminated'] } }, ['traces', 'span', 0], /unterminated string at column 9/],
    [{ traces: { span: ['nmae == "x"'] } }, ['traces', 'span', 0], /unknown field "nmae" in span context.*column 1/],
    [{ traces: { span: ['kind == "INTRENAL"'] } }, ['traces', 'span', 0], /unknown kind value/],
    [{ traces: { span: ['name =~ "("'] } }, ['traces', 'span', 0], /invalid regular expression/],
    [{ traces: { span: ['name == "a" name == "b"'] } }, ['traces', 'span', 0], /missing "and" \/ "or".*column 13/],
    [{ traces: { span: ['(name == "a"'] } }, ['traces', 'span', 0], /expected "\)"/],
    [{ traces: { span: ['name =='] } }, ['traces', 'span', 0], /unexpected end/],
    [{ traces: { span: ['duration_ms > 5ms'] } }, ['traces', 'span', 0], /invalid number/],
    [{ logs: { log_record: ['duration_ms > 5'] } }, ['logs', 'log_record', 0], /unknown field "duration_ms" in log_record/],
    [{ metrics: { metric: ['attributes["a"] == "b"'] } }, ['metrics', 'metric', 0], /no attributes of its own/],
    [{ traces: { span: [''] } }, ['traces', 'span', 0], /empty expression/],
  ];
  it.each(cases)('%j → issue at its path', (config, path, message) => {
    const r = filterConfigSchema.safeParse(config);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path.join('.'));
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
  it('unknown keys are refused', () => {
    expect(filterConfigSchema.safeParse({ trace: { span: [] } }).success).toBe(false);
    expect(filterConfigSchema.safeParse({ traces: { spans: [] } }).success).toBe(false);
  });
  it('reports every bad expression at once', () => {
    const r = filterConfigSchema.safeParse({ traces: { span: ['a ==', 'name == "ok"', 'b =='] } });
    expect(r.error!.issues.map((i) => i.path)).toEqual([['traces', 'span', 0], ['traces', 'span', 2]]);
  });
});

describe('filter regexes', () => {
  it('accept a leading RE2 (?i) flag', () => expect(kept('name =~ "(?i)^HEALTH$"')).toEqual(['chat gpt-4o', 'work']));
});
