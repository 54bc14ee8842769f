import { isoFromNano, nowNano, type Attributes, type WireOriginal } from '../../model/index.js';
import { V1_PROTO } from '../prometheus/receiver.js';
import { resourceFromJobInstance } from '../prometheus/resource.js';
import { bytesAre, forEachPlainSeries, type PlainSeries } from '../prometheus/scan-v1.js';
import { metricResource, service } from './encode.js';

/**
 * InfraSage records written straight from a plain remote-write request's bytes into the body
 * (see model/wire-original.ts): the records `toRecords` makes of the model, with no model, no
 * record objects, no string per label and no object per sample. Every record of a plain request
 * is a `metric` with string labels, so the only case left to the model path is a value InfraSage
 * cannot take (NaN, ±Inf, stale markers): then undefined, and the caller encodes the model, which
 * sets such points aside alone.
 *
 * Records come in request order; the model path groups them by resource and metric first.
 */
export function infrasageBodiesFromWire(wire: WireOriginal, maxRecords: number): { body: Buffer; items: number }[] | undefined {
  if (wire.format !== V1_PROTO) return undefined;
  const bodies: { body: Buffer; items: number }[] = [];
  const out = new JsonOut(Math.min(wire.bytes * 3, 64 * 1024 * 1024));
  const series = new JsonOut(4096);
  const resources = new Map<string, ResourceText>();
  let records = 0;
  let refused = false;
  let lastMs = -1;
  // `,"timestamp":"<iso>` as bytes: samples of one request mostly share their time.
  let stamp = Buffer.alloc(0);
  out.ascii('[');
  for (const part of wire.parts) {
    const latin1 = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    forEachPlainSeries(part, (s) => {
      if (refused) return;
      // The series' record without value and time: head (to "value":) and tail (after the time),
      // written once per label set and kept, since every scrape sends the same series again.
      const key = s.labelsEnd >= 0 ? latin1.toString('latin1', s.labelsStart, s.labelsEnd) : undefined;
      let text = key === undefined ? undefined : RECORD_TEXT.get(key);
      if (!text) {
        series.reset();
        const cut = seriesHead(s, series, resources);
        text = { head: Buffer.from(series.buf.subarray(0, cut)), tail: Buffer.from(series.buf.subarray(cut, series.n)) };
        if (key !== undefined) remember(key, text);
      }
      const { head, tail } = text;
      for (let i = 0; i < s.samples; i++) {
        const v = s.sampleValues[i]!;
        if (!Number.isFinite(v)) {
          refused = true;
          return;
        }
        const ms = s.sampleMs[i]!;
        if (ms !== lastMs) {
          lastMs = ms;
          stamp = Buffer.from(`,"timestamp":"${isoFromNano(ms > 0 ? BigInt(ms) * 1_000_000n : nowNano())}`, 'latin1');
        }
        if (records > 0) out.ascii(',');
        out.bytes(head);
        out.ascii(String(v));
        out.bytes(stamp);
        out.bytes(tail);
        if (++records === maxRecords) {
          out.ascii(']');
          bodies.push({ body: out.take(), items: records });
          out.ascii('[');
          records = 0;
        }
      }
    });
    if (refused) return undefined;
  }
  if (records > 0) {
    out.ascii(']');
    bodies.push({ body: out.take(), items: records });
  }
  return bodies;
}

/**
 * A series' record text around its value and time (see seriesHead), as two whole buffers: a
 * copy of a whole buffer makes no view object, and this runs twice per sample.
 */
interface RecordText {
  head: Buffer;
  tail: Buffer;
}

/**
 * Record text by the series' label bytes, shared by every InfraSage exporter: the text depends
 * on those bytes alone. Bounded; emptied when full (a new scrape set fills it again in one pass).
 */
const RECORD_TEXT = new Map<string, RecordText>();
const MAX_RECORD_TEXTS = 20_000;

function remember(key: string, text: RecordText): void {
  if (RECORD_TEXT.size >= MAX_RECORD_TEXTS) RECORD_TEXT.clear();
  RECORD_TEXT.set(key, text);
}

interface ResourceText {
  /** `{"service_id":…,"type":"metric","metric_name":"` */
  head: string;
  /** The resource's labels as `"k":"v"` members, comma-separated. */
  attributes: string;
}

