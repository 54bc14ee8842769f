import { describe, expect, it } from 'vitest';
import { errorOf as thrown } from '../helpers/input-error.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { otlpJsonCodec } from '../../src/formats/otlp/index.js';
import { KeyValueList } from '../../src/model/index.js';
import { otlpFixture } from './otlp.fixture.js';

const limits = DEFAULT_DECODE_LIMITS;
const body = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const TID = '5b8efff798038103d269b633813fc60c';
const SID = 'eee19b7ec3c1b174';

describe('OTLP/JSON decoding rules', () => {
  it('accepts snake_case keys like lowerCamelCase ones, enums by name, int64 as number or string', () => {
    const snake = {
      resource_spans: [{
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }], dropped_attributes_count: 2 },
        schema_url: 'https://opentelemetry.io/schemas/1.26.0',
        scope_spans: [{
          scope: { name: 's', version: '1' },
          spans: [{
            trace_id: TID.toUpperCase(), span_id: SID, parent_span_id: '', trace_state: 'k=v', name: 'op',
            kind: 'SPAN_KIND_CLIENT', start_time_unix_nano: 1717555200000000000, end_time_unix_nano: '1717555200000000001',
            attributes: [
              { key: 'i', value: { int_value: 5 } }, { key: 'd', value: { double_value: 5 } }, { key: 'b', value: { bytes_value: 'AQID' } },
              { key: 'a', value: { array_value: { values: [{ bool_value: true }, {}] } } },
              { key: 'kv', value: { kvlist_value: { values: [{ key: 'x', value: { string_value: 'y' } }] } } },
              { key: 'nan', value: { double_value: 'NaN' } },
            ],
            dropped_events_count: 1,
            events: [{ time_unix_nano: '5', name: 'e', attributes: [] }],
            links: [{ trace_id: TID, span_id: SID, flags: 256 }],
            status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
          }],
        }],
      }],
    };
    const r = decodeTracesJson(body(snake), limits);
    expect(r.accepted).toBe(1);
    const rs = r.telemetry.traces![0]!;
    expect(rs.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(rs.resource).toEqual({ attributes: { 'service.name': 'svc' }, droppedAttributesCount: 2 });
    const span = rs.scopeSpans[0]!.spans[0]!;
    expect(span.traceId).toBe(TID);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.kind).toBe(3);
    expect(span.startTimeUnixNano).toBe(1717555200000000000n);
    expect(span.endTimeUnixNano).toBe(1717555200000000001n);
    expect(span.attributes).toEqual({
      i: 5n, d: 5, b: new Uint8Array([1, 2, 3]), a: [true, null], kv: new KeyValueList({ x: 'y' }), nan: NaN,
    });
    expect(span.status).toEqual({ code: 2, message: 'boom' });
    expect(span.links[0]).toEqual({ traceId: TID, spanId: SID, attributes: {}, flags: 256 });
    expect(span.droppedEventsCount).toBe(1);
  });

  it('keeps int and double apart, and nanoseconds beyond 2^53 exact', () => {
    const r = decodeTracesJson(Buffer.from(otlpFixture.validBody as string), limits);
    const [chat, tool] = r.telemetry.traces![0]!.scopeSpans[0]!.spans;
    expect(chat!.startTimeUnixNano).toBe(1717555200000000123n);
    expect(chat!.attributes['gen_ai.usage.input_tokens']).toBe(1200n);
    expect(chat!.attributes['gen_ai.usage.output_tokens']).toBe(85n);
    expect(chat!.attributes['gen_ai.request.temperature']).toBe(0.2);
    expect(tool!.parentSpanId).toBe(chat!.spanId);
  });

  it('decodes metrics and logs with snake_case keys', () => {
    const m = decodeMetricsJson(body({
      resource_metrics: [{ scope_metrics: [{ metrics: [
        { name: 'g', gauge: { data_points: [{ time_unix_nano: '1', as_int: '-3', flags: 1 }] } },
        { name: 's', sum: { aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', is_monotonic: true, data_points: [{ as_double: 1.5 }] } },
        { name: 'h', histogram: { aggregation_temporality: 1, data_points: [{ count: '3', sum: 6, bucket_counts: ['1', 2], explicit_bounds: [1], min: 1, max: 3 }] } },
        { name: 'e', exponential_histogram: { data_points: [{ count: 2, scale: -1, zero_count: '1', positive: { offset: -2, bucket_counts: [1] }, zero_threshold: 0.5 }] } },
        { name: 'q', summary: { data_points: [{ count: 1, sum: 2, quantile_values: [{ quantile: 0.5, value: 2 }] }] } },
      ] }] }],
    }), limits);
    expect(m.accepted).toBe(5);
    const metrics = m.telemetry.metrics![0]!.scopeMetrics[0]!.metrics;
    expect(metrics[0]!.data).toEqual({ type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: 1n, value: -3n, flags: 1, stale: true }] });
    expect(metrics[1]!.data).toMatchObject({ type: 'sum', aggregationTemporality: 2, isMonotonic: true });
    expect(metrics[2]!.data.dataPoints[0]).toMatchObject({ count: 3, sum: 6, bucketCounts: [1, 2], explicitBounds: [1], min: 1, max: 3 });
    expect(metrics[3]!.data.dataPoints[0]).toMatchObject({ count: 2, scale: -1, zeroCount: 1, positive: { offset: -2, bucketCounts: [1] }, zeroThreshold: 0.5 });
    expect(metrics[4]!.data.dataPoints[0]).toMatchObject({ count: 1, sum: 2, quantileValues: [{ quantile: 0.5, value: 2 }] });

    const l = decodeLogsJson(body({
      resource_logs: [{ scope_logs: [{ log_records: [{
        time_unix_nano: '7', observed_time_unix_nano: '8', severity_number: 'SEVERITY_NUMBER_WARN', severity_text: 'WARN',
        body: { kvlist_value: { values: [{ key: 'msg', value: { string_value: 'hi' } }] } }, event_name: 'gen_ai.client.inference.operation.details',
        trace_id: TID, span_id: SID,
      }] }] }],
    }), limits);
    expect(l.telemetry.logs![0]!.scopeLogs[0]!.logRecords[0]).toEqual({
      timeUnixNano: 7n, observedTimeUnixNano: 8n, severityNumber: 13, severityText: 'WARN', body: new KeyValueList({ msg: 'hi' }),
      attributes: {}, eventName: 'gen_ai.client.inference.operation.details', traceId: TID, spanId: SID,
    });
  });
});

