import { answerOf } from '../helpers/answer.js';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFor } from '../helpers/encode-with.js';
import fc from 'fast-check';
import { InputError } from '../../src/formats/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { infrasage } from '../../src/formats/infrasage/index.js';
import { decodeBatch, decodeSingle } from '../../src/formats/infrasage/receiver.js';
import type { DecodeResult, EncodeContext, RequestInfo } from '../../src/formats/types.js';
import type { Telemetry } from '../../src/model/index.js';
import { countItems, Temporality } from '../../src/model/index.js';
import { startInfraSage, type InfraSageStandin } from '../standins/infrasage.js';
import { DOC_EXAMPLE_NOW_NS, INFRASAGE_DOC_EXAMPLE } from './infrasage.fixture.js';

const recv = infrasage.receiver!;
const exp = infrasage.exporter!;
const NOW = DOC_EXAMPLE_NOW_NS;
const req = (path: string): RequestInfo => ({ method: 'POST', path, mediaType: 'application/json', contentType: 'application/json', headers: {} });
const single = (v: unknown, now = NOW) => decodeSingle(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), req('/api/v1/telemetry'), DEFAULT_DECODE_LIMITS, now);
const batch = (v: unknown, now = NOW) => decodeBatch(Buffer.from(JSON.stringify(v)), req('/api/v1/telemetry/batch'), DEFAULT_DECODE_LIMITS, now);
const singleRoute = recv.routes.find((r) => r.path === '/api/v1/telemetry')!;
const batchRoute = recv.routes.find((r) => r.path === '/api/v1/telemetry/batch')!;
const ctx = (notes: [string, number, string][] = []): EncodeContext => ({ config: optionsFor(infrasage.exporter!, { timeout_ms: 1000 }), note: (e, n, r) => notes.push([e, n, r]) });

function errorBody(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return recv.errorReply({ kind: 'input', error: e as InputError }, req('/api/v1/telemetry'));
  }
  throw new Error('expected an InputError');
}

const rec = (over: Record<string, unknown> = {}) => ({ ...INFRASAGE_DOC_EXAMPLE, ...over });

