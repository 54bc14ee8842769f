import { z } from 'zod';
import type { ExporterDefinition, OutboundRequest } from '../types.js';
import { encodeWriteRequest } from './encode-request.js';
import { toSeries, type OutMetadata, type OutSeries } from './from-model.js';
import { snappyEncode } from './wire.js';

/**
 * The remote-write 1.0 exporter: what Prometheus itself sends (snappy block + protobuf, version
 * header 0.1.0), split so that no request has more than `max_samples_per_send` samples (a series
 * is never split). The spec's sender rules (2xx ok; 5xx and 429 retried; other 4xx refused) are
 * the exporter layers' generic rule, so the format adds none of its own.
 */
export const DEFAULT_PATH = '/api/v1/write';
export const DEFAULT_MAX_SAMPLES_PER_SEND = 2000;
export const USER_AGENT = 'Switchyard/0.1.0';

export const exporterConfigSchema = {
  path: z.string().startsWith('/').optional(),
  max_samples_per_send: z.number().int().positive().optional(),
  /** Append the unit (`_seconds`, `_bytes`, …) to metric names, as the OpenTelemetry rules allow. */
  add_unit_suffix: z.boolean().optional(),
  /** Send MetricMetadata (type, help, unit) with the series. */
  send_metadata: z.boolean().optional(),
};

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

export const remoteWriteExporter: ExporterDefinition = {
  signals: ['metrics'],
  configSchema: exporterConfigSchema,
  auth: { header: 'authorization', scheme: 'Bearer', required: false },
  encode(data, ctx) {
    const cfg = ctx.config;
    const path = typeof cfg['path'] === 'string' ? cfg['path'] : DEFAULT_PATH;
    const max = typeof cfg['max_samples_per_send'] === 'number' ? cfg['max_samples_per_send'] : DEFAULT_MAX_SAMPLES_PER_SEND;
    const sendMetadata = cfg['send_metadata'] !== false;
    const { series, metadata } = toSeries(data.metrics ?? [], {
      addUnitSuffix: cfg['add_unit_suffix'] === true,
      skipped: (n, reason) => ctx.note?.('skipped', n, reason),
    });
    if (series.length === 0) return [];
    const batches = chunks(series, max);
    if (batches.length > 1) ctx.note?.('split', batches.length, `remote-write batch split into ${batches.length} requests of at most ${max} samples`);
    return batches.map((batch): OutboundRequest => ({
      path,
      contentType: 'application/x-protobuf',
      body: snappyEncode(encodeWriteRequest(batch, sendMetadata ? metadataFor(batch, metadata) : [])),
      headers: {
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
        'user-agent': USER_AGENT,
      },
      items: batch.reduce((n, s) => n + s.samples.length + s.histograms.length, 0),
    }));
  },
};
