import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/model/index.js';
import { attributesConfigSchema, attributesProcessor } from '../../src/pipeline/processors/attributes.js';
import { PROCESSORS } from '../../src/pipeline/processors/index.js';
import { resourceConfigSchema, resourceProcessor } from '../../src/pipeline/processors/resource.js';
import { allSpans, gauge, logs, make, metrics, span, traces } from './helpers.js';

function run(actions: unknown[], attrs: Attributes): Attributes {
  const p = make(attributesProcessor, { actions });
  return allSpans(p.process(traces([span('s', { ...attrs })]), 'traces'))[0]!.attributes;
}

describe('attributes actions', () => {
  it('insert only when absent', () => {
    expect(run([{ key: 'a', action: 'insert', value: 'new' }], { a: 'old' })).toEqual({ a: 'old' });
    expect(run([{ key: 'b', action: 'insert', value: 'new' }], { a: 'old' })).toEqual({ a: 'old', b: 'new' });
  });
  it('update only when present', () => {
    expect(run([{ key: 'a', action: 'update', value: 'new' }], { a: 'old' })).toEqual({ a: 'new' });
    expect(run([{ key: 'b', action: 'update', value: 'new' }], { a: 'old' })).toEqual({ a: 'old' });
  });
  it('upsert always, typed values: ints stay ints, doubles doubles', () => {
    expect(run([{ key: 'a', action: 'upsert', value: 5 }, { key: 'b', action: 'upsert', value: 2.5 }, { key: 'c', action: 'upsert', value: true }, { key: 'd', action: 'upsert', value: ['x', 1] }], { a: 'old' }))
      .toEqual({ a: 5n, b: 2.5, c: true, d: ['x', 1n] });
  });
  it('from_attribute copies, and does nothing when the source is absent', () => {
    expect(run([{ key: 'b', action: 'upsert', from_attribute: 'a' }], { a: 'v' })).toEqual({ a: 'v', b: 'v' });
    expect(run([{ key: 'b', action: 'upsert', from_attribute: 'zz' }], { a: 'v' })).toEqual({ a: 'v' });
  });
  it('delete by key and by key pattern', () => {
    expect(run([{ key: 'a', action: 'delete' }], { a: 1n, b: 2n })).toEqual({ b: 2n });
    expect(run([{ action: 'delete', pattern: '^gen_ai\\.prompt\\.' }], { 'gen_ai.prompt.0.content': 'x', 'gen_ai.prompt.0.role': 'user', keep: 1n })).toEqual({ keep: 1n });
  });
  it('hash with SHA-256 hex', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(run([{ key: 'user.id', action: 'hash' }], { 'user.id': 'alice' })).toEqual({ 'user.id': sha('alice') });
    expect(run([{ action: 'hash', pattern: '^user\\.' }], { 'user.n': 42n })).toEqual({ 'user.n': sha('42') });
  });
  it('extract named groups into new keys, overwriting', () => {
    expect(run([{ key: 'http.url', action: 'extract', pattern: '^/api/(?<api_version>v\\d+)/(?P<api_resource>\\w+)' }], { 'http.url': '/api/v2/users?x=1', api_version: 'old' }))
      .toEqual({ 'http.url': '/api/v2/users?x=1', api_version: 'v2', api_resource: 'users' });
    expect(run([{ key: 'http.url', action: 'extract', pattern: '^/api/(?<v>v\\d+)' }], { 'http.url': '/other' })).toEqual({ 'http.url': '/other' });
  });
  it('convert to int, double and string; failures leave the value', () => {
    expect(run([{ key: 'a', action: 'convert', converted_type: 'int' }], { a: '42' })).toEqual({ a: 42n });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'int' }], { a: 3.9 })).toEqual({ a: 3n });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'int' }], { a: 'abc' })).toEqual({ a: 'abc' });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'double' }], { a: 7n })).toEqual({ a: 7 });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'double' }], { a: '2.5' })).toEqual({ a: 2.5 });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'string' }], { a: 7n })).toEqual({ a: '7' });
    expect(run([{ key: 'a', action: 'convert', converted_type: 'string' }], { a: true })).toEqual({ a: 'true' });
  });
  it('actions run in order', () => {
    expect(run([{ key: 'a', action: 'upsert', value: '1' }, { key: 'a', action: 'convert', converted_type: 'int' }, { key: 'b', action: 'insert', from_attribute: 'a' }], {}))
      .toEqual({ a: 1n, b: 1n });
  });
});