describe('infrasage receiver', () => {
  it('accepts the documented example and answers {"status":"ok","queued":1}', () => {
    const r = single(INFRASAGE_DOC_EXAMPLE);
    expect(singleRoute.reply(r, req('/api/v1/telemetry'))).toEqual({ status: 200, body: { status: 'ok', queued: 1 } });
    const rm = r.telemetry.metrics![0]!;
    expect(rm.resource.attributes).toEqual({ 'service.name': 'payment-api' });
    const m = rm.scopeMetrics[0]!.metrics[0]!;
    expect(m).toMatchObject({ name: 'cpu_usage_percent', data: { type: 'gauge' } });
    expect(m.data.dataPoints[0]).toEqual({ attributes: { region: 'us-east-1', env: 'production' }, timeUnixNano: BigInt(Date.parse('2026-04-10T12:00:00Z')) * 1_000_000n, value: 87.3 });
  });

  it('keeps nanosecond timestamps', () => {
    const r = single(rec({ timestamp: '2026-04-10T12:00:00.123456789Z' }));
    expect(r.telemetry.metrics![0]!.scopeMetrics[0]!.metrics[0]!.data.dataPoints[0]!.timeUnixNano % 1_000_000_000n).toBe(123456789n);
  });

  it.each([
    [rec({ value: 'NaN' }), 'invalid_value', 'value must be a finite float64; got NaN'],
    [rec({ value: '87.3' }), 'invalid_value', 'value must be a finite float64; got string "87.3"'],
    [rec({ service_id: undefined }), 'missing_service_id', 'service_id is required'],
    [rec({ service_id: 7 }), 'invalid_service_id', 'service_id must be a string; got number'],
    [rec({ timestamp: '2026-04-09T11:00:00Z' }), 'timestamp_too_old', 'Timestamp is more than 24h in the past'],
    [rec({ timestamp: undefined }), 'missing_timestamp', 'timestamp is required'],
    [rec({ timestamp: '10/04/2026' }), 'invalid_timestamp', 'timestamp must be an RFC3339 string; got "10/04/2026"'],
    [rec({ timestamp: 1712750400 }), 'invalid_timestamp', 'timestamp must be an RFC3339 string; got number'],
    [rec({ type: 'span' }), 'invalid_type', 'type must be one of metric, log, trace, event, profile, slo; got "span"'],
    [rec({ metric_name: undefined }), 'missing_metric_name', 'metric_name is required for type metric'],
    [rec({ type: 'slo', value: undefined }), 'missing_value', 'value is required for type slo'],
    [rec({ type: 'log', metric_name: undefined, value: undefined }), 'missing_body', 'body is required for type log'],
    [rec({ type: 'event', body: 42 }), 'invalid_body', 'body must be a string; got number'],
    [rec({ trace_id: 5 }), 'invalid_trace_id', 'trace_id must be a string; got number'],
    [rec({ attributes: ['a'] }), 'invalid_attributes', 'attributes must be an object; got array'],
    [[1], 'invalid_record', 'a telemetry record must be a JSON object'],
  ])('refuses %j with %s', (body, code, message) => {
    expect(errorBody(() => single(body))).toEqual({ status: 400, body: { status: 'error', error: code, message } });
  });

  it('quotes a bad type or timestamp cut short, not the whole string (found by test/hardening)', () => {
    for (const over of [{ type: 'x'.repeat(70_000) }, { timestamp: 'y'.repeat(70_000) }]) {
      const reply = errorBody(() => single(rec(over)));
      expect(reply.status).toBe(400);
      expect(JSON.stringify(reply.body).length).toBeLessThan(300);
    }
  });

  it('refuses a body that is not JSON with invalid_json', () => {
    expect(errorBody(() => single('{oops'))).toMatchObject({ status: 400, body: { status: 'error', error: 'invalid_json' } });
  });

  it('reproduces the documented batch response (partial success)', () => {
    const records = Array.from({ length: 1002 }, (_, i) => rec({ value: i }));
    records[45] = rec({ timestamp: '2026-04-08T00:00:00Z' });
    records[99] = rec({ service_id: undefined });
    const r = batch(records);
    expect(batchRoute.reply(r, req('/api/v1/telemetry/batch'))).toEqual({
      status: 200,
      body: {
        status: 'ok', queued: 1000, failed: 2,
        failures: [
          { index: 45, error: 'timestamp_too_old', message: 'Timestamp is more than 24h in the past' },
          { index: 99, error: 'missing_service_id', message: 'service_id is required' },
        ],
      },
    });
    expect(countItems(r.telemetry)).toBe(1000);
  });

  it('keeps the valid records of a batch with three bad ones', () => {
    const r = batch([rec(), rec({ value: 'Infinity' }), rec({ type: 'log', body: 'hello', metric_name: undefined, value: undefined }), { nope: true }, rec({ type: 'x' }), rec({ type: 'trace', value: 12.5, trace_id: 't1' })]);
    expect(r.accepted).toBe(3);
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual([[1, 'invalid_value'], [3, 'missing_service_id'], [4, 'invalid_type']]);
    expect(r.rejected[0]!.message).toBe('value must be a finite float64; got +Inf');
    expect(countItems(r.telemetry, 'metrics') + countItems(r.telemetry, 'logs') + countItems(r.telemetry, 'traces')).toBe(3);
  });

  it('refuses a 10,001-record batch with 413 naming the limit, accepts 10,000', () => {
    const ten = Array.from({ length: 10_000 }, () => rec());
    expect(batch(ten).accepted).toBe(10_000);
    const reply = errorBody(() => batch([...ten, rec()]));
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ status: 'error', error: 'batch_too_large', message: expect.stringContaining('10,000') });
  });

  it('refuses a batch that is not an array', () => {
    expect(errorBody(() => batch(rec()))).toMatchObject({ status: 400, body: { error: 'invalid_batch' } });
  });

  it('lists the telemetry types', () => {
    const types = recv.routes.find((r) => r.method === 'GET')!;
    expect(types.path).toBe('/api/v1/telemetry-types');
    expect(types.reply(undefined, { ...req(types.path), method: 'GET' })).toEqual({ status: 200, body: { types: ['metric', 'log', 'trace', 'event', 'profile', 'slo'], default: 'metric' } });
  });

  it('answers back-pressure with 429 rate_limit_exceeded and Retry-After', () => {
    const r = recv.errorReply({ kind: 'backpressure', message: 'queue full', retryAfterSeconds: 3 }, req('/api/v1/telemetry'));
    expect(r.status).toBe(429);
    expect(r.headers).toEqual({ 'retry-after': '3' });
    expect(r.body).toMatchObject({ status: 'error', error: 'rate_limit_exceeded' });
  });

  it('takes an optional X-API-Key', () => {
    expect(recv.auth).toEqual({ header: 'x-api-key', required: false });
  });

  it('maps every record type', () => {
    const r = batch([
      rec({ type: 'slo', metric_name: 'availability', value: 99.9 }),
      rec({ type: 'profile', metric_name: 'cpu_profile_ms', value: 12 }),
      rec({ type: 'log', body: 'payment failed', metric_name: undefined, value: undefined, trace_id: 'abc' }),
      rec({ type: 'event', body: 'deployed v2', metric_name: 'deploy', value: undefined }),
      rec({ type: 'trace', metric_name: 'charge', value: 250.5, trace_id: 'trace-1', attributes: { span_id: 's1', parent_span_id: 's0', region: 'eu' } }),
    ]);
    const ms = r.telemetry.metrics![0]!.scopeMetrics[0]!.metrics;
    expect(ms.map((m) => [m.name, m.data.dataPoints[0]!.attributes['infrasage.type']])).toEqual([['availability', 'slo'], ['cpu_profile_ms', 'profile']]);
    const logs = r.telemetry.logs![0]!.scopeLogs[0]!.logRecords;
    expect(logs[0]).toMatchObject({ body: 'payment failed', traceId: 'abc' });
    expect(logs[1]).toMatchObject({ body: 'deployed v2', eventName: 'deploy', attributes: { 'infrasage.type': 'event' } });
    const span = r.telemetry.traces![0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({ traceId: 'trace-1', spanId: 's1', parentSpanId: 's0', name: 'charge', attributes: { region: 'eu' } });
    expect(span.endTimeUnixNano - span.startTimeUnixNano).toBe(250_500_000n);
  });

  it('random bytes and random JSON never throw anything but InputError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      for (const fn of [decodeSingle, decodeBatch]) {
        try { fn(Buffer.from(bytes), req('/'), DEFAULT_DECODE_LIMITS, NOW); } catch (e) { if (!(e instanceof InputError)) throw e; }
      }
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      for (const fn of [decodeSingle, decodeBatch]) {
        try { fn(Buffer.from(JSON.stringify(v) ?? 'null'), req('/'), DEFAULT_DECODE_LIMITS, NOW); } catch (e) { if (!(e instanceof InputError)) throw e; }
      }
    }), { numRuns: 1000 });
  });
});

