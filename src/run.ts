import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { AggregatorRegistry } from 'prom-client';
import { createLogger, type Logger } from './observe/logger.js';
import { registerSecrets, scrubSecrets, secretsOfConfig } from './observe/secrets.js';
import type { SwitchyardConfig } from './pipeline/config/model.js';
import { startService, type RunningService } from './service.js';
import { mountTelemetryRoutes, sumDeadLetterStats, type HealthReport, type TelemetryProvider } from './server/telemetry-routes.js';
import type { DeadLetterStats } from './export/dead-letter.js';
import { BackpressureError } from './formats/errors.js';
import { workerPeerLink, type ForwardMessage } from './worker-link.js';
import { installSignalPolicy } from './signal-policy.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS, serverOptionsOf } from './server/connection-limits.js';
import { VERSION } from './version.js';

/**
 * `switchyard run`. With `service.workers` > 1 (0 = one per core) the primary forks workers that
 * each run every pipeline behind the same listeners (the cluster module shares the sockets), and
 * serves the telemetry endpoint itself, gathering health, metrics and dead-letter stats from them.
 * SIGTERM/SIGINT: stop accepting, drain within service.shutdown_timeout, keep what is left, exit 0.
 * SIGHUP, SIGUSR1, SIGUSR2: logged and ignored (signal-policy.ts).
 */
export async function runService(config: SwitchyardConfig, file: string): Promise<number> {
  const workers = config.service.workers === 0 ? availableParallelism() : config.service.workers;
  registerSecrets(secretsOfConfig(config));
  const logger = createLogger(config.service.telemetry.logs.level);
  installSignalPolicy(logger);
  if (cluster.isWorker) return runWorker(config, logger.child({ worker: Number(process.env.SWITCHYARD_WORKER_SLOT ?? cluster.worker!.id) }));
  if (workers <= 1) return runSingle(config, file, logger);
  return runPrimary(config, file, workers, logger);
}

async function runSingle(config: SwitchyardConfig, file: string, logger: Logger): Promise<number> {
  let service: RunningService;
  try {
    service = await startService(config, { logger });
  } catch (e) {
    return startFailed(e, logger);
  }
  logger.info({ config: file, telemetry: service.telemetryUrl, workers: 1 }, 'switchyard running');
  onStopSignal(logger, async () => {
    await service.shutdown();
  });
  return -1;
}

function startFailed(e: unknown, logger: Logger): number {
  logger.error({ err: (e as Error).message }, 'start-up failed');
  process.stderr.write(scrubSecrets(`switchyard: start-up failed: ${(e as Error).message}\n`));
  return 1;
}

function onStopSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'draining');
    stop().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        setTimeout(() => process.exit(0), 20);
      },
      (e) => {
        logger.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

// ---------------------------------------------------------------- workers

type ToWorker = { type: 'shutdown' } | { type: 'query'; id: number; what: 'health' | 'dlq' } | ForwardMessage;
type FromWorker = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'answer'; id: number; body: unknown } | ForwardMessage;

async function runWorker(config: SwitchyardConfig, logger: Logger): Promise<number> {
  let service: RunningService;
  let peers: ReturnType<typeof workerPeerLink>;
  try {
    // A stable slot (not the cluster id) names the worker's queue directory, so a replacement
    // worker replays what the one it replaces left on disk.
    const slot = Number(process.env.SWITCHYARD_WORKER_SLOT ?? cluster.worker!.id);
    const count = Number(process.env.SWITCHYARD_WORKER_COUNT ?? 1);
    peers = workerPeerLink(slot, count, (m) => process.send!(m satisfies FromWorker));
    service = await startService(config, { logger, workerIndex: slot, withoutTelemetry: true, peers });
  } catch (e) {
    process.send!({ type: 'failed', message: (e as Error).message } satisfies FromWorker);
    return startFailed(e, logger);
  }
  // Constructing one installs prom-client's worker-side listener for the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([service.metrics.registry]);
  // The primary is gone (even kill -9): queues on disk are already durable, so just leave.
  process.on('disconnect', () => process.exit(0));
  // Signals go to the whole process group; the primary decides when workers drain.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});
  process.on('message', (m: ToWorker) => {
    if (m.type === 'shutdown') {
      service.shutdown().then(() => process.exit(0), () => process.exit(1));
    } else if (m.type === 'query') {
      const p = m.what === 'health' ? service.telemetry.health() : service.telemetry.dlqStats();
      p.then((body) => process.send!({ type: 'answer', id: m.id, body } satisfies FromWorker));
    } else if (m.type === 'forward') {
      const reply = (error?: string, backpressure?: boolean) =>
        process.send!({ type: 'forwarded', id: m.id, from: m.to, to: m.from, error, backpressure } satisfies FromWorker);
      service.acceptForwarded(m.target, m.signal, m.payload, m.bytes).then(
        () => reply(),
        (e: Error) => reply(e.message, e instanceof BackpressureError),
      );
    } else if (m.type === 'forwarded') {
      peers.answered(m);
    }
  });
  process.send!({ type: 'ready' } satisfies FromWorker);
  return -1;
}