describe('attributes include / exclude and signals', () => {
  it('include and exclude select spans by name regexp or strictly', () => {
    const p = make(attributesProcessor, { actions: [{ key: 'x', action: 'insert', value: 'y' }], include: { span_names: ['^chat'] }, exclude: { match_type: 'strict', span_names: ['chat skip'] } });
    const out = allSpans(p.process(traces([span('chat gpt-4o'), span('chat skip'), span('http get')]), 'traces'));
    expect(out.map((s) => s.attributes['x'])).toEqual(['y', undefined, undefined]);
  });
  it('applies to log records and metric data points', () => {
    const p = make(attributesProcessor, { actions: [{ key: 'env', action: 'upsert', value: 'prod' }] });
    const l = p.process(logs([{ body: 'x' }]), 'logs');
    expect(l.logs![0]!.scopeLogs[0]!.logRecords[0]!.attributes).toEqual({ env: 'prod' });
    const m = p.process(metrics([gauge('g', [{ value: 1n }, { value: 2n }])]), 'metrics');
    expect(m.metrics![0]!.scopeMetrics[0]!.metrics[0]!.data.dataPoints.map((d) => d.attributes['env'])).toEqual(['prod', 'prod']);
  });
});

describe('resource', () => {
  it('acts on resource attributes of every signal', () => {
    const p = make(resourceProcessor, { attributes: [{ key: 'deployment.environment.name', action: 'upsert', value: 'prod' }, { key: 'host.ip', action: 'delete' }] });
    const t = p.process(traces([span('s')], { 'service.name': 'svc', 'host.ip': '10.0.0.1' }), 'traces');
    expect(t.traces![0]!.resource.attributes).toEqual({ 'service.name': 'svc', 'deployment.environment.name': 'prod' });
    const l = p.process(logs([{ body: 'x' }]), 'logs');
    expect(l.logs![0]!.resource.attributes['deployment.environment.name']).toBe('prod');
    const m = p.process(metrics([gauge('g', [{ value: 1n }])]), 'metrics');
    expect(m.metrics![0]!.resource.attributes['deployment.environment.name']).toBe('prod');
  });
  it('accepts actions: as well, and needs at least one', () => {
    expect(resourceConfigSchema.parse({ actions: [{ key: 'a', action: 'delete' }] }).attributes).toHaveLength(1);
    expect(resourceConfigSchema.safeParse({}).success).toBe(false);
  });
});

describe('action config errors', () => {
  const cases: [unknown, (string | number)[], RegExp][] = [
    [{ actions: [{ key: 'a', action: 'insert' }] }, ['actions', 0, 'value'], /exactly one of value or from_attribute/],
    [{ actions: [{ key: 'a', action: 'upsert', value: 1, from_attribute: 'b' }] }, ['actions', 0, 'value'], /exactly one/],
    [{ actions: [{ action: 'update', value: 1 }] }, ['actions', 0, 'key'], /needs a key/],
    [{ actions: [{ action: 'delete' }] }, ['actions', 0, 'key'], /key or a pattern/],
    [{ actions: [{ key: 'a', action: 'extract', pattern: '(\\d+)' }] }, ['actions', 0, 'pattern'], /no named groups/],
    [{ actions: [{ key: 'a', action: 'extract', pattern: '(?<x>' }] }, ['actions', 0, 'pattern'], /invalid regular expression/],
    [{ actions: [{ key: 'a', action: 'convert' }] }, ['actions', 0, 'converted_type'], /needs converted_type/],
    [{ actions: [{ key: 'a', action: 'convert', converted_type: 'float' }] }, ['actions', 0, 'converted_type'], /./],
    [{ actions: [{ key: 'a', action: 'rename' }] }, ['actions', 0, 'action'], /./],
    [{ actions: [{ key: 'a', action: 'delete', valeu: 1 }] }, ['actions', 0], /valeu/],
    [{ actions: [{ key: 'a', action: 'delete' }], include: { span_names: ['('] } }, ['include', 'span_names', 0], /invalid regular expression/],
    [{ actions: [] }, ['actions'], /./],
  ];
  it.each(cases)('%j', (config, path, message) => {
    const r = attributesConfigSchema.safeParse(config);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path.join('.'));
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe('PROCESSORS', () => {
  it('lists every processor once, with its signals', () => {
    expect(PROCESSORS.map((p) => p.type).sort()).toEqual(['attributes', 'filter', 'genai_cost', 'genai_normalize', 'redaction', 'resource']);
    for (const p of PROCESSORS) expect(p.configSchema.safeParse({}).success || p.type === 'attributes' || p.type === 'resource').toBe(true);
  });
});
