import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Consumer } from './consumer/consumer.js';
import { TraceRouter, type PeerLink } from './consumer/trace-router.js';
import { DEFAULT_BATCH } from './export/config.js';
import { BackpressureError } from './formats/errors.js';
import { deserializeTelemetry, type Signal } from './model/index.js';
import { Exporter, type ExporterOptions } from './export/exporter.js';
import { openFileQueueStorage } from './export/file-queue.js';
import { createLogger, type Logger } from './observe/logger.js';
import { SelfMetrics } from './observe/self-metrics.js';
import { defaultCatalog, type ComponentCatalog } from './pipeline/components.js';
import { batchesOf, normaliseEndpoint } from './pipeline/config/load.js';
import type { BatchConfig, ExporterConfig, SwitchyardConfig } from './pipeline/config/model.js';
import { join } from 'node:path';
import { PipelineGraph, type PipelineRuntime } from './pipeline/graph.js';
import { PipelineConsumer } from './pipeline/pipeline-consumer.js';
import { makeRouteHandler } from './server/receiver-handler.js';
import { startGrpcListeners, type GrpcListeners } from './server/grpc-server.js';
import { servesHttp } from './formats/otlp/grpc-config.js';
import { httpsServe } from './server/tls-listener.js';
import { corsMiddleware, type CorsConfig } from './server/cors.js';
import type { ReceiverTls } from './util/tls-schema.js';
import { localTelemetry, mountTelemetryRoutes, type ServiceState, type TelemetryProvider } from './server/telemetry-routes.js';
import { VERSION } from './version.js';
import { registerSecrets, secretsOfConfig } from './observe/secrets.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS, serverOptionsOf, strictest } from './server/connection-limits.js';
import type { ConnectionLimits } from './util/connection-schema.js';

export interface ServiceOptions {
  logger?: Logger;
  catalog?: ComponentCatalog;
  /** Base directory for default dead-letter files. */
  dataDir?: string;
  openStorage?: ExporterOptions['openStorage'];
  /** Set in a worker process: queue directories and dead-letter files get a per-worker suffix. */
  workerIndex?: number;
  /** Serve no telemetry endpoint (the primary process serves it for all workers). */
  withoutTelemetry?: boolean;
  /** The other workers: spans of trace-grouping exporters are routed to their trace's owner. */
  peers?: PeerLink;
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
  /** Queues what a peer forwarded for exporter `target` (see TraceRouter); rejects when it cannot. */
  acceptForwarded(target: string, signal: Signal, payload: string, bytes: number): Promise<void>;
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
  registerSecrets(secretsOfConfig(config));
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
      batch: e.config.batch ?? pipelineBatchOf(e.id, config) ?? DEFAULT_BATCH,
      metrics,
      logger,
      openStorage: opts.openStorage ?? openFileQueueStorage,
      dataDir: opts.dataDir,
    }));
  }
  await Promise.all([...exporters.values()].map((e) => e.start()));

  // With several workers, a trace's spans meet in the worker that owns the trace id.
  const routed = new Map<string, Consumer>();
  if (opts.peers && opts.peers.count > 1) {
    for (const [id, e] of exporters) if (e.groupsTraces) routed.set(id, new TraceRouter(id, e, opts.peers));
  }
  const processors: { shutdown?(): Promise<void> }[] = [];
  const pipelines: PipelineRuntime[] = config.service.pipelines.map((p) => {
    const stages = p.processors.map((pid) => {
      const pc = config.processors.get(pid)!;
      const def = catalog.processors.get(pc.type)!;
      const processor = def.create(pc.config, { id: pid, count: (event, n) => metrics.processorEvents.inc({ processor: pid, event }, n) });
      processors.push(processor);
      return { id: pid, processor, mutatesData: def.mutatesData };
    });
    return { config: p, consumer: new PipelineConsumer(p.id, stages, p.exporters.map((id) => routed.get(id) ?? exporters.get(id)!)) };
  });
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
  const endpointLimits = new Map<string, ConnectionLimits>();
  for (const r of config.receivers.values()) {
    if (!usedReceivers.has(r.id)) continue;
    const def = catalog.receivers.get(r.type)!;
    if (!servesHttp(r.config)) continue;
    const app = appFor(r.config.endpoint);
    receiverEndpoints.set(r.id, normaliseEndpoint(r.config.endpoint));
    if (r.config.tls) endpointTls.set(normaliseEndpoint(r.config.endpoint), r.config.tls as ReceiverTls);
    const limits = endpointLimits.get(normaliseEndpoint(r.config.endpoint));
    endpointLimits.set(normaliseEndpoint(r.config.endpoint), limits ? strictest(limits, r.config) : r.config);
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
      const server = await listen(app, host, port, endpointTls.get(endpoint), endpointLimits.get(endpoint) ?? DEFAULT_CONNECTION_LIMITS, logger);
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
    async acceptForwarded(target, signal, payload, bytes) {
      const e = exporters.get(target);
      if (!e) throw new Error(`no exporter "${target}" here`);
      if (state !== 'running') throw new BackpressureError('Switchyard is shutting down', 5);
      await e.prepare(signal, deserializeTelemetry(payload), bytes)();
    },
    grpc,
    async shutdown(deadlineMs = config.service.shutdown_timeout) {
      if (state === 'draining' || state === 'stopped') return;
      state = 'draining';
      const started = Date.now();
      const left = () => Math.max(0, deadlineMs - (Date.now() - started));
      // Receivers stop first; a telemetry-only listener stays up so /healthz reports the drain.
      // Connections still open at the deadline (slow or idle clients) are cut, so the deadline
      // bounds the whole stop; exporters then get what time is left.
      const receiving = new Set(receiverEndpoints.values());
      const [first, last] = [[...servers].filter(([ep]) => receiving.has(ep)), [...servers].filter(([ep]) => !receiving.has(ep))];
      await Promise.all([...first.map(([, s]) => closeServer(s.server, left())), grpc.close(left())]);
      await Promise.all([...exporters.values()].map((e) => e.shutdown(left())));
      for (const processor of processors) await processor.shutdown?.();
      await Promise.all(last.map(([, s]) => closeServer(s.server, 0)));
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

/** The `batch` processor of the exporter's pipelines (the loader has checked that they agree). */
function pipelineBatchOf(exporterId: string, config: SwitchyardConfig): BatchConfig | undefined {
  return batchesOf(exporterId, config)[0]?.config;
}

function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  let host = endpoint.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(endpoint.slice(i + 1)) };
}

/** Stops listening, closes idle connections now and every other one after `graceMs`. */
function closeServer(server: ServerType, graceMs: number): Promise<void> {
  const s = server as ServerType & { closeIdleConnections?: () => void; closeAllConnections?: () => void };
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => s.closeAllConnections?.(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    s.closeIdleConnections?.();
  });
}

function listen(app: Hono, host: string, port: number, tls: ReceiverTls | undefined, limits: ConnectionLimits, logger: Logger): Promise<ServerType> {
  const https = tls && httpsServe(tls, (message) => logger.warn({ endpoint: `${host}:${port}`, err: message }, 'TLS files changed but could not be loaded; keeping the old ones'));
  const serverOptions = { ...serverOptionsOf(limits), ...https?.serverOptions };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port, serverOptions, ...(https ? { createServer: https.createServer } : {}) }, () => resolve(server));
    applyConnectionLimits(server as import('node:http').Server, limits);
    if (https) https.watch(server as import('node:https').Server);
    server.once('error', reject);
  });
}
