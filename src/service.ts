import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Exporter } from './export/exporter.js';
import { DEFAULT_BATCH } from './pipeline/config/common-schema.js';
import type { QueueStorage } from './export/queue.js';
import { openFileQueueStorage } from './export/file-queue.js';
import { createLogger, type Logger } from './observe/logger.js';
import { SelfMetrics } from './observe/self-metrics.js';
import { defaultCatalog, type ComponentCatalog } from './pipeline/components.js';
import { normaliseEndpoint } from './pipeline/config/load.js';
import type { BatchConfig, ExporterConfig, SwitchyardConfig } from './pipeline/config/model.js';
import { join } from 'node:path';
import { PipelineGraph, type PipelineRuntime } from './pipeline/graph.js';
import { makeRouteHandler } from './server/receiver-handler.js';
import { startGrpcListeners, type GrpcListeners } from './server/grpc-server.js';
import { servesHttp } from './formats/otlp/grpc-config.js';
import { httpsServe } from './server/tls-listener.js';
import { corsMiddleware, type CorsConfig } from './server/cors.js';
import type { ReceiverTls } from './pipeline/config/tls-schema.js';
import { localTelemetry, mountTelemetryRoutes, type ServiceState, type TelemetryProvider } from './server/telemetry-routes.js';
import { VERSION } from './version.js';

export interface ServiceOptions {
  logger?: Logger;
  catalog?: ComponentCatalog;
  /** Base directory for default dead-letter files. */
  dataDir?: string;
  openStorage?: (dir: string, id: string) => QueueStorage;
  /** Set in a worker process: queue directories and dead-letter files get a per-worker suffix. */
  workerIndex?: number;
  /** Serve no telemetry endpoint (the primary process serves it for all workers). */
  withoutTelemetry?: boolean;
}

export interface RunningService {
  /** Bound address of each configured endpoint (`127.0.0.1:0` resolves to the real port). */
  address(endpoint: string): { host: string; port: number; url: string };
  /** Address of the endpoint a receiver listens on. */
  receiverUrl(receiverId: string): string;
  telemetryUrl?: string;
  metrics: SelfMetrics;
  telemetry: TelemetryProvider;
  exporters: Map<string, Exporter>;
  /** The OTLP/gRPC listeners (receivers with `protocols.grpc`). */
  grpc: GrpcListeners;
  /** Stop accepting, drain exporters within the deadline, close everything. */
  shutdown(deadlineMs?: number): Promise<void>;
}

/**
 * Builds and starts everything a config describes: exporters (queues first, so replayed data
 * flows at once), processors, pipelines, then one listener per endpoint shared by every receiver
 * configured on it.
 */