/**
 * Writes the series' record up to `"value":` and, after that point, its tail from the closing
 * quote of the time on; returns where the tail starts.
 */
function seriesHead(s: PlainSeries, o: JsonOut, resources: Map<string, ResourceText>): number {
  const b = s.bytes;
  const at = s.labelAt;
  let name = -1;
  let jobAt = -1;
  let instanceAt = -1;
  for (let k = 0; k < s.labels * 4; k += 4) {
    if (bytesAre(b, at[k]!, at[k + 1]!, '__name__')) name = k;
    else if (bytesAre(b, at[k]!, at[k + 1]!, 'job')) jobAt = k;
    else if (bytesAre(b, at[k]!, at[k + 1]!, 'instance')) instanceAt = k;
  }
  const job = jobAt < 0 ? undefined : utf8(b, at[jobAt + 2]!, at[jobAt + 3]!);
  const instance = instanceAt < 0 ? undefined : utf8(b, at[instanceAt + 2]!, at[instanceAt + 3]!);
  const key = `${job ?? ''}\0${instance ?? ''}`;
  let res = resources.get(key);
  if (!res) resources.set(key, (res = resourceText(job, instance)));
  o.ascii(res.head);
  // Metric and label names are classic ([a-zA-Z0-9_:]): nothing in them needs escaping.
  o.copy(b, at[name + 2]!, at[name + 3]!);
  o.ascii('","value":');
  const head = o.n;
  o.ascii('"'); // closes the time, written per sample in between
  let open = false;
  const member = () => {
    o.ascii(open ? ',' : ',"attributes":{');
    open = true;
  };
  if (res.attributes) {
    member();
    o.ascii(res.attributes);
  }
  for (let k = 0; k < s.labels * 4; k += 4) {
    if (k === name || k === jobAt || k === instanceAt) continue;
    member();
    o.ascii('"');
    o.copy(b, at[k]!, at[k + 1]!);
    o.ascii('":');
    o.jsonString(b, at[k + 2]!, at[k + 3]!);
  }
  o.ascii(open ? '}}' : '}');
  return head;
}

/** What toRecords derives from a resource made of a series' job and instance, as JSON text. */
function resourceText(job: string | undefined, instance: string | undefined): ResourceText {
  const resource = resourceFromJobInstance(job, instance);
  const [sid, rest] = service(resource);
  return { head: `{"service_id":${JSON.stringify(sid)},"type":"metric","metric_name":"`, attributes: members(metricResource(resource, rest)) };
}

function members(attrs: Attributes): string {
  const parts: string[] = [];
  for (const k in attrs) parts.push(`${JSON.stringify(k)}:${JSON.stringify(attrs[k])}`);
  return parts.join(',');
}

function utf8(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
}

const HEX = '0123456789abcdef';
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** A growable byte buffer that JSON is written into. */
class JsonOut {
  buf: Buffer;
  n = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  reset(): void {
    this.n = 0;
  }

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  // Short pieces by hand: a native call (or a subarray) per piece costs more than the bytes.
  ascii(s: string): void {
    const len = s.length;
    this.room(len);
    if (len > 32) {
      this.n += this.buf.write(s, this.n, 'latin1');
      return;
    }
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }

  bytes(src: Uint8Array): void {
    this.room(src.length);
    this.buf.set(src, this.n);
    this.n += src.length;
  }

  copy(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.room(len);
    if (len > 64) {
      this.buf.set(src.subarray(start, end), this.n);
    } else {
      const buf = this.buf;
      const n = this.n;
      for (let i = 0; i < len; i++) buf[n + i] = src[start + i]!;
    }
    this.n += len;
  }

  /** UTF-8 bytes as a JSON string, escaped as JSON.stringify escapes them. */
  jsonString(src: Uint8Array, start: number, end: number): void {
    this.room((end - start) * 6 + 2);
    const buf = this.buf;
    let n = this.n;
    buf[n++] = 0x22;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        buf[n++] = c;
        continue;
      }
      const esc = SHORT_ESCAPES[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      n += buf.write(esc, n, 'latin1');
    }
    buf[n++] = 0x22;
    this.n = n;
  }

  /** The bytes written so far, as a body of their own; the buffer starts again. */
  take(): Buffer {
    const body = Buffer.from(this.buf.subarray(0, this.n));
    this.n = 0;
    return body;
  }
}
