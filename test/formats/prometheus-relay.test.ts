import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import snappy from 'snappyjs';
import { infrasageExporter } from '../../src/formats/infrasage/exporter.js';
import { toRecords } from '../../src/formats/infrasage/encode.js';
import { infrasageBodiesFromWire } from '../../src/formats/infrasage/encode-wire.js';
import { remoteWriteExporter } from '../../src/formats/prometheus/exporter.js';
import { decodeWriteRequest } from '../../src/formats/prometheus/decode-v1.js';
import { toModel } from '../../src/formats/prometheus/decode.js';
import { decodeRemoteWrite } from '../../src/formats/prometheus/receiver.js';
import { scanPlainWriteRequest } from '../../src/formats/prometheus/scan-v1.js';
import { countItems, mergeTelemetry, wireOf, type Telemetry } from '../../src/model/index.js';
import { encodeWith } from '../helpers/encode-with.js';
import '../helpers/fast-check-seed.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { readLetters } from '../helpers/dead-letter-file.js';
import { startInfraSage } from '../standins/infrasage.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { LIMITS, reqInfo, snappyBytes, writeRequestBody, writeRequestBytes, type SeriesSpec } from './prometheus-helpers.js';

const T0 = 1_764_000_000_000;

/** The model the full decoder makes of a 1.0 body (snappy undone), built independently of the scan. */
function fullModel(raw: Uint8Array): Telemetry {
  return toModel(decodeWriteRequest(raw, LIMITS.maxItems)).telemetry;
}

function relay(t: Telemetry) {
  return encodeWith(remoteWriteExporter, t);
}

const unsnappy = (b: Uint8Array | string) => snappy.uncompress(b as Uint8Array) as Uint8Array;

// Plain series: classic names (never _sum/_count/_bucket, never target_info), sorted unique
// label names, non-empty values (any Unicode), any double, times from 1970 to 2262.
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => !n.startsWith('__') && n !== 'le' && n !== 'quantile');
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/).filter((n) => !/(_sum|_count|_bucket)$/.test(n) && n !== 'target_info');
// Any Unicode, and often the characters JSON must escape (quotes, backslashes, controls).
const labelValue = fc.oneof(
  fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', '\u2028', 'é', '😀', 'a', '/') }),
);
const sample = fc.tuple(fc.double(), fc.integer({ min: 0, max: 9_223_372_036_854 }));
const plainSeries = fc.record({
  name: metricName,
  labels: fc.dictionary(labelName, labelValue, { maxKeys: 6 }),
  samples: fc.array(sample, { minLength: 0, maxLength: 4 }),
}).map((s): SeriesSpec => ({ labels: { ...s.labels, __name__: s.name }, samples: s.samples.sort((a, b) => a[1] - b[1]) }));