export async function startService(config: SwitchyardConfig, opts: ServiceOptions = {}): Promise<RunningService> {
  const logger = opts.logger ?? createLogger(config.service.telemetry.logs.level);
  const catalog = opts.catalog ?? defaultCatalog();
  const metrics = new SelfMetrics();
  let state: ServiceState = 'starting';
  const startedAt = Date.now();

  const exporters = new Map<string, Exporter>();
  const w = opts.workerIndex;
  for (const e of config.exporters.values()) {
    if (!config.service.pipelines.some((p) => p.exporters.includes(e.id))) continue;
    exporters.set(e.id, new Exporter({
      id: e.id,
      definition: catalog.exporters.get(e.type)!,
      config: w === undefined ? e.config : perWorker(e.id, e.config, w, opts.dataDir),
      batch: e.config.batch ?? batchFor(e.id, config) ?? DEFAULT_BATCH,
      metrics,
      logger,
      openStorage: opts.openStorage ?? openFileQueueStorage,
      dataDir: opts.dataDir,
    }));
  }
  await Promise.all([...exporters.values()].map((e) => e.start()));

  const pipelines: PipelineRuntime[] = config.service.pipelines.map((p) => ({
    config: p,
    processors: p.processors.map((pid) => {
      const pc = config.processors.get(pid)!;
      const def = catalog.processors.get(pc.type)!;
      return { id: pid, processor: def.create(pc.config, { id: pid, count: (event, n) => metrics.processorEvents.inc({ processor: pid, event }, n) }) };
    }),
    exporters: p.exporters.map((id) => exporters.get(id)!),
  }));
  const graph = new PipelineGraph(pipelines);

  const apps = new Map<string, Hono>();
  const appFor = (endpoint: string) => {
    const key = normaliseEndpoint(endpoint);
    let app = apps.get(key);
    if (!app) apps.set(key, (app = new Hono()));
    return app;
  };
  const deps = { graph, metrics, logger, accepting: () => state === 'running' };
  const usedReceivers = new Set(config.service.pipelines.flatMap((p) => p.receivers));
  const receiverEndpoints = new Map<string, string>();
  const endpointTls = new Map<string, ReceiverTls>();
  for (const r of config.receivers.values()) {
    if (!usedReceivers.has(r.id)) continue;
    const def = catalog.receivers.get(r.type)!;
    if (!servesHttp(r.config)) continue;
    const app = appFor(r.config.endpoint);
    receiverEndpoints.set(r.id, normaliseEndpoint(r.config.endpoint));
    if (r.config.tls) endpointTls.set(normaliseEndpoint(r.config.endpoint), r.config.tls as ReceiverTls);
    for (const route of def.routes) {
      if (r.config.cors) app.use(route.path, corsMiddleware(r.config.cors as CorsConfig));
      const handler = makeRouteHandler({ id: r.id, definition: def, config: r.config }, route, deps);
      if (route.method === 'GET') app.get(route.path, handler);
      else app.post(route.path, handler);
    }
    if (!r.config.api_keys?.length && def.auth?.required) {
      logger.warn({ receiver: r.id }, 'no api_keys configured: this receiver accepts any key');
    }
  }
  const telemetry = localTelemetry({
    state: () => state,
    receivers: [...receiverEndpoints.keys()],
    exporters: [...exporters.values()],
    metrics,
    version: VERSION,
    startedAt,
  });
  const telemetryEndpoint = opts.withoutTelemetry ? undefined : config.service.telemetry.endpoint;
  if (telemetryEndpoint) mountTelemetryRoutes(appFor(telemetryEndpoint), telemetry);

  const servers = new Map<string, { server: ServerType; host: string; port: number }>();
  let grpc: GrpcListeners | undefined;
  try {
    for (const [endpoint, app] of apps) {
      const { host, port } = splitEndpoint(endpoint);
      const server = await listen(app, host, port, endpointTls.get(endpoint), logger);
      const addr = server.address() as AddressInfo;
      servers.set(endpoint, { server, host, port: addr.port });
      logger.info({ endpoint: `${host}:${addr.port}` }, 'listening');
    }
    grpc = await startGrpcListeners(config, usedReceivers, deps);
  } catch (e) {
    for (const s of servers.values()) s.server.close();
    await Promise.all([...exporters.values()].map((x) => x.shutdown(0)));
    throw e;
  }
  state = 'running';

  const address = (endpoint: string) => {
    const s = servers.get(normaliseEndpoint(endpoint));
    if (!s) throw new Error(`no listener on ${endpoint}`);
    const h = s.host.includes(':') ? `[${s.host}]` : s.host;
    return { host: s.host, port: s.port, url: `${endpointTls.has(normaliseEndpoint(endpoint)) ? 'https' : 'http'}://${h}:${s.port}` };
  };

  return {
    address,
    receiverUrl: (id) => address(receiverEndpoints.get(id) ?? '').url,
    telemetryUrl: telemetryEndpoint ? address(telemetryEndpoint).url : undefined,
    metrics,
    telemetry,
    exporters,
    grpc,
    async shutdown(deadlineMs = config.service.shutdown_timeout) {
      if (state === 'draining' || state === 'stopped') return;
      state = 'draining';
      const started = Date.now();
      // Receivers stop first; a telemetry-only listener stays up so /healthz reports the drain.
      const receiving = new Set(receiverEndpoints.values());
      const [first, last] = [[...servers].filter(([ep]) => receiving.has(ep)), [...servers].filter(([ep]) => !receiving.has(ep))];
      await Promise.all([...first.map(([, s]) => closeServer(s.server)), grpc.close(deadlineMs)]);
      const left = Math.max(0, deadlineMs - (Date.now() - started));
      await Promise.all([...exporters.values()].map((e) => e.shutdown(left)));
      for (const p of pipelines) for (const { processor } of p.processors) await processor.shutdown?.();
      await Promise.all(last.map(([, s]) => closeServer(s.server)));
      state = 'stopped';
      logger.info({ ms: Date.now() - started }, 'stopped');
    },
  };
}

/** Each worker owns its queue directory and dead-letter file: two processes never share a log. */
function perWorker(id: string, c: ExporterConfig, w: number, dataDir = 'data'): ExporterConfig {
  const q = c.sending_queue;
  const dlq = c.dead_letter_path ?? join(dataDir, 'dead-letter', `${id.replace(/[^\w.-]/g, '_')}.jsonl`);
  return {
    ...c,
    sending_queue: q.storage ? { ...q, storage: join(q.storage, `worker-${w}`) } : q,
    dead_letter_path: dlq.replace(/(\.jsonl)?$/, `-worker-${w}$1`),
  };
}

function batchFor(exporterId: string, config: SwitchyardConfig): BatchConfig | undefined {
  for (const p of config.service.pipelines) {
    if (!p.exporters.includes(exporterId)) continue;
    for (const pid of p.processors) {
      const pc = config.processors.get(pid);
      if (pc?.type === 'batch') return pc.config as unknown as BatchConfig;
    }
  }
  return undefined;
}

function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  let host = endpoint.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(endpoint.slice(i + 1)) };
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

function listen(app: Hono, host: string, port: number, tls: ReceiverTls | undefined, logger: Logger): Promise<ServerType> {
  const https = tls && httpsServe(tls, (message) => logger.warn({ endpoint: `${host}:${port}`, err: message }, 'TLS files changed but could not be loaded; keeping the old ones'));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port, ...(https ? { createServer: https.createServer, serverOptions: https.serverOptions } : {}) }, () => resolve(server));
    if (https) https.watch(server as import('node:https').Server);
    server.once('error', reject);
  });
}
