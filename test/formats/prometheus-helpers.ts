import snappy from 'snappyjs';
import { promTypes } from '../../src/formats/prometheus/proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import type { RequestInfo } from '../../src/formats/types.js';

/**
 * Test payloads are built with protobufjs' reflected types from proto/ (fromObject/encode), an
 * encoding path independent of the exporter's hand-written Writer code.
 */
export type Labels = Record<string, string>;
export interface SeriesSpec { labels: Labels | [string, string][]; samples?: [number, number][]; exemplars?: unknown[]; histograms?: unknown[] }

export function writeRequestBytes(series: SeriesSpec[], metadata: unknown[] = []): Uint8Array {
  const T = promTypes();
  const msg = T.WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: (Array.isArray(s.labels) ? s.labels : Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))).map(([name, value]) => ({ name, value })),
      samples: (s.samples ?? []).map(([value, timestamp]) => ({ value, timestamp })),
      exemplars: s.exemplars ?? [],
      histograms: s.histograms ?? [],
    })),
    metadata,
  });
  return T.WriteRequest.encode(msg).finish();
}

export function snappyBytes(b: Uint8Array): Buffer {
  return Buffer.from(snappy.compress(b));
}

export function writeRequestBody(series: SeriesSpec[], metadata: unknown[] = []): Buffer {
  return snappyBytes(writeRequestBytes(series, metadata));
}

/** A remote-write 2.0 Request with its symbol table, per the 2.0 specification. */
export function v2RequestBody(series: { labels: Labels; samples: [number, number][]; metadata?: { type: number; help?: string; unit?: string }; created?: number }[]): Buffer {
  const symbols = [''];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) { i = symbols.length; symbols.push(s); }
    return i;
  };
  const timeseries = series.map((s) => ({
    labels_refs: Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([k, v]) => [ref(k), ref(v)]),
    samples: s.samples.map(([value, timestamp]) => ({ value, timestamp })),
    metadata: s.metadata ? { type: s.metadata.type, help_ref: ref(s.metadata.help ?? ''), unit_ref: ref(s.metadata.unit ?? '') } : undefined,
    created_timestamp: s.created ?? 0,
  }));
  const T = promTypes();
  return snappyBytes(T.V2Request.encode(T.V2Request.fromObject({ symbols, timeseries })).finish());
}

export function reqInfo(contentType = 'application/x-protobuf', headers: Record<string, string> = { 'content-encoding': 'snappy' }, path = '/api/v1/write'): RequestInfo {
  return { method: 'POST', path, mediaType: contentType.split(';')[0]!.trim().toLowerCase(), contentType, headers: { 'content-type': contentType, ...headers } };
}

export const V2_CT = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
export const LIMITS = DEFAULT_DECODE_LIMITS;