describe('remote-write relay: plain requests are kept as their bytes', () => {
  it('a plain request stays unbuilt, counts what the model counts, and is forwarded as it arrived', () => {
    fc.assert(
      // Each series once, as senders write a request (the model path would merge a repeated one).
      fc.property(fc.uniqueArray(plainSeries, { minLength: 1, maxLength: 12, selector: (s) => JSON.stringify(s.labels) }), (series) => {
        const raw = writeRequestBytes(series);
        const body = snappyBytes(raw);
        const got = decodeRemoteWrite(body, reqInfo(), LIMITS);
        const model = fullModel(raw);
        expect(wireOf(got.telemetry)).toBeDefined();
        expect(countItems(got.telemetry)).toBe(countItems(model));
        expect(got.rejected).toEqual([]);
        const out = relay(got.telemetry);
        // Nothing was read: the original is still there, so it went out untouched.
        expect(wireOf(got.telemetry)).toBeDefined();
        if (countItems(model) === 0) {
          expect(out).toEqual([]);
          return;
        }
        expect(out).toHaveLength(1);
        expect(Buffer.from(out[0]!.body as Uint8Array).equals(body)).toBe(true);
        expect(out[0]!.items).toBe(countItems(model));
        // …and it says what the encoder writes from the model, to anyone who decodes both.
        const fromModel = relay(model);
        expect(fullModel(unsnappy(out[0]!.body))).toEqual(fullModel(unsnappy(fromModel[0]!.body)));
      }),
      { numRuns: 300 },
    );
  });

  it('the lazy model equals the full decode, and reading it forgets the original', () => {
    fc.assert(
      fc.property(fc.array(plainSeries, { minLength: 1, maxLength: 8 }), (series) => {
        const raw = writeRequestBytes(series);
        const got = decodeRemoteWrite(snappyBytes(raw), reqInfo(), LIMITS).telemetry;
        expect(got.metrics ?? []).toEqual(fullModel(raw).metrics ?? []);
        expect(wireOf(got)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it('merged batches concatenate their messages: one request holding both', () => {
    const a = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'a_total', job: 'j' }, samples: [[1, T0]] }]), reqInfo(), LIMITS).telemetry;
    const b = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'b', job: 'j' }, samples: [[2, T0], [3, T0 + 1]] }]), reqInfo(), LIMITS).telemetry;
    const merged = mergeTelemetry([a, b]);
    expect(wireOf(merged)?.parts).toHaveLength(2);
    expect(countItems(merged)).toBe(3);
    const out = relay(merged);
    expect(out).toHaveLength(1);
    const names = decodeWriteRequest(unsnappy(out[0]!.body), 100).series.map((s) => s.labels.find(([k]) => k === '__name__')![1]);
    expect(names).toEqual(['a_total', 'b']);
  });

  it('a change made to the model is what goes out, never the stale original', () => {
    const t = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'up', job: 'j' }, samples: [[1, T0]] }]), reqInfo(), LIMITS).telemetry;
    // A processor-like edit through the model...
    const point = t.metrics![0]!.scopeMetrics[0]!.metrics[0]!.data.dataPoints[0]!;
    point.attributes['zone'] = 'eu';
    const out = relay(t);
    const labels = decodeWriteRequest(unsnappy(out[0]!.body), 100).series[0]!.labels;
    expect(labels).toContainEqual(['zone', 'eu']);
    // ...and a copy made by spreading carries the model, not the original.
    const other = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'up' }, samples: [[1, T0]] }]), reqInfo(), LIMITS).telemetry;
    const copy = { ...other };
    expect(wireOf(copy)).toBeUndefined();
    expect(copy.metrics).toHaveLength(1);
  });

  it('takes the full decoder for everything that is not plain', () => {
    const base = { __name__: 'up', job: 'j' };
    const cases: [string, Uint8Array][] = [
      ['an empty label value', writeRequestBytes([{ labels: { ...base, zone: '' }, samples: [[1, T0]] }])],
      ['unsorted labels', writeRequestBytes([{ labels: [['__name__', 'up'], ['b', '1'], ['a', '2']], samples: [[1, T0]] }])],
      ['a repeated label', writeRequestBytes([{ labels: [['__name__', 'up'], ['a', '1'], ['a', '2']], samples: [[1, T0]] }])],
      ['no __name__', writeRequestBytes([{ labels: { job: 'j' }, samples: [[1, T0]] }])],
      ['a histogram bucket', writeRequestBytes([{ labels: { ...base, __name__: 'lat_bucket', le: '1' }, samples: [[1, T0]] }])],
      ['a _count series', writeRequestBytes([{ labels: { ...base, __name__: 'lat_count' }, samples: [[1, T0]] }])],
      ['a quantile', writeRequestBytes([{ labels: { ...base, quantile: '0.5' }, samples: [[1, T0]] }])],
      ['target_info', writeRequestBytes([{ labels: { ...base, __name__: 'target_info', region: 'x' }, samples: [[1, T0]] }])],
      ['a UTF-8 metric name', writeRequestBytes([{ labels: { ...base, __name__: 'http.server.duration' }, samples: [[1, T0]] }])],
      ['a reserved label name', writeRequestBytes([{ labels: { ...base, __tmp: 'x' }, samples: [[1, T0]] }])],
      ['metadata', writeRequestBytes([{ labels: base, samples: [[1, T0]] }], [{ type: 1, metric_family_name: 'up', help: 'h', unit: '' }])],
      ['an exemplar', writeRequestBytes([{ labels: base, samples: [[1, T0]], exemplars: [{ labels: [{ name: 'trace_id', value: 'ab' }], value: 1, timestamp: T0 }] }])],
      ['samples out of time order', writeRequestBytes([{ labels: base, samples: [[1, T0], [2, T0 - 1]] }])],
      ['a time before 1970', writeRequestBytes([{ labels: base, samples: [[1, -1]] }])],
      ['a time after 2262', writeRequestBytes([{ labels: base, samples: [[1, 9_300_000_000_000]] }])],
      ['an unknown field', Buffer.concat([writeRequestBytes([{ labels: base, samples: [[1, T0]] }]), Buffer.from([0x28, 0x01])])],
      ['a truncated series', writeRequestBytes([{ labels: base, samples: [[1, T0]] }]).subarray(0, 12)],
    ];
    for (const [what, raw] of cases) {
      expect(scanPlainWriteRequest(raw, LIMITS), what).toBeUndefined();
    }
    // The control: the same series without the oddity is plain.
    expect(scanPlainWriteRequest(writeRequestBytes([{ labels: base, samples: [[1, T0]] }]), LIMITS)).toBe(1);
    // A refused series is still refused by name, and the valid one still written.
    const mixed = decodeRemoteWrite(writeRequestBody([{ labels: base, samples: [[1, T0]] }, { labels: { job: 'j' }, samples: [[1, T0]] }]), reqInfo(), LIMITS);
    expect(wireOf(mixed.telemetry)).toBeUndefined();
    expect(mixed.rejected.map((r) => r.field)).toEqual(['timeseries[1]']);
    expect(countItems(mixed.telemetry)).toBe(1);
  });

  it('an over-long series or request takes the full decoder, which refuses it by its limit', () => {
    const raw = writeRequestBytes([{ labels: { __name__: 'up' }, samples: [[1, T0], [2, T0 + 1], [3, T0 + 2]] }]);
    expect(scanPlainWriteRequest(raw, { ...LIMITS, maxItems: 1, maxArrayLength: 2 })).toBeUndefined();
    const two = writeRequestBytes([{ labels: { __name__: 'a' }, samples: [[1, T0]] }, { labels: { __name__: 'b' }, samples: [[1, T0]] }]);
    expect(scanPlainWriteRequest(two, { ...LIMITS, maxItems: 1 })).toBeUndefined();
    expect(() => decodeRemoteWrite(snappyBytes(two), reqInfo(), { ...LIMITS, maxItems: 1 })).toThrow(/limit of 1 series/);
  });
});

