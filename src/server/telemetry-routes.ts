import type { Hono } from 'hono';
import type { Exporter } from '../export/exporter.js';
import type { DeadLetterStats } from '../export/dead-letter.js';
import type { SelfMetrics } from '../observe/self-metrics.js';

export type ServiceState = 'starting' | 'running' | 'draining' | 'stopped';

export interface TelemetrySources {
  state(): ServiceState;
  receivers: string[];
  exporters: Exporter[];
  metrics: SelfMetrics;
  version: string;
  startedAt: number;
}

/** GET /healthz, /metrics and /api/v1/debug/dlq-stats on service.telemetry.endpoint. */
export function mountTelemetryRoutes(app: Hono, s: TelemetrySources): void {
  app.get('/healthz', (c) => {
    const state = s.state();
    const body = {
      status: state === 'running' ? 'ok' : state,
      version: s.version,
      uptime_seconds: Math.round((Date.now() - s.startedAt) / 1000),
      receivers: Object.fromEntries(s.receivers.map((id) => [id, state === 'running' ? 'up' : state])),
      exporters: Object.fromEntries(
        s.exporters.map((e) => [e.id, { state: state === 'running' ? 'up' : state, queue_size: e.queue.size, queue_capacity: e.queue.capacity, persistent: e.queue.persistent }]),
      ),
    };
    return c.json(body, state === 'running' ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await s.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': s.metrics.registry.contentType });
  });
  app.get('/api/v1/debug/dlq-stats', (c) => {
    const total: DeadLetterStats = { total_failed: 0, by_reason: {} };
    const byExporter: Record<string, DeadLetterStats> = {};
    for (const e of s.exporters) {
      const st = e.deadLetters.snapshot();
      byExporter[e.id] = st;
      total.total_failed += st.total_failed;
      for (const [k, v] of Object.entries(st.by_reason)) total.by_reason[k] = (total.by_reason[k] ?? 0) + v;
      if (st.oldest_entry && (!total.oldest_entry || st.oldest_entry < total.oldest_entry)) total.oldest_entry = st.oldest_entry;
      if (st.newest_entry && (!total.newest_entry || st.newest_entry > total.newest_entry)) total.newest_entry = st.newest_entry;
    }
    return c.json({ ...total, exporters: byExporter });
  });
}
