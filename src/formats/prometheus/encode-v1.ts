import { promTypes } from './proto.js';
import type { OutMetadata, OutSeries } from './encode.js';
import { writeDouble, Writer } from './wire.js';

/**
 * Encodes a remote-write 1.0 WriteRequest. Written field by field with protobufjs' Writer (rather
 * than from objects) so that stale markers keep their exact NaN bits; native histograms go through
 * the reflected Histogram type.
 */
export function encodeWriteRequest(series: readonly OutSeries[], metadata: readonly OutMetadata[]): Uint8Array {
  const w = Writer.create();
  const T = promTypes();
  for (const s of series) {
    w.uint32((1 << 3) | 2).fork();
    for (const [name, value] of s.labels) {
      w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(name).uint32((2 << 3) | 2).string(value).ldelim();
    }
    for (const smp of s.samples) {
      w.uint32((2 << 3) | 2).fork();
      writeDouble(w, 1, smp.value, smp.stale);
      if (smp.timestampMs !== 0) w.uint32((2 << 3) | 0).int64(smp.timestampMs);
      w.ldelim();
    }
    for (const x of s.exemplars) {
      w.uint32((3 << 3) | 2).fork();
      for (const [name, value] of x.labels) {
        w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(name).uint32((2 << 3) | 2).string(value).ldelim();
      }
      writeDouble(w, 2, x.value);
      if (x.timestampMs !== 0) w.uint32((3 << 3) | 0).int64(x.timestampMs);
      w.ldelim();
    }
    for (const h of s.histograms) {
      T.Histogram.encode(T.Histogram.fromObject(h), w.uint32((4 << 3) | 2).fork()).ldelim();
    }
    w.ldelim();
  }
  for (const m of metadata) {
    w.uint32((3 << 3) | 2).fork();
    if (m.type) w.uint32((1 << 3) | 0).uint32(m.type);
    w.uint32((2 << 3) | 2).string(m.family);
    if (m.help) w.uint32((4 << 3) | 2).string(m.help);
    if (m.unit) w.uint32((5 << 3) | 2).string(m.unit);
    w.ldelim();
  }
  return w.finish();
}