// Series with the labels that become the resource, slashes and all (job "ns/name", "/x", "a/").
const identity = fc.record({ job: fc.constantFrom('node', 'shop/api', '/x', 'a/', 'a/b/c'), instance: fc.constantFrom('host:9100', 'pod-1') }, { requiredKeys: [] });
const finiteSample = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 9_223_372_036_854 }));
const infrasageSeries = fc.record({ name: metricName, labels: fc.dictionary(labelName.filter((n) => n !== 'job' && n !== 'instance'), labelValue, { maxKeys: 5 }), id: identity, samples: fc.array(finiteSample, { maxLength: 3 }) })
  .map((s): SeriesSpec => ({ labels: { ...s.labels, ...s.id, __name__: s.name }, samples: s.samples.sort((a, b) => a[1] - b[1]) }));

describe('InfraSage records written straight from a plain remote-write request', () => {
  const sorted = (records: unknown[]) => records.map((r) => JSON.stringify(r)).sort();

  it('are the records the model path writes (as a set: the model path groups them by resource)', () => {
    fc.assert(
      fc.property(fc.array(infrasageSeries, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 6 }), (series, max) => {
        const raw = writeRequestBytes(series);
        const t = decodeRemoteWrite(snappyBytes(raw), reqInfo(), LIMITS).telemetry;
        const bodies = infrasageBodiesFromWire(wireOf(t)!, max)!;
        expect(bodies).toBeDefined();
        const fromWire = bodies.flatMap((b) => JSON.parse(b.body.toString('utf8')) as unknown[]);
        expect(sorted(fromWire)).toEqual(sorted(toRecords(fullModel(raw))));
        // Chunks of at most `max` records, every one counted.
        for (const b of bodies) expect(b.items).toBe((JSON.parse(b.body.toString('utf8')) as unknown[]).length);
        expect(bodies.every((b) => b.items <= max)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a series seen before reuses its record text: same records, and a changed label is not mistaken for it', () => {
    const series = (zone: string): SeriesSpec[] => [{ labels: { __name__: 'up', job: 'shop/api', instance: 'pod-1', zone }, samples: [[1, T0]] }];
    const records = (zone: string) => {
      const t = decodeRemoteWrite(writeRequestBody(series(zone)), reqInfo(), LIMITS).telemetry;
      return JSON.parse(infrasageBodiesFromWire(wireOf(t)!, 10)![0]!.body.toString('utf8')) as unknown[];
    };
    const first = records('eu');
    expect(records('eu')).toEqual(first);
    expect(records('us')).toEqual([{ ...(first[0] as object), attributes: { job: 'shop/api', instance: 'pod-1', zone: 'us' } }]);
    expect(sorted(records('us'))).toEqual(sorted(toRecords(fullModel(writeRequestBytes(series('us'))))));
  });

  it('leave values InfraSage cannot take to the model path, which sets them aside alone', () => {
    const t = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'ok', job: 'j' }, samples: [[1, T0]] }, { labels: { __name__: 'bad', job: 'j' }, samples: [[Infinity, T0]] }]), reqInfo(), LIMITS).telemetry;
    expect(infrasageBodiesFromWire(wireOf(t)!, 10)).toBeUndefined();
    const refused: string[] = [];
    const out = infrasageExporter.encode(t, { config: { max_batch_records: 10 } as never, refuse: (_p, why) => refused.push(why) });
    expect(out.flatMap((r) => (JSON.parse(String(r.body)) as { metric_name: string }[]).map((x) => x.metric_name))).toEqual(['ok']);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/finite/);
  });

  it('requests written from the bytes carry their records in the body, not beside it', () => {
    const t = decodeRemoteWrite(writeRequestBody([{ labels: { __name__: 'a', job: 'j' }, samples: [[1, T0]] }, { labels: { __name__: 'b', job: 'j' }, samples: [[2, T0]] }]), reqInfo(), LIMITS).telemetry;
    const [req] = infrasageExporter.encode(t, { config: { max_batch_records: 10 } as never });
    expect(req!.recordsInBody).toBe(true);
    expect(req!.records).toBeUndefined();
    expect((JSON.parse(String(req!.body)) as { metric_name: string }[])[1]!.metric_name).toBe('b');
  });
});

