import { answerOf } from '../helpers/answer.js';
import { describe, expect, it } from 'vitest';
import { optionsFor } from '../helpers/encode-with.js';
import snappy from 'snappyjs';
import { prometheusRemoteWrite } from '../../src/formats/prometheus/index.js';
import { decodeRemoteWrite } from '../../src/formats/prometheus/receiver.js';
import { promTypes } from '../../src/formats/prometheus/proto.js';
import type { EncodeContext } from '../../src/formats/types.js';
import type { Telemetry } from '../../src/model/index.js';
import { KeyValueList, Temporality } from '../../src/model/index.js';
import { LIMITS, reqInfo } from './prometheus-helpers.js';

const exp = prometheusRemoteWrite.exporter!;
const NS = 1_717_000_000_000n * 1_000_000n;

function ctx(extra: Record<string, unknown> = {}, notes: [string, number, string][] = []): EncodeContext {
  return { config: optionsFor(exp, { timeout_ms: 1000, ...extra }), note: (e, n, r) => notes.push([e, n, r]) };
}

const model: Telemetry = {
  metrics: [{
    resource: { attributes: { 'service.name': 'api', 'service.namespace': 'shop', 'service.instance.id': 'pod-1', 'host.name': 'h1' } },
    scopeMetrics: [{
      scope: { name: 'switchyard/prometheus_remote_write' },
      metrics: [
        { name: 'temperature', data: { type: 'gauge', dataPoints: [{ attributes: { room: 'a' }, timeUnixNano: NS, value: 21.5 }, { attributes: { room: 'a' }, timeUnixNano: NS + 15_000_000_000n, value: NaN, stale: true, flags: 1 }] } },
        { name: 'http_requests_total', data: { type: 'sum', aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true, dataPoints: [{ attributes: { code: '200' }, timeUnixNano: NS, value: 5 }] } },
        { name: 'lat', data: { type: 'histogram', aggregationTemporality: Temporality.CUMULATIVE, dataPoints: [{ attributes: { path: '/x' }, timeUnixNano: NS, count: 6, sum: 1.5, bucketCounts: [2, 3, 1], explicitBounds: [0.1, 1] }] } },
        { name: 'rpc', data: { type: 'summary', dataPoints: [{ attributes: {}, timeUnixNano: NS, count: 40, sum: 12, quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }] }] } },
        { name: 'rpc_native', data: { type: 'exponentialHistogram', aggregationTemporality: Temporality.CUMULATIVE, dataPoints: [{ attributes: {}, timeUnixNano: NS, count: 6, sum: 3.5, scale: 0, zeroCount: 1, zeroThreshold: 0.001, positive: { offset: 0, bucketCounts: [2, 1, 0, 2] } }] } },
      ],
    }],
  }],
};

function decodeOut(body: Uint8Array | string) {
  return decodeRemoteWrite(Buffer.from(body as Uint8Array), reqInfo(), LIMITS);
}

