import { describe, expect, it } from 'vitest';
import { toSeries } from '../../src/formats/prometheus/encode.js';
import { decodeRemoteWrite } from '../../src/formats/prometheus/receiver.js';
import type { HistogramDataPoint, Metric, NumberDataPoint, Telemetry } from '../../src/model/index.js';
import { LIMITS, reqInfo, writeRequestBody, type SeriesSpec } from './prometheus-helpers.js';

/**
 * Prometheus cuts its remote-write batches at max_samples_per_send and shards series by hash, so
 * the `_bucket`, `_sum` and `_count` series of one classic histogram often arrive in different
 * requests (seen in test/e2e/metrics-prometheus-infrasage with a small max_samples_per_send).
 * A request holding only part of a family must not become a histogram point with wrong counts
 * (and a duplicate `_count` downstream): the part is kept as the samples it is.
 */
const T0 = 1_717_000_000_000;
const L = { job: 'j', path: '/x' };
const FAMILY: SeriesSpec[] = [
  { labels: { ...L, __name__: 'lat_bucket', le: '0.1' }, samples: [[2, T0]] },
  { labels: { ...L, __name__: 'lat_bucket', le: '1' }, samples: [[5, T0]] },
  { labels: { ...L, __name__: 'lat_bucket', le: '+Inf' }, samples: [[6, T0]] },
  { labels: { ...L, __name__: 'lat_sum' }, samples: [[1.5, T0]] },
  { labels: { ...L, __name__: 'lat_count' }, samples: [[6, T0]] },
];

function decode(series: SeriesSpec[]): Telemetry {
  const r = decodeRemoteWrite(writeRequestBody(series), reqInfo(), LIMITS);
  expect(r.rejected).toEqual([]);
  return r.telemetry;
}

function metrics(t: Telemetry): Metric[] {
  return (t.metrics ?? []).flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

/** The series text the remote-write exporter writes for `t`: `name{labels} value`. */
function reexported(ts: Telemetry[]): string[] {
  return ts.flatMap((t) => toSeries(t.metrics ?? [], { addUnitSuffix: false }).series.flatMap((s) => {
    const name = s.labels.find(([k]) => k === '__name__')![1];
    const rest = s.labels.filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${v}`).join(',');
    return s.samples.map((x) => `${name}{${rest}} ${x.value}@${x.timestampMs}`);
  })).sort();
}

describe('prometheus receiver: a histogram family split across requests', () => {
  it('the whole family in one request is still one histogram point', () => {
    const ms = metrics(decode(FAMILY));
    expect(ms).toHaveLength(1);
    expect(ms[0]!.data.dataPoints[0]).toMatchObject({ count: 6, sum: 1.5, bucketCounts: [2, 3, 1], explicitBounds: [0.1, 1] });
  });

  for (let cut = 1; cut < FAMILY.length; cut++) {
    it(`cut after series ${cut}: no point with wrong counts, no duplicate sample, the series survive re-export exactly`, () => {
      const parts = [decode(FAMILY.slice(0, cut)), decode(FAMILY.slice(cut))];
      for (const m of parts.flatMap(metrics)) {
        if (m.data.type !== 'histogram') continue;
        for (const p of m.data.dataPoints as HistogramDataPoint[]) {
          // Only a part holding +Inf and _count makes a point, and its count is the family's.
          expect(p.count).toBe(6);
          expect(p.bucketCounts.reduce((a, b) => a + b, 0)).toBe(6);
        }
      }
      // One value per original series and timestamp, and exactly the original ones.
      expect(reexported(parts)).toEqual(reexported([decode(FAMILY)]));
    });
  }

  it('a part without +Inf/_count is kept as gauge samples with their le label', () => {
    const ms = metrics(decode(FAMILY.slice(0, 2)));
    expect(ms.map((m) => [m.name, m.data.type])).toEqual([['lat_bucket', 'gauge']]);
    expect((ms[0]!.data.dataPoints as NumberDataPoint[]).map((p) => [p.attributes, p.value])).toEqual([
      [{ path: '/x', le: '0.1' }, 2],
      [{ path: '/x', le: '1' }, 5],
    ]);
  });

  it('quantile series without _sum/_count are kept as gauge samples with their quantile label', () => {
    const ms = metrics(decode([
      { labels: { job: 'j', __name__: 'rpc', quantile: '0.5' }, samples: [[0.2, T0]] },
      { labels: { job: 'j', __name__: 'rpc', quantile: '0.9' }, samples: [[0.7, T0]] },
    ]));
    expect(ms.map((m) => [m.name, m.data.type])).toEqual([['rpc', 'gauge']]);
    expect((ms[0]!.data.dataPoints as NumberDataPoint[]).map((p) => p.attributes['quantile'])).toEqual(['0.5', '0.9']);
  });
});