async function runPrimary(config: SwitchyardConfig, file: string, count: number, logger: Logger): Promise<number> {
  let state: 'starting' | 'running' | 'draining' = 'starting';
  const startedAt = Date.now();
  const aggregator = new AggregatorRegistry();
  const pending = new Map<number, (body: unknown) => void>();
  let nextQuery = 1;
  const ready = new Set<number>();
  const slots = new Map<number, number>();

  // Workers are new processes: their V8 flags are chosen here (an explicit flag the primary was
  // started with wins, since it is passed on after ours). Messages between them (spans forwarded
  // to the worker that owns their trace) go by V8's serializer: JSON would escape every payload
  // string again on each hop.
  const semi = config.service.worker_semi_space_mib;
  cluster.setupPrimary({ serialization: 'advanced', execArgv: semi > 0 ? [`--max-semi-space-size=${semi}`, ...process.execArgv] : process.execArgv });

  const started = new Promise<void>((resolve, reject) => {
    const fork = (slot: number) => {
      const w = cluster.fork({ SWITCHYARD_WORKER_SLOT: String(slot), SWITCHYARD_WORKER_COUNT: String(count) });
      slots.set(w.id, slot);
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          ready.add(w.id);
          if (ready.size === count) resolve();
        } else if (m.type === 'failed') reject(new Error(m.message));
        else if (m.type === 'answer') pending.get(m.id)?.(m.body), pending.delete(m.id);
        else if (m.type === 'forward' || m.type === 'forwarded') relay(m);
      });
      return w;
    };
    for (let i = 1; i <= count; i++) fork(i);
    cluster.on('exit', (w, code, sig) => {
      ready.delete(w.id);
      if (state === 'running') {
        logger.error({ worker: w.id, code, signal: sig }, 'worker died; starting a new one');
        fork(slots.get(w.id)!);
      }
    });
  });

  // Trace routing between workers: the primary only relays, by slot. An owner that is not up
  // (starting, or being replaced) refuses, and the client retries.
  const relay = (m: ForwardMessage) => {
    const to = workersNow().find((w) => slots.get(w.id) === m.to && ready.has(w.id));
    if (to) return void to.send(m satisfies ToWorker);
    if (m.type !== 'forward') return;
    const back = workersNow().find((w) => slots.get(w.id) === m.from);
    back?.send({ type: 'forwarded', id: m.id, from: m.to, to: m.from, error: `worker ${m.to} is not running`, backpressure: true } satisfies ToWorker);
  };
  const ask = (w: Worker, what: 'health' | 'dlq') =>
    new Promise<unknown>((resolve) => {
      const id = nextQuery++;
      const t = setTimeout(() => (pending.delete(id), resolve(undefined)), 2000);
      pending.set(id, (b) => (clearTimeout(t), resolve(b)));
      w.send({ type: 'query', id, what } satisfies ToWorker);
    });
  const workersNow = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());

  const provider: TelemetryProvider = {
    async health(): Promise<HealthReport> {
      const reports = await Promise.all(workersNow().map(async (w) => [w.id, await ask(w, 'health')] as const));
      const allOk = reports.length === count && reports.every(([, r]) => (r as HealthReport | undefined)?.status === 'ok');
      const status = state !== 'running' ? state : allOk ? 'ok' : 'degraded';
      return { status, version: VERSION, uptime_seconds: Math.round((Date.now() - startedAt) / 1000), workers: Object.fromEntries(reports) };
    },
    async metrics() {
      return { contentType: aggregator.contentType, text: await aggregator.clusterMetrics() };
    },
    async dlqStats() {
      const all = (await Promise.all(workersNow().map((w) => ask(w, 'dlq')))).filter(Boolean) as DeadLetterStats[];
      return sumDeadLetterStats(all);
    },
  };

  const endpoint = config.service.telemetry.endpoint;
  let telemetryServer: ReturnType<typeof serve> | undefined;
  if (endpoint) {
    const app = new Hono();
    mountTelemetryRoutes(app, provider);
    const i = endpoint.lastIndexOf(':');
    telemetryServer = serve({ fetch: app.fetch, hostname: endpoint.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(endpoint.slice(i + 1)), serverOptions: serverOptionsOf(DEFAULT_CONNECTION_LIMITS) });
    applyConnectionLimits(telemetryServer as import('node:http').Server, DEFAULT_CONNECTION_LIMITS);
  }

  try {
    await started;
  } catch (e) {
    for (const w of workersNow()) w.kill();
    telemetryServer?.close();
    return startFailed(e, logger);
  }
  state = 'running';
  logger.info({ config: file, workers: count, telemetry: endpoint }, 'switchyard running');
  onStopSignal(logger, async () => {
    state = 'draining';
    const exits = workersNow().map((w) => new Promise<void>((r) => w.once('exit', () => r())));
    for (const w of workersNow()) w.send({ type: 'shutdown' } satisfies ToWorker);
    await Promise.all(exits);
    await new Promise<void>((r) => (telemetryServer ? telemetryServer.close(() => r()) : r()));
  });
  return -1;
}
