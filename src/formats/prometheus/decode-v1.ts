import { promTypes } from './proto.js';
import { rawHistogram, type LabelPair, type RawExemplar, type RawMeta, type RawRequest, type RawSample, type RawSeries } from './raw.js';
import { guardDecode, isStaleAt, Reader, skipField, subEnd, toBigInt, type Reader as ReaderT } from './wire.js';
import { activeBudget } from '../decode-budget.js';
import { InputError } from '../errors.js';

/**
 * Reads a remote-write 1.0 `prometheus.WriteRequest`. Series, labels and samples are read by hand
 * with protobufjs' Reader so that each sample's raw bytes can be checked for the stale marker;
 * exemplars, native histograms and metadata go through the reflected types from proto/.
 * Unknown fields are skipped, as the specification requires.
 */
export function decodeWriteRequest(buf: Uint8Array, maxSeries: number): RawRequest {
  return guardDecode('prometheus.WriteRequest', () => {
    const r = Reader.create(buf);
    const b = activeBudget();
    const series: RawSeries[] = [];
    const metadata = new Map<string, RawMeta>();
    const T = promTypes();
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 1 && wire === 2) {
        if (series.length >= maxSeries) {
          throw new InputError('timeseries', `request has more than the limit of ${maxSeries} series`, 'too_large');
        }
        b?.container(1);
        series.push(readSeries(r, series.length));
      } else if (field === 3 && wire === 2) {
        b?.container(1);
        const end = subEnd(r, 'metadata');
        const m = T.MetricMetadata.decode(r.buf.subarray(r.pos, end)) as unknown as Record<string, unknown>;
        r.pos = end;
        const name = String(m['metric_family_name'] ?? '');
        if (name) metadata.set(name, { type: Number(m['type'] ?? 0), help: String(m['help'] ?? ''), unit: String(m['unit'] ?? '') });
      } else {
        skipField(r, tag);
      }
    }
    return { version: 1, series, metadata };
  });
}

function readSeries(r: ReaderT, index: number): RawSeries {
  const end = subEnd(r, `timeseries[${index}]`);
  const s: RawSeries = { index, labels: [], samples: [], exemplars: [], histograms: [] };
  const T = promTypes();
  const b = activeBudget();
  let n = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const wire = tag & 7;
    // Every label, sample, exemplar and histogram is an object: charged before it is built.
    if (b && wire === 2) {
      b.container(2);
      b.element(++n, `timeseries[${index}]`);
    }
    switch (wire === 2 ? tag >>> 3 : 0) {
      case 1: s.labels.push(readLabel(r)); break;
      case 2: s.samples.push(readSample(r)); break;
      case 3: {
        const e = subEnd(r, 'exemplar');
        const x = T.Exemplar.decode(r.buf.subarray(r.pos, e)) as unknown as Record<string, unknown>;
        r.pos = e;
        s.exemplars.push(exemplarOf(x));
        break;
      }
      case 4: {
        const e = subEnd(r, 'histogram');
        s.histograms.push(rawHistogram(T.Histogram.decode(r.buf.subarray(r.pos, e)) as unknown as Record<string, unknown>));
        r.pos = e;
        break;
      }
      default: skipField(r, tag);
    }
  }
  if (r.pos !== end) throw new InputError('', `timeseries[${index}] overruns its length`);
  return s;
}

export function readLabel(r: ReaderT): LabelPair {
  const end = subEnd(r, 'label');
  let name = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) name = r.string();
    else if (tag === ((2 << 3) | 2)) value = r.string();
    else skipField(r, tag);
  }
  if (r.pos !== end) throw new InputError('', 'a label overruns its length');
  return [name, value];
}

/** Reads a Sample (shared by 1.0 and 2.0: value=1 double, timestamp=2 int64). */
export function readSample(r: ReaderT): RawSample {
  const end = subEnd(r, 'sample');
  let value = 0;
  let timestampMs = 0n;
  let stale = false;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 1)) {
      stale = isStaleAt(r.buf, r.pos);
      value = r.double();
    } else if (tag === ((2 << 3) | 0)) {
      timestampMs = toBigInt(r.int64());
    } else {
      skipField(r, tag);
    }
  }
  if (r.pos !== end) throw new InputError('', 'a sample overruns its length');
  return { value, timestampMs, stale };
}

function exemplarOf(x: Record<string, unknown>): RawExemplar {
  const labels = ((x['labels'] as Record<string, unknown>[] | undefined) ?? []).map((l): LabelPair => [String(l['name'] ?? ''), String(l['value'] ?? '')]);
  return { labels, value: Number(x['value'] ?? 0), timestampMs: toBigInt(x['timestamp'] ?? 0) };
}