describe('remote-write relay through the server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function relayServer(processors: string, extra = ''): Promise<{ h: Harness; sink: CaptureServer }> {
    const sink = await startCaptureServer();
    cleanups.push(() => sink.close());
    const h = await startSwitchyard(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 1, timeout: 10ms }
${extra}
exporters:
  prometheus_remote_write: { endpoint: ${sink.url} }
service:
  pipelines:
    metrics: { receivers: [prometheus_remote_write], processors: [${processors}], exporters: [prometheus_remote_write] }
`);
    cleanups.push(() => h.close());
    return { h, sink };
  }

  async function post(h: Harness, body: Buffer): Promise<number> {
    const res = await fetch(`${h.service.receiverUrl('prometheus_remote_write')}/api/v1/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('with nothing to change, the target receives the very bytes the client sent', async () => {
    const { h, sink } = await relayServer('batch');
    const body = writeRequestBody([
      { labels: { __name__: 'node_cpu_seconds_total', cpu: '0', instance: 'host:9100', job: 'node', mode: 'user' }, samples: [[12.5, T0]] },
      { labels: { __name__: 'node_load1', instance: 'host:9100', job: 'node' }, samples: [[0.7, T0]] },
    ]);
    expect(await post(h, body)).toBe(204);
    await eventually(() => sink.accepted().length === 1, 10_000, 'the relayed request');
    const got = sink.accepted()[0]!;
    expect(got.headers['content-encoding']).toBe('snappy');
    expect(got.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    // The capture server undoes gzip/zstd only: the body is the snappy block itself.
    expect(got.body.equals(body)).toBe(true);
  });

  it('InfraSage refusing one record of a batch written from the bytes: that record alone is dead-lettered, with its reason', async () => {
    const sink = await startCaptureServer();
    cleanups.push(() => sink.close());
    sink.answerBody = () => '{"status":"ok","queued":1,"failed":1,"failures":[{"index":1,"error":"timestamp_too_old","message":"more than 24h in the past"}]}';
    const h = await startSwitchyard(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0 }
exporters:
  infrasage: { endpoint: ${sink.url}, api_key: k, dead_letter_path: $DIR/dl.jsonl }
service:
  pipelines:
    metrics: { receivers: [prometheus_remote_write], exporters: [infrasage] }
`);
    cleanups.push(() => h.close());
    expect(await post(h, writeRequestBody([{ labels: { __name__: 'a', job: 'j' }, samples: [[1, T0]] }, { labels: { __name__: 'b', job: 'j' }, samples: [[2, T0]] }]))).toBe(204);
    const letters = await eventually(() => {
      const l = readLetters(join(h.dir, 'dl.jsonl'));
      return l.length ? l : undefined;
    }, 10_000, 'the dead letter');
    expect(letters).toHaveLength(1);
    expect(letters[0]!.items).toBe(1);
    expect(letters[0]!.reason).toContain('timestamp_too_old');
    expect(letters[0]!.record).toMatchObject({ metric_name: 'b', value: 2, service_id: 'j' });
    expect((JSON.parse(sink.accepted()[0]!.body.toString('utf8')) as unknown[]).length).toBe(2);
  });

  it('records written from the bytes pass the strict InfraSage stand-in, escapes and all', async () => {
    const standin = await startInfraSage({ apiKey: 'k' });
    cleanups.push(() => standin.close());
    const h = await startSwitchyard(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0 }
exporters:
  infrasage: { endpoint: ${standin.url}, api_key: k }
service:
  pipelines:
    metrics: { receivers: [prometheus_remote_write], exporters: [infrasage] }
`);
    cleanups.push(() => h.close());
    const now = Date.now();
    const odd = 'say "hi"\\ \n\t é 😀 \u2028';
    expect(await post(h, writeRequestBody([
      { labels: { __name__: 'http_requests_total', code: '200', instance: 'pod-1', job: 'shop/api', path: odd }, samples: [[7, now]] },
      { labels: { __name__: 'node_load1', instance: 'host:9100', job: 'node' }, samples: [[0.25, now]] },
    ]))).toBe(204);
    await eventually(() => standin.received.length === 2, 10_000, 'both records');
    expect(standin.requests.map((r) => r.status)).toEqual([200]);
    const byName = Object.fromEntries(standin.received.map((r) => [r['metric_name'], r]));
    expect(byName['http_requests_total']).toMatchObject({ service_id: 'api', type: 'metric', value: 7, attributes: { job: 'shop/api', instance: 'pod-1', code: '200', path: odd } });
    expect(byName['node_load1']).toMatchObject({ service_id: 'node', value: 0.25, attributes: { job: 'node', instance: 'host:9100' } });
  });

  it('a processor that changes the data is honoured: the target receives the changed series', async () => {
    const { h, sink } = await relayServer('attributes, batch', `  attributes: { actions: [{ key: zone, action: insert, value: eu }] }`);
    expect(await post(h, writeRequestBody([{ labels: { __name__: 'node_load1', job: 'node' }, samples: [[0.7, T0]] }]))).toBe(204);
    await eventually(() => sink.accepted().length === 1, 10_000, 'the relayed request');
    const series = decodeWriteRequest(unsnappy(sink.accepted()[0]!.body), 100).series;
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toContainEqual(['zone', 'eu']);
    expect(series[0]!.samples.map((s) => s.value)).toEqual([0.7]);
  });
});
