import { wireOf } from '../../model/index.js';
import { defineExporter, type ItemRefusals, type OutboundRequest } from '../types.js';
import { infrasageExporterConfig } from './config.js';
import { INFRASAGE_AUTH, INFRASAGE_BATCH_PATH, INFRASAGE_MEDIA_TYPE } from './contract.js';
import { toRecords } from './encode.js';
import { infrasageBodiesFromWire } from './encode-wire.js';

/**
 * InfraSage exporter: records in batches of at most 10,000 to /api/v1/telemetry/batch, with the
 * X-API-Key header from `api_key`. A 200 answer listing `failures` is a partial success: those
 * records are dead-lettered (by index into `records`), never retried, since InfraSage refused them
 * as invalid. Other answers follow the generic rule of the exporter layers.
 */
export const infrasageExporter = defineExporter({
  signals: ['metrics', 'logs', 'traces'],
  configSchema: infrasageExporterConfig,
  auth: INFRASAGE_AUTH,
  encode(data, ctx) {
    const max = ctx.config.max_batch_records;
    // A plain remote-write batch still in its bytes: records written from them, no model built.
    const wire = wireOf(data);
    const fromWire = wire && infrasageBodiesFromWire(wire, max);
    if (fromWire) {
      if (fromWire.length > 1) ctx.note?.('split', fromWire.length, `InfraSage batch split into ${fromWire.length} requests of at most ${max} records`);
      return fromWire.map(({ body, items }) => ({ path: INFRASAGE_BATCH_PATH, contentType: INFRASAGE_MEDIA_TYPE, body, items, recordsInBody: true }));
    }
    const coerced = new Map<string, number>();
    const records = toRecords(data, {
      skipped: (n, reason) => ctx.note?.('skipped', n, reason),
      ...(ctx.refuse ? { refuse: ctx.refuse } : {}),
      coerced: (field, n) => coerced.set(field, (coerced.get(field) ?? 0) + n),
    });
    for (const [field, n] of coerced) ctx.fidelity?.('coerced', field, n);
    const out: OutboundRequest[] = [];
    for (let i = 0; i < records.length; i += max) {
      const chunk = records.slice(i, i + max);
      out.push({ path: INFRASAGE_BATCH_PATH, contentType: INFRASAGE_MEDIA_TYPE, body: JSON.stringify(chunk), items: chunk.length, records: chunk });
    }
    if (out.length > 1) ctx.note?.('split', out.length, `InfraSage batch split into ${out.length} requests of at most ${max} records`);
    return out;
  },
  answers: {
    refusedItems(body): ItemRefusals | undefined {
      const parsed = safeJson(body.toString('utf8')) as { failures?: { index?: unknown; error?: unknown; message?: unknown }[] } | undefined;
      const failures = (Array.isArray(parsed?.failures) ? parsed.failures : []).filter((f) => typeof f?.index === 'number');
      if (failures.length === 0) return undefined;
      const byIndex = failures.map((f) => ({ index: f.index as number, reason: `${String(f.error ?? 'rejected')}: ${String(f.message ?? '')}`.trim() }));
      return { count: byIndex.length, byIndex };
    },
    errorText(body) {
      const text = body.toString('utf8');
      const parsed = safeJson(text) as { error?: unknown; message?: unknown } | undefined;
      if (!parsed) return text.slice(0, 300);
      return `${parsed.error ? `${String(parsed.error)}: ` : ''}${String(parsed.message ?? '')}`;
    },
  },
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
