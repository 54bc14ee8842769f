import { z } from 'zod';
import type { ExporterDefinition, OutboundRequest, SendResult } from '../types.js';
import { toRecords } from './from-model.js';
import { MAX_BATCH_RECORDS } from './record.js';

/**
 * InfraSage exporter: records in batches of at most 10,000 to /api/v1/telemetry/batch, with the
 * X-API-Key header from `api_key`. A 200 answer listing `failures` is a partial success: those
 * records are dead-lettered (by index into `records`), never retried, since InfraSage refused them
 * as invalid. 429 and 5xx are retried (honouring Retry-After); other statuses reject the batch.
 */
export const BATCH_PATH = '/api/v1/telemetry/batch';

export const infrasageExporterConfigSchema = {
  max_batch_records: z.number().int().positive().max(MAX_BATCH_RECORDS).optional(),
};

export const infrasageExporter: ExporterDefinition = {
  signals: ['metrics', 'logs', 'traces'],
  configSchema: infrasageExporterConfigSchema,
  auth: { header: 'x-api-key', required: false },
  encode(data, ctx) {
    const max = typeof ctx.config['max_batch_records'] === 'number' ? Math.min(ctx.config['max_batch_records'], MAX_BATCH_RECORDS) : MAX_BATCH_RECORDS;
    const records = toRecords(data, { skipped: (n, reason) => ctx.note?.('skipped', n, reason) });
    const out: OutboundRequest[] = [];
    for (let i = 0; i < records.length; i += max) {
      const chunk = records.slice(i, i + max);
      out.push({ path: BATCH_PATH, contentType: 'application/json', body: JSON.stringify(chunk), items: chunk.length, records: chunk });
    }
    if (out.length > 1) ctx.note?.('split', out.length, `InfraSage batch split into ${out.length} requests of at most ${max} records`);
    return out;
  },
  interpret(status, headers, body): SendResult {
    const text = body.toString('utf8');
    if (status >= 200 && status < 300) {
      const parsed = safeJson(text) as { failures?: { index?: unknown; error?: unknown; message?: unknown }[] } | undefined;
      const failures = Array.isArray(parsed?.failures) ? parsed.failures : [];
      if (failures.length === 0) return { kind: 'ok' };
      return {
        kind: 'partial',
        rejected: failures
          .filter((f) => typeof f?.index === 'number')
          .map((f) => ({ index: f.index as number, reason: `${String(f.error ?? 'rejected')}: ${String(f.message ?? '')}`.trim() })),
      };
    }
    const parsed = safeJson(text) as { error?: unknown; message?: unknown } | undefined;
    const reason = `HTTP ${status}${parsed?.error ? ` ${String(parsed.error)}` : ''}: ${String(parsed?.message ?? text.slice(0, 300))}`;
    if (status === 429 || status >= 500) {
      const ra = retryAfterMs(headers['retry-after']);
      return ra === undefined ? { kind: 'retry', reason, status } : { kind: 'retry', reason, status, retryAfterMs: ra };
    }
    return { kind: 'reject', reason, status };
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterMs(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
