import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../src/formats/errors.js';
import { prometheusRemoteWrite } from '../../src/formats/prometheus/index.js';
import { decodeRemoteWrite } from '../../src/formats/prometheus/receiver.js';
import { prometheusName, sanitizeLabelName, sanitizeMetricName } from '../../src/formats/prometheus/sanitize.js';
import { Writer } from '../../src/formats/prometheus/wire.js';
import type { Metric, NumberDataPoint, Telemetry, HistogramDataPoint, SummaryDataPoint } from '../../src/model/index.js';
import { countItems, Temporality } from '../../src/model/index.js';
import { LIMITS, reqInfo, snappyBytes, V2_CT, v2RequestBody, writeRequestBody, writeRequestBytes } from './prometheus-helpers.js';

const route = prometheusRemoteWrite.receiver!.routes[0]!;
const T0 = 1_717_000_000_000;

function decode(body: Buffer, ct = 'application/x-protobuf', headers?: Record<string, string>) {
  return decodeRemoteWrite(body, reqInfo(ct, headers), LIMITS);
}

function metrics(t: Telemetry): Metric[] {
  return (t.metrics ?? []).flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).status;
  }
  return 0;
}

describe('prometheus remote-write receiver', () => {
  it('maps a gauge series onto a gauge point, job/instance onto the resource', () => {
    const r = decode(writeRequestBody([{ labels: { __name__: 'temperature', job: 'shop/api', instance: 'pod-1', room: 'a' }, samples: [[21.5, T0]] }]));
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toBe(1);
    const rm = r.telemetry.metrics![0]!;
    expect(rm.resource.attributes).toEqual({ 'service.namespace': 'shop', 'service.name': 'api', 'service.instance.id': 'pod-1' });
    const m = rm.scopeMetrics[0]!.metrics[0]!;
    expect(m.name).toBe('temperature');
    expect(m.data.type).toBe('gauge');
    expect(m.data.dataPoints[0]).toEqual({ attributes: { room: 'a' }, timeUnixNano: BigInt(T0) * 1_000_000n, value: 21.5 });
    expect(route.reply(r, reqInfo()).status).toBe(204);
  });

  it('treats _total as a monotonic cumulative sum, and metadata wins over conventions', () => {
    const r = decode(writeRequestBody(
      [
        { labels: { __name__: 'http_requests_total', code: '200' }, samples: [[5, T0]] },
        { labels: { __name__: 'queue_depth' }, samples: [[3, T0]] },
        { labels: { __name__: 'weird_total' }, samples: [[1, T0]] },
      ],
      [{ type: 1, metric_family_name: 'queue_depth', help: 'Items waiting', unit: '' }, { type: 2, metric_family_name: 'weird_total', help: '', unit: '' }],
    ));
    const [a, b, c] = metrics(r.telemetry);
    expect(a!.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: Temporality.CUMULATIVE });
    expect(b!.data.type).toBe('sum');
    expect(b!.description).toBe('Items waiting');
    expect(c!.data.type).toBe('gauge');
  });

  it('groups _bucket/_sum/_count of one family and label set into histogram points', () => {
    const L = { job: 'j', path: '/x' };
    const r = decode(writeRequestBody([
      { labels: { ...L, __name__: 'lat_bucket', le: '0.1' }, samples: [[2, T0], [3, T0 + 15000]] },
      { labels: { ...L, __name__: 'lat_bucket', le: '1' }, samples: [[5, T0], [7, T0 + 15000]] },
      { labels: { ...L, __name__: 'lat_bucket', le: '+Inf' }, samples: [[6, T0], [9, T0 + 15000]] },
      { labels: { ...L, __name__: 'lat_sum' }, samples: [[1.5, T0], [2.5, T0 + 15000]] },
      { labels: { ...L, __name__: 'lat_count' }, samples: [[6, T0], [9, T0 + 15000]] },
      { labels: { job: 'j', path: '/y', __name__: 'lat_count' }, samples: [[1, T0]] },
      { labels: { job: 'j', path: '/y', __name__: 'lat_bucket', le: '+Inf' }, samples: [[1, T0]] },
    ]));
    const ms = metrics(r.telemetry);
    expect(ms).toHaveLength(1);
    expect(ms[0]!.name).toBe('lat');
    const pts = ms[0]!.data.dataPoints as HistogramDataPoint[];
    expect(pts).toHaveLength(3);
    expect(pts[0]).toEqual({ attributes: { path: '/x' }, timeUnixNano: BigInt(T0) * 1_000_000n, count: 6, sum: 1.5, bucketCounts: [2, 3, 1], explicitBounds: [0.1, 1] });
    expect(pts[1]).toMatchObject({ count: 9, sum: 2.5, bucketCounts: [3, 4, 2] });
    expect(pts[2]).toMatchObject({ attributes: { path: '/y' }, count: 1, bucketCounts: [1], explicitBounds: [] });
  });

  it('groups quantile series with _sum/_count into summary points', () => {
    const r = decode(writeRequestBody([
      { labels: { __name__: 'rpc', quantile: '0.5' }, samples: [[0.2, T0]] },
      { labels: { __name__: 'rpc', quantile: '0.99' }, samples: [[0.9, T0]] },
      { labels: { __name__: 'rpc_sum' }, samples: [[12, T0]] },
      { labels: { __name__: 'rpc_count' }, samples: [[40, T0]] },
    ]));
    const [m] = metrics(r.telemetry);
    expect(m!.data.type).toBe('summary');
    expect((m!.data.dataPoints as SummaryDataPoint[])[0]).toMatchObject({ count: 40, sum: 12, quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }] });
  });

  it('carries the stale marker (exact NaN bits) as stale: true, and a plain NaN as a value', () => {
    // Built by hand: the stale bits 0x7ff0000000000002 must reach the wire untouched.
    const w = Writer.create();
    w.uint32(10).fork();
    w.uint32(10).fork().uint32(10).string('__name__').uint32(18).string('up').ldelim();
    w.uint32(18).fork().uint32(9).fixed32(2).fixed32(0x7ff00000).uint32(16).int64(T0).ldelim();
    w.uint32(18).fork().uint32(9).double(NaN).uint32(16).int64(T0 + 1).ldelim();
    w.ldelim();
    const r = decode(snappyBytes(w.finish()));
    const pts = metrics(r.telemetry)[0]!.data.dataPoints as NumberDataPoint[];
    expect(pts[0]!.stale).toBe(true);
    expect(pts[0]!.flags).toBe(1);
    expect(Number.isNaN(pts[1]!.value)).toBe(true);
    expect(pts[1]!.stale).toBeUndefined();
  });

  it('accepts the valid series of a request, refuses the bad ones and answers 400 naming them', () => {
    const r = decode(writeRequestBody([
      { labels: { __name__: 'ok_one' }, samples: [[1, T0]] },
      { labels: [['__name__', 'bad'], ['b', '1'], ['a', '2']], samples: [[1, T0]] },
      { labels: [['__name__', 'dup'], ['a', '1'], ['a', '2']], samples: [[1, T0]] },
      { labels: [['a', '1']], samples: [[1, T0]] },
      { labels: [['', 'x'], ['__name__', 'empty']], samples: [[1, T0]] },
      { labels: { __name__: 'ok_two' }, samples: [[2, T0]] },
    ]));
    expect(r.accepted).toBe(2);
    expect(metrics(r.telemetry).map((m) => m.name)).toEqual(['ok_one', 'ok_two']);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2, 3, 4]);
    expect(r.rejected[0]!.message).toContain('not sorted');
    expect(r.rejected[1]!.message).toContain('twice');
    expect(r.rejected[2]!.message).toContain('__name__');
    expect(r.rejected[3]!.message).toContain('empty name');
    const reply = route.reply(r, reqInfo());
    expect(reply.status).toBe(400);
    expect(String(reply.body)).toContain('timeseries[1] bad{');
  });

  it('answers 204 to an empty WriteRequest and to a metadata-only one', () => {
    expect(route.reply(decode(snappyBytes(new Uint8Array(0))), reqInfo()).status).toBe(204);
    const meta = decode(writeRequestBody([], [{ type: 1, metric_family_name: 'x', help: 'h', unit: '' }]));
    expect(countItems(meta.telemetry)).toBe(0);
    expect(route.reply(meta, reqInfo()).status).toBe(204);
  });

  it('refuses bodies that are not snappy, framed snappy, or not protobuf with 400', () => {
    expect(statusOf(() => decode(Buffer.from('hello, not snappy at all \xff\xff\xff\xff\xff\xff', 'latin1')))).toBe(400);
    expect(statusOf(() => decode(Buffer.alloc(0)))).toBe(400);
    const framed = Buffer.concat([Buffer.from([0xff, 0x06, 0x00, 0x00]), Buffer.from('sNaPpY'), Buffer.from([0x01, 0x05, 0, 0, 0, 0, 0, 0, 0])]);
    expect(statusOf(() => decode(framed))).toBe(400);
    expect(statusOf(() => decode(snappyBytes(Buffer.from([0x0a, 0x7f, 0x01]))))).toBe(400);
    expect(statusOf(() => decode(snappyBytes(Buffer.from('{"timeseries":[]}'))))).toBe(400);
  });

  it('refuses a snappy block declaring more than its bytes can expand to, before allocating (found by test/hardening)', () => {
    // 4 bytes declaring 64 MiB: used to allocate the 64 MiB output, then fail on its zeros.
    const before = process.memoryUsage().arrayBuffers;
    expect(statusOf(() => decode(Buffer.from([0x80, 0x80, 0x80, 0x20])))).toBe(400);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
    // The densest real stream (3-byte copies of 64 bytes each) still decodes.
    const copies = Buffer.alloc(3 * 1000);
    for (let i = 0; i < 1000; i++) copies.set([0xfe, 0x01, 0x00], i * 3);
    const dense = Buffer.concat([Buffer.from([0x80 | (64_001 & 0x7f), (64_001 >> 7) & 0x7f | 0x80, 64_001 >> 14]), Buffer.from([0x00, 0x00]), copies]);
    expect(statusOf(() => decode(dense))).toBe(400); // 64,001 zero bytes: snappy fine, protobuf not
    expect(String((() => { try { decode(dense); } catch (e) { return (e as Error).message; } })())).toContain('protobuf');
  });

  it('decodes raw protobuf when the body came gzip-encoded (already inflated by the server)', () => {
    const r = decode(Buffer.from(writeRequestBytes([{ labels: { __name__: 'x' }, samples: [[1, T0]] }])), 'application/x-protobuf', { 'content-encoding': 'gzip' });
    expect(r.accepted).toBe(1);
    expect(statusOf(() => decode(Buffer.from('x'), 'application/x-protobuf', { 'content-encoding': 'br' }))).toBe(415);
  });

  it('answers 415 for an unknown proto= message', () => {
    expect(statusOf(() => decode(writeRequestBody([]), 'application/x-protobuf;proto=com.example.Other'))).toBe(415);
    expect(decode(writeRequestBody([]), 'application/x-protobuf;proto=prometheus.WriteRequest').accepted).toBe(0);
  });

  it('refuses more series than maxItems with 413', () => {
    const body = writeRequestBody(Array.from({ length: 5 }, (_, i) => ({ labels: { __name__: `m${i}` }, samples: [[1, T0]] as [number, number][] })));
    expect(statusOf(() => decodeRemoteWrite(body, reqInfo(), { ...LIMITS, maxItems: 4 }))).toBe(413);
  });

  it('a remote-write 2.0 request decodes to the same points as its 1.0 equivalent', () => {
    const series: { labels: Record<string, string>; samples: [number, number][] }[] = [
      { labels: { __name__: 'http_requests_total', job: 'api', instance: 'i1', method: 'GET' }, samples: [[10, T0], [12, T0 + 15000]] as [number, number][] },
      { labels: { __name__: 'mem_bytes', job: 'api', instance: 'i1' }, samples: [[1024, T0]] as [number, number][] },
      { labels: { __name__: 'lat_bucket', job: 'api', instance: 'i1', le: '0.5' }, samples: [[1, T0]] as [number, number][] },
      { labels: { __name__: 'lat_bucket', job: 'api', instance: 'i1', le: '+Inf' }, samples: [[3, T0]] as [number, number][] },
      { labels: { __name__: 'lat_sum', job: 'api', instance: 'i1' }, samples: [[0.9, T0]] as [number, number][] },
      { labels: { __name__: 'lat_count', job: 'api', instance: 'i1' }, samples: [[3, T0]] as [number, number][] },
    ];
    const v1 = decode(writeRequestBody(series));
    const v2 = decode(v2RequestBody(series), V2_CT);
    expect(v2.rejected).toEqual([]);
    expect(v2.telemetry).toEqual(v1.telemetry);
    const reply = route.reply(v2, reqInfo(V2_CT));
    expect(reply.status).toBe(204);
    expect(reply.headers).toMatchObject({
      'x-prometheus-remote-write-samples-written': '7',
      'x-prometheus-remote-write-histograms-written': '0',
      'x-prometheus-remote-write-exemplars-written': '0',
    });
    // 1.0 answers carry no 2.0 headers.
    expect(route.reply(v1, reqInfo()).headers).toEqual({});
  });

  it('uses 2.0 per-series metadata and created timestamps', () => {
    const r = decode(v2RequestBody([{ labels: { __name__: 'jobs_done' }, samples: [[4, T0]], metadata: { type: 1, help: 'Jobs done', unit: 'jobs' }, created: T0 - 60000 }]), V2_CT);
    const [m] = metrics(r.telemetry);
    expect(m).toMatchObject({ name: 'jobs_done', description: 'Jobs done', unit: 'jobs', data: { type: 'sum', isMonotonic: true } });
    expect((m!.data.dataPoints[0] as NumberDataPoint).startTimeUnixNano).toBe(BigInt(T0 - 60000) * 1_000_000n);
  });

  it('rejects a 2.0 series with a symbol reference outside the table, keeping the others', async () => {
    const { promTypes } = await import('../../src/formats/prometheus/proto.js');
    const T = promTypes();
    const bytes = T.V2Request.encode(T.V2Request.fromObject({
      symbols: ['', '__name__', 'good'],
      timeseries: [{ labels_refs: [1, 2], samples: [{ value: 1, timestamp: T0 }] }, { labels_refs: [1, 9], samples: [{ value: 1, timestamp: T0 }] }],
    })).finish();
    const r = decode(snappyBytes(bytes), V2_CT);
    expect(r.accepted).toBe(1);
    expect(r.rejected[0]!.message).toContain('symbol 9');
    const bad = T.V2Request.encode(T.V2Request.fromObject({ symbols: ['x'], timeseries: [] })).finish();
    expect(statusOf(() => decode(snappyBytes(bad), V2_CT))).toBe(400);
    const reply = prometheusRemoteWrite.receiver!.errorReply({ kind: 'input', error: new InputError('symbols', 'bad') }, reqInfo(V2_CT));
    expect(reply.headers!['x-prometheus-remote-write-samples-written']).toBe('0');
  });

  it('maps native histograms to exponential histogram points', () => {
    const r = decode(writeRequestBody([{
      labels: { __name__: 'rpc_seconds' },
      histograms: [{ count_int: 6, sum: 3.5, schema: 0, zero_threshold: 0.001, zero_count_int: 1, positive_spans: [{ offset: 1, length: 2 }, { offset: 1, length: 1 }], positive_deltas: [2, -1, 1], timestamp: T0 }],
    }]));
    expect(r.accepted).toBe(1);
    const [m] = metrics(r.telemetry);
    expect(m!.data.type).toBe('exponentialHistogram');
    expect(m!.data.dataPoints[0]).toMatchObject({ count: 6, sum: 3.5, scale: 0, zeroCount: 1, zeroThreshold: 0.001, positive: { offset: 0, bucketCounts: [2, 1, 0, 2] } });
  });

  it('back-pressure is 503 with Retry-After (Prometheus drops batches on 429)', () => {
    const reply = prometheusRemoteWrite.receiver!.errorReply({ kind: 'backpressure', message: 'queue full', retryAfterSeconds: 2 }, reqInfo());
    expect(reply.status).toBe(503);
    expect(reply.headers!['retry-after']).toBe('2');
  });

  it('random bytes never throw anything but InputError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.boolean(), (bytes, compress, v2) => {
      const body = compress ? snappyBytes(bytes) : Buffer.from(bytes);
      try {
        decode(body, v2 ? V2_CT : 'application/x-protobuf');
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
    }), { numRuns: 2000 });
  });
});