describe('infrasage exporter', () => {
  it('round trips the documented example and every record type', () => {
    const input = [
      INFRASAGE_DOC_EXAMPLE,
      rec({ type: 'slo', metric_name: 'availability', value: 99.9 }),
      { service_id: 'payment-api', type: 'log', body: 'payment failed', timestamp: '2026-04-10T12:00:01.5Z', trace_id: 'abc' },
      { service_id: 'payment-api', type: 'event', body: 'deployed', metric_name: 'deploy', timestamp: '2026-04-10T12:00:02Z' },
      { service_id: 'payment-api', type: 'trace', metric_name: 'charge', value: 250.5, trace_id: 'trace-1', timestamp: '2026-04-10T12:00:03.000000001Z', attributes: { span_id: 's1', region: 'eu' } },
    ];
    const r = batch(input);
    expect(r.rejected).toEqual([]);
    const [out] = exp.encode(r.telemetry, ctx());
    expect(out!.path).toBe('/api/v1/telemetry/batch');
    expect(out!.contentType).toBe('application/json');
    const sent = JSON.parse(out!.body as string) as unknown[];
    expect(out!.records).toEqual(sent);
    const byType = (t: string) => sent.filter((x) => (x as { type: string }).type === t);
    expect(byType('metric')[0]).toEqual(INFRASAGE_DOC_EXAMPLE);
    expect(byType('slo')[0]).toEqual(input[1]);
    expect(byType('log')[0]).toEqual(input[2]);
    expect(byType('event')[0]).toEqual(input[3]);
    expect(byType('trace')[0]).toEqual(input[4]);
    // And back again: the same model.
    expect(batch(sent).telemetry).toEqual(r.telemetry);
  });

  it('skips stale markers and refuses each non-finite point alone, counting both', () => {
    const notes: [string, number, string][] = [];
    const refused: string[] = [];
    const NS = NOW;
    const t: Telemetry = { metrics: [{ resource: { attributes: { 'service.name': 's' } }, scopeMetrics: [{ scope: { name: 'x' }, metrics: [
      { name: 'g', data: { type: 'gauge', dataPoints: [
        { attributes: {}, timeUnixNano: NS, value: 1 }, { attributes: {}, timeUnixNano: NS, value: NaN },
        { attributes: {}, timeUnixNano: NS, value: NaN, stale: true }, { attributes: {}, timeUnixNano: NS, value: Infinity },
      ] } },
      { name: 'h', data: { type: 'histogram', aggregationTemporality: Temporality.CUMULATIVE, dataPoints: [{ attributes: {}, timeUnixNano: NS, count: 3, sum: 1.5, bucketCounts: [3], explicitBounds: [] }] } },
    ] }] }] };
    const [out] = exp.encode(t, { ...ctx(notes), refuse: (p, why) => refused.push(`${p.metrics![0]!.scopeMetrics[0]!.metrics[0]!.data.dataPoints.length}:${why}`) });
    expect((out!.records as { metric_name: string; value: number }[]).map((r) => [r.metric_name, r.value])).toEqual([['g', 1], ['h_count', 3], ['h_sum', 1.5], ['h_bucket', 3]]);
    expect(notes.filter((n) => n[0] === 'skipped').reduce((a, n) => a + n[1], 0)).toBe(1);
    expect(refused).toEqual([
      '1:infrasage: value must be a finite float64; metric g has NaN',
      '1:infrasage: value must be a finite float64; metric g has Infinity',
    ]);
  });

  it('splits into batches of at most 10,000 records', () => {
    const points = Array.from({ length: 25_000 }, (_, i) => ({ attributes: {}, timeUnixNano: NOW, value: i }));
    const t: Telemetry = { metrics: [{ resource: { attributes: {} }, scopeMetrics: [{ scope: { name: 'x' }, metrics: [{ name: 'g', data: { type: 'gauge', dataPoints: points } }] }] }] };
    expect(exp.encode(t, ctx()).map((r) => r.items)).toEqual([10_000, 10_000, 5_000]);
  });

  it('reads partial success as dead-letter-able rejections, 429/5xx as retry, 4xx as reject', () => {
    const [out] = exp.encode(single(INFRASAGE_DOC_EXAMPLE).telemetry, ctx());
    const body = Buffer.from(JSON.stringify({ status: 'ok', queued: 1, failed: 1, failures: [{ index: 0, error: 'timestamp_too_old', message: 'Timestamp is more than 24h in the past' }] }));
    expect(answerOf(exp, 200, {}, body, out!)).toEqual({ kind: 'partial', rejected: { count: 1, byIndex: [{ index: 0, reason: 'timestamp_too_old: Timestamp is more than 24h in the past' }] } });
    expect(answerOf(exp, 200, {}, Buffer.from('{"status":"ok","queued":1,"failed":0,"failures":[]}'), out!)).toEqual({ kind: 'ok' });
    expect(answerOf(exp, 429, { 'retry-after': '2' }, Buffer.from('{"status":"error","error":"rate_limit_exceeded","message":"quota"}'), out!)).toMatchObject({ kind: 'retry', retryAfterMs: 2000 });
    expect(answerOf(exp, 502, {}, Buffer.from(''), out!)).toMatchObject({ kind: 'retry' });
    expect(answerOf(exp, 400, {}, Buffer.from('{"status":"error","error":"invalid_value","message":"bad"}'), out!)).toMatchObject({ kind: 'reject', reason: expect.stringContaining('invalid_value') });
  });
});