describe('OTLP/JSON errors name the field', () => {
  it('a wrong type refuses the request', () => {
    const e = thrown(() => decodeTracesJson(Buffer.from(otlpFixture.wrongType.body as string), limits));
    expect(e.status).toBe(400);
    expect(e.field).toBe('resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano');
    expect(e.message).toContain('startTimeUnixNano must be an integer');
  });

  it('a request whose only span lacks its id is refused naming spanId', () => {
    const e = thrown(() => decodeTracesJson(Buffer.from(otlpFixture.missingField.body as string), limits));
    expect(e.status).toBe(400);
    expect(e.message).toContain('spans[0].spanId is required');
  });

  it('names nested attribute fields', () => {
    const e = thrown(() => decodeTracesJson(body({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID, attributes: [{ key: 'k', value: { intValue: 'x1' } }] }] }] }] }), limits));
    expect(e.field).toBe('resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue');
  });

  it('refuses non-JSON, non-objects and arrays where lists belong', () => {
    expect(thrown(() => decodeTracesJson(Buffer.from('{"resourceSpans": ['), limits)).status).toBe(400);
    expect(thrown(() => decodeTracesJson(Buffer.from('[]'), limits)).message).toContain('JSON object');
    expect(thrown(() => decodeTracesJson(body({ resourceSpans: {} }), limits)).field).toBe('resourceSpans');
  });

  it('quotes a bad value cut short, not the whole multi-kilobyte string (found by test/hardening)', () => {
    const huge = '\u{1f600}'.repeat(30_000);
    const gauge = (point: Record<string, unknown>) => body({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [point] } }] }] }] });
    for (const point of [{ timeUnixNano: huge }, { asDouble: huge }, { timeUnixNano: '1', flags: '9'.repeat(60_000) }]) {
      const e = thrown(() => decodeMetricsJson(gauge(point), limits));
      expect(e.status).toBe(400);
      expect(e.message.length).toBeLessThan(300);
      expect(e.message).toMatch(/\(\d+ characters\)/);
    }
    const kind = thrown(() => decodeTracesJson(body({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID, kind: 'x'.repeat(60_000) }] }] }] }), limits));
    expect(kind.message.length).toBeLessThan(300);
    const id = decodeTracesJson(body({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'z'.repeat(60_000), spanId: SID }, { traceId: TID, spanId: SID }] }] }] }), limits);
    expect(id.rejected[0]!.message.length).toBeLessThan(300);
  });

  it('refuses an int64 string of a million digits as out of range without parsing it (found by test/hardening)', () => {
    const span = (start: string) => body({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID, startTimeUnixNano: start }] }] }] });
    const t0 = performance.now();
    const e = thrown(() => decodeTracesJson(span('9'.repeat(1_000_000)), limits));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(e.message).toContain('startTimeUnixNano is out of range for uint64');
    // Leading zeros are not significant.
    const ok = decodeTracesJson(span('0'.repeat(100) + '1717555200000000123'), limits);
    expect(ok.telemetry.traces![0]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano).toBe(1717555200000000123n);
    expect(thrown(() => decodeTracesJson(span('18446744073709551616'), limits)).message).toContain('out of range');
  });

  it('refuses more items than the limit with 413', () => {
    const spans = Array.from({ length: 3 }, () => ({ traceId: TID, spanId: SID }));
    const e = thrown(() => decodeTracesJson(body({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), { ...limits, maxItems: 2 }));
    expect(e.status).toBe(413);
  });
});