describe('name sanitising', () => {
  it('follows the OpenTelemetry → Prometheus rules', () => {
    expect(sanitizeMetricName('http.server.duration')).toBe('http_server_duration');
    expect(sanitizeMetricName('2xx-rate!!')).toBe('_2xx_rate_');
    expect(sanitizeMetricName('a:b')).toBe('a:b');
    expect(sanitizeLabelName('http.method')).toBe('http_method');
    expect(sanitizeLabelName('0day')).toBe('key_0day');
    expect(sanitizeLabelName('__secret')).toBe('key__secret');
    expect(prometheusName('gen_ai.client.token.usage', { counter: true, gauge: false, addUnitSuffix: false })).toBe('gen_ai_client_token_usage_total');
    expect(prometheusName('requests_total', { counter: true, gauge: false, addUnitSuffix: false })).toBe('requests_total');
    expect(prometheusName('http.server.duration', { unit: 's', counter: false, gauge: false, addUnitSuffix: true })).toBe('http_server_duration_seconds');
    expect(prometheusName('mem', { unit: 'By', counter: true, gauge: false, addUnitSuffix: true })).toBe('mem_bytes_total');
    expect(prometheusName('util', { unit: '1', counter: false, gauge: true, addUnitSuffix: true })).toBe('util_ratio');
    expect(prometheusName('tput', { unit: 'By/s', counter: false, gauge: true, addUnitSuffix: true })).toBe('tput_bytes_per_second');
    expect(prometheusName('tokens', { unit: '{token}', counter: true, gauge: false, addUnitSuffix: true })).toBe('tokens_total');
  });
});
