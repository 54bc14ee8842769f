import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { attributesToJson, countItems, isoFromNano, toJson, type Telemetry } from '../../model/index.js';
import { scrubSecrets } from '../../observe/secrets.js';
import { debugExporterConfig } from './config.js';
import { defineExporter, type OutboundRequest, type SendResult, type Transport } from '../types.js';

/**
 * The Collector's debug exporter: prints what flows through, to stdout or a JSONL file. It sees
 * only the model, after processors, so redaction applies; it never sees exporter credentials.
 */
export const debugExporter = defineExporter({
  signals: ['traces', 'metrics', 'logs'],
  configSchema: debugExporterConfig,
  encode(data, ctx) {
    const verbosity = ctx.config.verbosity;
    const items = countItems(data);
    const lines = verbosity === 'basic' ? [JSON.stringify(summary(data))] : itemLines(data, verbosity === 'detailed');
    return [{ path: '', contentType: 'application/x-ndjson', body: lines.join('\n') + '\n', items }];
  },
  createTransport(config) {
    return new DebugTransport(config.path);
  },
});

class DebugTransport implements Transport {
  private readonly out: WriteStream | NodeJS.WriteStream;
  constructor(path?: string) {
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      this.out = createWriteStream(path, { flags: 'a' });
    } else this.out = process.stdout;
  }
  send(req: OutboundRequest): Promise<SendResult> {
    return new Promise((resolve) => {
      this.out.write(typeof req.body === 'string' ? scrubSecrets(req.body) : req.body, (err) => resolve(err ? { kind: 'retry', reason: err.message } : { kind: 'ok' }));
    });
  }
  async close(): Promise<void> {
    if (this.out !== process.stdout) await new Promise<void>((r) => (this.out as WriteStream).end(r));
  }
}

function summary(t: Telemetry) {
  return { spans: countItems(t, 'traces'), data_points: countItems(t, 'metrics'), log_records: countItems(t, 'logs') };
}

function itemLines(t: Telemetry, detailed: boolean): string[] {
  const out: string[] = [];
  for (const r of t.traces ?? []) {
    const resource = attributesToJson(r.resource.attributes);
    for (const ss of r.scopeSpans) {
      for (const s of ss.spans) {
        const line: Record<string, unknown> = {
          signal: 'span', trace_id: s.traceId, span_id: s.spanId, parent_span_id: s.parentSpanId, name: s.name, kind: s.kind,
          start: isoFromNano(s.startTimeUnixNano), end: isoFromNano(s.endTimeUnixNano),
          start_time_unix_nano: s.startTimeUnixNano.toString(), end_time_unix_nano: s.endTimeUnixNano.toString(),
          status: s.status, attributes: attributesToJson(s.attributes),
        };
        if (detailed) Object.assign(line, {
          resource, scope: ss.scope.name,
          events: s.events.map((e) => ({ name: e.name, time_unix_nano: e.timeUnixNano.toString(), attributes: attributesToJson(e.attributes) })),
          links: s.links.map((l) => ({ trace_id: l.traceId, span_id: l.spanId, attributes: attributesToJson(l.attributes) })),
        });
        out.push(JSON.stringify(line));
      }
    }
  }
  for (const r of t.metrics ?? []) {
    const resource = attributesToJson(r.resource.attributes);
    for (const sm of r.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const p of m.data.dataPoints) {
          const line: Record<string, unknown> = { signal: 'metric', name: m.name, type: m.data.type, unit: m.unit, time_unix_nano: p.timeUnixNano.toString(), attributes: attributesToJson(p.attributes) };
          if ('value' in p) line.value = p.stale ? 'stale' : toJson(p.value);
          else line.point = JSON.parse(JSON.stringify({ ...p, attributes: undefined }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
          if (detailed) line.resource = resource;
          out.push(JSON.stringify(line));
        }
      }
    }
  }
  for (const r of t.logs ?? []) {
    const resource = attributesToJson(r.resource.attributes);
    for (const sl of r.scopeLogs) {
      for (const l of sl.logRecords) {
        const line: Record<string, unknown> = {
          signal: 'log', time_unix_nano: l.timeUnixNano.toString(), severity: l.severityText ?? l.severityNumber, body: toJson(l.body ?? null),
          attributes: attributesToJson(l.attributes), trace_id: l.traceId, span_id: l.spanId, event_name: l.eventName,
        };
        if (detailed) line.resource = resource;
        out.push(JSON.stringify(line));
      }
    }
  }
  return out;
}