describe('partial success: bad items are rejected alone', () => {
  it('rejects spans with bad ids and keeps the rest, naming each field', () => {
    const good = { traceId: TID, spanId: SID, name: 'ok' };
    const r = decodeTracesJson(body({ resourceSpans: [{ scopeSpans: [{ spans: [
      good,
      { ...good, spanId: 'abcd' },
      { ...good, traceId: '00000000000000000000000000000000' },
      { ...good, parentSpanId: 'zz' },
      { ...good, traceId: 'W4e/95gDgQPSabYzgT/GDA==' },
      { ...good, links: [{ traceId: TID, spanId: '' }] },
    ] }] }] }), limits);
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => [x.index, x.field])).toEqual([
      [1, 'resourceSpans[0].scopeSpans[0].spans[1].spanId'],
      [2, 'resourceSpans[0].scopeSpans[0].spans[2].traceId'],
      [3, 'resourceSpans[0].scopeSpans[0].spans[3].parentSpanId'],
      [4, 'resourceSpans[0].scopeSpans[0].spans[4].traceId'],
      [5, 'resourceSpans[0].scopeSpans[0].spans[5].links[0].spanId'],
    ]);
    expect(r.rejected[0]!.message).toContain('must be 8 bytes');
    expect(r.rejected[3]!.message).toContain('must be hex');
    expect(r.telemetry.traces![0]!.scopeSpans[0]!.spans).toHaveLength(1);
  });

  it('rejects log records with bad ids and metric points with bad exemplar ids', () => {
    const l = decodeLogsJson(body({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TID }, { traceId: 'abc' }, {}] }] }] }), limits);
    expect(l.accepted).toBe(2);
    expect(l.rejected[0]!.field).toBe('resourceLogs[0].scopeLogs[0].logRecords[1].traceId');
    const m = decodeMetricsJson(body({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [
      { asInt: 1 }, { asInt: 2, exemplars: [{ spanId: '01' }] },
    ] } }, { name: 'nodata' }] }] }] }), limits);
    expect(m.accepted).toBe(1);
    expect(m.rejected.map((x) => x.field)).toEqual([
      'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[1].exemplars[0].spanId',
      'resourceMetrics[0].scopeMetrics[0].metrics[1].data',
    ]);
  });
});

describe('otlp-json translate codec', () => {
  it('decodes any signal and encodes one request body per signal', () => {
    const t = otlpJsonCodec.decode(Buffer.from(otlpFixture.validBody as string));
    expect(t.traces![0]!.scopeSpans[0]!.spans).toHaveLength(2);
    const text = otlpJsonCodec.encode(t);
    expect(otlpJsonCodec.decode(Buffer.from(text))).toEqual(t);
    const both = otlpJsonCodec.encode({ ...t, logs: [{ resource: { attributes: {} }, scopeLogs: [{ scope: { name: '' }, logRecords: [{ timeUnixNano: 1n, attributes: {} }] }] }] });
    expect(both.split('\n')).toHaveLength(2);
  });

  it('refuses input with rejected items instead of dropping them', () => {
    expect(() => otlpJsonCodec.decode(body({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID }, { traceId: TID, spanId: '1' }] }] }] }))).toThrow(/spanId/);
  });
});
