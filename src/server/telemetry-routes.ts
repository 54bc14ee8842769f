import type { Hono } from 'hono';
import type { Exporter } from '../export/exporter.js';
import type { DeadLetterStats } from '../export/dead-letter.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import { scrubSecrets } from '../observe/secrets.js';

export type ServiceState = 'starting' | 'running' | 'draining' | 'stopped';

export interface HealthReport {
  status: string;
  [key: string]: unknown;
}

/** What the telemetry endpoint serves, whether from this process or gathered from workers. */
export interface TelemetryProvider {
  health(): Promise<HealthReport>;
  metrics(): Promise<{ contentType: string; text: string }>;
  dlqStats(): Promise<DeadLetterStats & { exporters?: Record<string, DeadLetterStats> }>;
}

/** GET /healthz (503 unless running), /metrics and /api/v1/debug/dlq-stats, secrets scrubbed. */
export function mountTelemetryRoutes(app: Hono, p: TelemetryProvider): void {
  const json = { 'content-type': 'application/json' };
  app.get('/healthz', async (c) => {
    const h = await p.health();
    return c.body(scrubSecrets(JSON.stringify(h)), h.status === 'ok' ? 200 : 503, json);
  });
  app.get('/metrics', async (c) => {
    const m = await p.metrics();
    return c.body(scrubSecrets(m.text), 200, { 'content-type': m.contentType });
  });
  app.get('/api/v1/debug/dlq-stats', async (c) => c.body(scrubSecrets(JSON.stringify(await p.dlqStats())), 200, json));
}

export interface LocalSources {
  state(): ServiceState;
  receivers: string[];
  exporters: Exporter[];
  metrics: SelfMetrics;
  version: string;
  startedAt: number;
}

export function localTelemetry(s: LocalSources): TelemetryProvider {
  return {
    async health() {
      const state = s.state();
      const up = state === 'running' ? 'up' : state;
      // A disk that cannot take writes makes receivers push back: not ready for traffic.
      const diskErrors = s.exporters.filter((e) => e.diskError);
      return {
        status: state !== 'running' ? state : diskErrors.length ? 'degraded' : 'ok',
        version: s.version,
        uptime_seconds: Math.round((Date.now() - s.startedAt) / 1000),
        receivers: Object.fromEntries(s.receivers.map((id) => [id, up])),
        exporters: Object.fromEntries(
          s.exporters.map((e) => [e.id, { state: e.diskError ? 'disk_error' : up, queue_size: e.queue.size, queue_capacity: e.queue.capacity, persistent: e.queue.persistent, ...(e.diskError ? { disk_error: e.diskError } : {}) }]),
        ),
      };
    },
    async metrics() {
      return { contentType: s.metrics.registry.contentType, text: await s.metrics.registry.metrics() };
    },
    async dlqStats() {
      const byExporter: Record<string, DeadLetterStats> = {};
      for (const e of s.exporters) byExporter[e.id] = e.deadLetters.snapshot();
      return { ...sumDeadLetterStats(Object.values(byExporter)), exporters: byExporter };
    },
  };
}

export function sumDeadLetterStats(list: DeadLetterStats[]): DeadLetterStats {
  const total: DeadLetterStats = { total_failed: 0, by_reason: {} };
  for (const st of list) {
    total.total_failed += st.total_failed;
    for (const [k, v] of Object.entries(st.by_reason)) total.by_reason[k] = (total.by_reason[k] ?? 0) + v;
    if (st.oldest_entry && (!total.oldest_entry || st.oldest_entry < total.oldest_entry)) total.oldest_entry = st.oldest_entry;
    if (st.newest_entry && (!total.newest_entry || st.newest_entry > total.newest_entry)) total.newest_entry = st.newest_entry;
  }
  return total;
}