describe('infrasage exporter against the strict stand-in', () => {
  let standin: InfraSageStandin | undefined;
  afterEach(async () => { await standin?.close(); standin = undefined; });

  async function post(r: { path: string; contentType: string; body: Uint8Array | string }, key?: string) {
    const res = await fetch(standin!.url + r.path, { method: 'POST', headers: { 'content-type': r.contentType, ...(key ? { 'x-api-key': key } : {}) }, body: r.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  it('delivers every record type, with the API key, and dead-letters what the vendor refuses', async () => {
    standin = await startInfraSage({ apiKey: 'isage_k' });
    const now = new Date().toISOString();
    const d = batch([
      rec({ timestamp: now }),
      rec({ timestamp: now, type: 'log', body: 'x', metric_name: undefined, value: undefined }),
      rec({ timestamp: now, type: 'trace', trace_id: 't', value: 3 }),
      rec({ timestamp: now, type: 'event', body: 'e', metric_name: undefined, value: undefined }),
    ], BigInt(Date.now()) * 1_000_000n);
    const [out] = exp.encode(d.telemetry, ctx());
    expect((await post(out!)).status).toBe(401);
    const res = await post(out!, 'isage_k');
    expect(answerOf(exp, res.status, res.headers, res.body, out!)).toEqual({ kind: 'ok' });
    expect(standin.received).toHaveLength(4);

    // A record too old for the vendor is refused by index and becomes a partial rejection.
    const old: DecodeResult = batch([rec({ timestamp: '2026-04-10T12:00:00Z' })]);
    const [oldOut] = exp.encode(old.telemetry, ctx());
    const r2 = await post(oldOut!, 'isage_k');
    expect(answerOf(exp, r2.status, r2.headers, r2.body, oldOut!)).toEqual({ kind: 'partial', rejected: { count: 1, byIndex: [{ index: 0, reason: 'timestamp_too_old: Timestamp is more than 24h in the past' }] } });
  });

  it('retries induced failures with Retry-After', async () => {
    standin = await startInfraSage({ failTimes: 1, failStatus: 429, retryAfter: '1' });
    const [out] = exp.encode(single(rec({ timestamp: new Date().toISOString() }), BigInt(Date.now()) * 1_000_000n).telemetry, ctx());
    const r1 = await post(out!);
    expect(answerOf(exp, r1.status, r1.headers, r1.body, out!)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 1000 });
    const r2 = await post(out!);
    expect(answerOf(exp, r2.status, r2.headers, r2.body, out!)).toEqual({ kind: 'ok' });
    expect(standin.received).toHaveLength(1);
  });
});
