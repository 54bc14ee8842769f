import { activeBudget } from '../decode-budget.js';
import { InputError } from '../errors.js';
import { readSample } from './decode-v1.js';
import { promTypes } from './proto.js';
import { rawHistogram, type LabelPair, type RawMeta, type RawRequest, type RawSample, type RawSeries } from './raw.js';
import { guardDecode, Reader, skipField, subEnd, toBigInt, toNum, type Reader as ReaderT } from './wire.js';

/** A 2.0 series as read, with its strings still symbol references. */
interface RefSeries {
  index: number;
  labelRefs: number[];
  samples: RawSample[];
  histograms: Record<string, unknown>[];
  exemplars: { refs: number[]; value: number; timestampMs: bigint }[];
  meta?: { type: number; helpRef: number; unitRef: number };
  createdMs: bigint;
}

/**
 * Reads a remote-write 2.0 `io.prometheus.write.v2.Request`. Symbols may come after the series on
 * the wire, so references are resolved once the whole message is read; a series with a reference
 * outside the table is rejected on its own (the others are still written).
 */
export function decodeV2Request(buf: Uint8Array, maxSeries: number): RawRequest {
  const { symbols, refSeries } = guardDecode('io.prometheus.write.v2.Request', () => {
    const r = Reader.create(buf);
    const symbols: string[] = [];
    const refSeries: RefSeries[] = [];
    const b = activeBudget();
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === ((4 << 3) | 2)) {
        b?.element(symbols.length + 1, 'symbols');
        symbols.push(r.string());
      } else if (tag === ((5 << 3) | 2)) {
        b?.container(1);
        if (refSeries.length >= maxSeries) {
          throw new InputError('timeseries', `request has more than the limit of ${maxSeries} series`, 'too_large');
        }
        refSeries.push(readSeries(r, refSeries.length));
      } else skipField(r, tag);
    }
    return { symbols, refSeries };
  });
  if (symbols.length > 0 && symbols[0] !== '') throw new InputError('symbols', 'symbols[0] must be the empty string');
  const series = refSeries.map((s) => resolve(s, symbols));
  return { version: 2, series, metadata: new Map() };
}

function readSeries(r: ReaderT, index: number): RefSeries {
  const end = subEnd(r, `timeseries[${index}]`);
  const s: RefSeries = { index, labelRefs: [], samples: [], histograms: [], exemplars: [], createdMs: 0n };
  const T = promTypes();
  const b = activeBudget();
  let n = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    // Every sample, exemplar and histogram is an object: charged before it is built.
    if (b && (tag & 7) === 2 && tag !== ((1 << 3) | 2)) {
      b.container(2);
      b.element(++n, `timeseries[${index}]`);
    }
    switch (tag) {
      case (1 << 3) | 2: readPackedUint32(r, s.labelRefs); break;
      case (1 << 3) | 0: b?.element(s.labelRefs.length + 1, 'labels_refs'); s.labelRefs.push(r.uint32()); break;
      case (2 << 3) | 2: s.samples.push(readSample(r)); break;
      case (3 << 3) | 2: {
        const e = subEnd(r, 'histogram');
        s.histograms.push(T.V2Histogram.decode(r.buf.subarray(r.pos, e)) as unknown as Record<string, unknown>);
        r.pos = e;
        break;
      }
      case (4 << 3) | 2: {
        const e = subEnd(r, 'exemplar');
        const x = T.V2Exemplar.decode(r.buf.subarray(r.pos, e)) as unknown as Record<string, unknown>;
        r.pos = e;
        s.exemplars.push({ refs: ((x['labels_refs'] as number[] | undefined) ?? []).slice(), value: Number(x['value'] ?? 0), timestampMs: toBigInt(x['timestamp'] ?? 0) });
        break;
      }
      case (5 << 3) | 2: {
        const e = subEnd(r, 'metadata');
        const m = T.V2Metadata.decode(r.buf.subarray(r.pos, e)) as unknown as Record<string, unknown>;
        r.pos = e;
        s.meta = { type: toNum(m['type'] ?? 0), helpRef: toNum(m['help_ref'] ?? 0), unitRef: toNum(m['unit_ref'] ?? 0) };
        break;
      }
      case (6 << 3) | 0: s.createdMs = toBigInt(r.int64()); break;
      default: skipField(r, tag);
    }
  }
  if (r.pos !== end) throw new InputError('', `timeseries[${index}] overruns its length`);
  return s;
}

function readPackedUint32(r: ReaderT, out: number[]): void {
  const end = subEnd(r, 'labels_refs');
  const b = activeBudget();
  while (r.pos < end) {
    b?.element(out.length + 1, 'labels_refs');
    out.push(r.uint32());
  }
  if (r.pos !== end) throw new InputError('', 'labels_refs overruns its length');
}

function resolve(s: RefSeries, symbols: string[]): RawSeries {
  const out: RawSeries = { index: s.index, labels: [], samples: s.samples, exemplars: [], histograms: s.histograms.map(rawHistogram) };
  if (s.createdMs !== 0n) out.createdMs = s.createdMs;
  const sym = (ref: number, what: string): string => {
    const v = symbols[ref];
    if (v === undefined) throw new RangeError(`${what} refers to symbol ${ref}, but the table has ${symbols.length}`);
    return v;
  };
  const pairs = (refs: number[], what: string): LabelPair[] => {
    if (refs.length % 2 !== 0) throw new RangeError(`${what} has an odd number of references (${refs.length})`);
    const ls: LabelPair[] = [];
    for (let i = 0; i < refs.length; i += 2) ls.push([sym(refs[i]!, what), sym(refs[i + 1]!, what)]);
    return ls;
  };
  try {
    out.labels = pairs(s.labelRefs, 'labels_refs');
    out.exemplars = s.exemplars.map((x) => ({ labels: pairs(x.refs, 'exemplar labels_refs'), value: x.value, timestampMs: x.timestampMs }));
    if (s.meta) {
      const meta: RawMeta = { type: s.meta.type, help: sym(s.meta.helpRef, 'metadata.help_ref'), unit: sym(s.meta.unitRef, 'metadata.unit_ref') };
      out.meta = meta;
    }
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}