describe('prometheus remote-write exporter', () => {
  it('round trips gauges, counters, histograms, summaries, native histograms, stale markers and target_info', () => {
    const reqs = exp.encode(model, ctx());
    expect(reqs).toHaveLength(1);
    const r = decodeOut(reqs[0]!.body);
    expect(r.rejected).toEqual([]);
    expect(r.telemetry).toEqual({
      metrics: [{ ...model.metrics![0]!, resource: { attributes: { 'service.name': 'api', 'service.namespace': 'shop', 'service.instance.id': 'pod-1', host_name: 'h1' } } }],
    });
  });

  it('sends the remote-write headers and a snappy block body with sorted labels', () => {
    const [req] = exp.encode(model, ctx());
    expect(req!.path).toBe('/api/v1/write');
    expect(req!.contentType).toBe('application/x-protobuf');
    expect(req!.headers).toMatchObject({ 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' });
    expect(req!.headers!['user-agent']).toMatch(/^Switchyard\//);
    const T = promTypes();
    const wr = T.WriteRequest.toObject(T.WriteRequest.decode(snappy.uncompress(req!.body as Uint8Array))) as { timeseries: { labels: { name: string; value: string }[] }[] };
    for (const ts of wr.timeseries) {
      const names = ts.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort());
    }
    const info = wr.timeseries.find((t) => t.labels.some((l) => l.value === 'target_info'))!;
    expect(info.labels).toEqual([
      { name: '__name__', value: 'target_info' }, { name: 'host_name', value: 'h1' }, { name: 'instance', value: 'pod-1' }, { name: 'job', value: 'shop/api' },
    ]);
    const buckets = wr.timeseries.filter((t) => t.labels.some((l) => l.value === 'lat_bucket')).map((t) => t.labels.find((l) => l.name === 'le')!.value);
    expect(buckets).toEqual(['0.1', '1', '+Inf']);
  });

  it('sanitises names, adds _total to counters, joins colliding labels, honours path and unit suffix', () => {
    const t: Telemetry = { metrics: [{ resource: { attributes: {} }, scopeMetrics: [{ scope: { name: 's' }, metrics: [
      { name: 'gen_ai.client.token.usage', unit: '{token}', data: { type: 'sum', aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true, dataPoints: [{ attributes: { 'gen_ai.system': 'openai', 'gen_ai/system': 'x', nested: new KeyValueList({ a: 1n }) }, timeUnixNano: NS, value: 7n }] } },
      { name: 'http.server.duration', unit: 's', data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: NS, value: 0.2 }] } },
    ] }] }] };
    const [req] = exp.encode(t, ctx({ path: '/receive', add_unit_suffix: true }));
    expect(req!.path).toBe('/receive');
    const r = decodeOut(req!.body);
    const ms = r.telemetry.metrics![0]!.scopeMetrics[0]!.metrics;
    expect(ms.map((m) => m.name)).toEqual(['gen_ai_client_token_usage_total', 'http_server_duration_seconds']);
    expect(ms[0]!.data.dataPoints[0]!.attributes).toEqual({ gen_ai_system: 'openai;x', nested: '{"a":1}' });
    expect(ms[0]!.data.dataPoints[0]).toMatchObject({ value: 7 });
  });

  it('skips delta sums with a note, never silently', () => {
    const notes: [string, number, string][] = [];
    const t: Telemetry = { metrics: [{ resource: { attributes: {} }, scopeMetrics: [{ scope: { name: 's' }, metrics: [
      { name: 'd', data: { type: 'sum', aggregationTemporality: Temporality.DELTA, isMonotonic: true, dataPoints: [{ attributes: {}, timeUnixNano: NS, value: 1 }] } },
    ] }] }] };
    expect(exp.encode(t, ctx({}, notes))).toEqual([]);
    expect(notes[0]![0]).toBe('skipped');
    expect(notes[0]![1]).toBe(1);
  });

  it('splits big batches at max_samples_per_send, never splitting a series', () => {
    const points = Array.from({ length: 4500 }, (_, i) => ({ attributes: { i: String(i) }, timeUnixNano: NS, value: i }));
    const t: Telemetry = { metrics: [{ resource: { attributes: {} }, scopeMetrics: [{ scope: { name: 's' }, metrics: [{ name: 'g', data: { type: 'gauge', dataPoints: points } }] }] }] };
    const reqs = exp.encode(t, ctx());
    expect(reqs.map((r) => r.items)).toEqual([2000, 2000, 500]);
    const total = reqs.reduce((n, r) => n + decodeOut(r.body).accepted, 0);
    expect(total).toBe(4500);
    expect(exp.encode(t, ctx({ max_samples_per_send: 1000 }))).toHaveLength(5);
  });

  it('interprets answers per the sender rules: 5xx and 429 retry, other 4xx reject', () => {
    const [req] = exp.encode(model, ctx());
    expect(answerOf(exp, 204, {}, Buffer.alloc(0), req!)).toEqual({ kind: 'ok' });
    expect(answerOf(exp, 503, { 'retry-after': '3' }, Buffer.from('busy'), req!)).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: 3000 });
    expect(answerOf(exp, 429, {}, Buffer.alloc(0), req!)).toMatchObject({ kind: 'retry' });
    expect(answerOf(exp, 400, {}, Buffer.from('out of order sample'), req!)).toMatchObject({ kind: 'reject', status: 400, reason: expect.stringContaining('out of order') });
  });
});
