import { wireOf, type WireOriginal } from '../../model/index.js';
import { defineExporter, type OutboundRequest } from '../types.js';
import { remoteWriteExporterConfig } from './config.js';
import { USER_AGENT } from './contract.js';
import { encodeWriteRequest } from './encode-v1.js';
import { toSeries, type OutMetadata, type OutSeries } from './encode.js';
import { V1_PROTO } from './receiver.js';
import { snappyEncode } from './wire.js';

/**
 * The remote-write 1.0 exporter: what Prometheus itself sends (snappy block + protobuf, version
 * header 0.1.0), split so that no request has more than `max_samples_per_send` samples (a series
 * is never split). The spec's sender rules (2xx ok; 5xx and 429 retried; other 4xx refused) are
 * the exporter layers' generic rule, so the format adds none of its own.
 */
function chunks(series: OutSeries[], max: number): OutSeries[][] {
  const out: OutSeries[][] = [];
  let cur: OutSeries[] = [];
  let n = 0;
  for (const s of series) {
    const size = Math.max(1, s.samples.length + s.histograms.length);
    if (cur.length && n + size > max) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(s);
    n += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

function familyOf(s: OutSeries): string {
  const name = s.labels.find(([k]) => k === '__name__')?.[1] ?? '';
  return name;
}

function metadataFor(batch: OutSeries[], all: OutMetadata[]): OutMetadata[] {
  const names = new Set(batch.map(familyOf));
  return all.filter((m) => [m.family, m.family + '_total', m.family + '_bucket', m.family + '_count', m.family + '_sum'].some((n) => names.has(n)));
}

export const remoteWriteExporter = defineExporter({
  signals: ['metrics'],
  configSchema: remoteWriteExporterConfig,
  auth: { header: 'authorization', scheme: 'Bearer', required: false },
  encode(data, ctx) {
    const { path, max_samples_per_send: max, send_metadata: sendMetadata } = ctx.config;
    const wire = wireOf(data);
    // A batch still in the bytes a 1.0 receiver validated as plain is what this encoder would
    // write from its model (names unchanged, no metadata): sent as it is, not rebuilt.
    if (wire?.format === V1_PROTO && wire.items <= max && !ctx.config.add_unit_suffix) {
      return wire.items === 0 ? [] : [request(path, relayBody(wire), wire.items)];
    }
    const { series, metadata } = toSeries(data.metrics ?? [], {
      addUnitSuffix: ctx.config.add_unit_suffix,
      skipped: (n, reason) => ctx.note?.('skipped', n, reason),
    });
    if (series.length === 0) return [];
    const batches = chunks(series, max);
    if (batches.length > 1) ctx.note?.('split', batches.length, `remote-write batch split into ${batches.length} requests of at most ${max} samples`);
    return batches.map((batch) =>
      request(path, snappyEncode(encodeWriteRequest(batch, sendMetadata ? metadataFor(batch, metadata) : [])), batch.reduce((n, s) => n + s.samples.length + s.histograms.length, 0)));
  },
});

function request(path: string, body: Uint8Array, items: number): OutboundRequest {
  return {
    path,
    contentType: 'application/x-protobuf',
    body,
    headers: { 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0', 'user-agent': USER_AGENT },
    items,
  };
}

/** One request's snappy block as it arrived, or the merged messages compressed once. */
function relayBody(wire: WireOriginal): Uint8Array {
  if (wire.snappy) return wire.snappy;
  return snappyEncode(wire.parts.length === 1 ? wire.parts[0]! : Buffer.concat(wire.parts));
}
