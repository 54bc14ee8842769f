import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import type { Signal } from '../../model/index.js';
import type { ExporterDefinition, ReceiverDefinition } from '../../formats/types.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { exporterBaseShape } from '../../export/config.js';
import { duration, hostPort } from '../../util/schema.js';
import { receiverBaseShape } from './common-schema.js';
import { connectionIssues } from '../../util/connection-schema.js';
import { ConfigError, type ConfigIssue, pathText } from './errors.js';
import { expandEnv } from './expand-env.js';
import { MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, duplicateKeys, yamlShapeProblem } from './yaml-guard.js';
import type { BatchConfig, ComponentConfig, ExporterConfig, PipelineConfig, ReceiverConfig, SwitchyardConfig } from './model.js';
import { tlsFileProblems } from './tls-files.js';
import { foldHttpProtocol, grpcConfigOf, servesHttp } from '../../formats/otlp/grpc-config.js';

const ID_RE = /^([a-z][a-z0-9_]*)(?:\/([^\s/]+))?$/;
const PIPELINE_RE = /^(traces|metrics|logs)(?:\/([^\s/]+))?$/;

const topSchema = z.strictObject({
  receivers: z.record(z.string(), z.unknown()).default({}),
  processors: z.record(z.string(), z.unknown()).default({}),
  exporters: z.record(z.string(), z.unknown()).default({}),
  extensions: z.record(z.string(), z.unknown()).optional(),
  service: z.strictObject({
    telemetry: z
      .strictObject({
        endpoint: hostPort.optional(),
        logs: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') }).prefault({}),
      })
      .prefault({}),
    /** Worker processes behind the same listeners; 0 (the default) = one per core. */
    workers: z.number().int().min(0).max(64).default(0),
    /**
     * V8's semi-space per worker process, MiB (its young generation is two of them); 0 = V8's own
     * sizing (up to 16 MiB under load). `auto` picks by what flows, as measured on the bench.
     * Trace and log batches are object graphs that live through the batcher's linger: with 2 MiB
     * they are promoted and collected by major GCs (a quarter of a worker's CPU), 8 MiB delivered
     * 30 % more spans, and 4 MiB as many as 8 for 25–40 MiB less RSS over two workers.
     * Metrics-only pipelines mostly carry their requests as bytes; there 2 MiB saves about 70 MiB
     * against 8 at the same rate.
     */
    worker_semi_space_mib: z.union([z.literal('auto'), z.number().int().min(0).max(256)]).default('auto'),
    shutdown_timeout: duration.default(10_000),
    extensions: z.array(z.string()).optional(),
    pipelines: z.record(
      z.string(),
      z.strictObject({
        receivers: z.array(z.string()).min(1, 'a pipeline needs at least one receiver'),
        processors: z.array(z.string()).default([]),
        exporters: z.array(z.string()).min(1, 'a pipeline needs at least one exporter'),
      }),
    ),
  }),
});

/** The factories a config can name, by component type: given to the loader, never imported by it. */
export interface ComponentCatalog {
  receivers: Map<string, ReceiverDefinition>;
  exporters: Map<string, ExporterDefinition>;
  processors: Map<string, ProcessorDefinition>;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  catalog: ComponentCatalog;
  file?: string;
}

export function loadConfigFile(file: string, opts: Omit<LoadOptions, 'file'>): SwitchyardConfig {
  let text: string;
  try {
    // Checked before reading: a 50 MB file would otherwise be read, then parsed out of memory.
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError([{ path: '', message: `${file} is ${size} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes` }], file);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${(e as Error).message}` }], file);
  }
  return parseConfig(text, { ...opts, file });
}

/**
 * Parses, expands and validates a config, collecting every problem before failing, each with its
 * path in the file and, where the YAML parser knows it, its line.
 */
export function parseConfig(text: string, opts: LoadOptions): SwitchyardConfig {
  const catalog = opts.catalog;
  const shape = yamlShapeProblem(text);
  if (shape) throw new ConfigError([{ path: '', message: `the file ${shape}` }], opts.file);
  const lines = new LineCounter();
  // uniqueKeys is checked by duplicateKeys (linear); the library's own check is quadratic.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  const issues: ConfigIssue[] = [];
  const lineOf = (path: readonly PropertyKey[]) => findLine(doc, lines, path);
  const add = (path: readonly PropertyKey[], message: string) => issues.push({ path: pathText(path), message, line: lineOf(path) });

  for (const e of doc.errors) issues.push({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, line: e.linePos?.[0]?.line });
  if (!issues.length) issues.push(...duplicateKeys(doc, lines));
  if (issues.length) throw new ConfigError(issues, opts.file);

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The library refuses an alias bomb ("billion laughs") with a ReferenceError.
    throw new ConfigError([{ path: '', message: `YAML: ${(e as Error).message} (at most ${MAX_ALIAS_COUNT} alias expansions)` }], opts.file);
  }
  const envIssues: { path: (string | number)[]; message: string }[] = [];
  const raw = expandEnv(js ?? {}, opts.env ?? process.env, envIssues);
  for (const i of envIssues) add(i.path, i.message);

  const top = topSchema.safeParse(raw);
  if (!top.success) {
    for (const i of top.error.issues) addZodIssue(add, [], i);
    throw new ConfigError(issues, opts.file);
  }
  const cfg = top.data;

  const receivers = new Map<string, ComponentConfig<ReceiverConfig>>();
  for (const [id, body] of Object.entries(cfg.receivers)) {
    const type = parseId(id, ['receivers', id], add);
    if (!type) continue;
    const def = catalog.receivers.get(type);
    if (!def) {
      add(['receivers', id], `unknown receiver type "${type}" (known: ${[...catalog.receivers.keys()].sort().join(', ')})`);
      continue;
    }
    const parsed = z.strictObject({ ...receiverBaseShape, ...(def.configSchema ?? {}) }).safeParse(body ?? {});
    if (!parsed.success) parsed.error.issues.forEach((i) => addZodIssue(add, ['receivers', id], i));
    else {
      const c = parsed.data as ReceiverConfig;
      for (const [p, m] of foldHttpProtocol(c, (body ?? {}) as Record<string, unknown>)) add(['receivers', id, ...p], m);
      for (const [k, m] of connectionIssues(c)) add(['receivers', id, k], m);
      receivers.set(id, { id, type, config: c });
    }
  }

  const exporters = new Map<string, ComponentConfig<ExporterConfig>>();
  for (const [id, body] of Object.entries(cfg.exporters)) {
    const type = parseId(id, ['exporters', id], add);
    if (!type) continue;
    const def = catalog.exporters.get(type);
    if (!def) {
      add(['exporters', id], `unknown exporter type "${type}" (known: ${[...catalog.exporters.keys()].sort().join(', ')})`);
      continue;
    }
    const parsed = z.strictObject({ ...exporterBaseShape, ...(def.configSchema ?? {}) }).safeParse(body ?? {});
    if (!parsed.success) parsed.error.issues.forEach((i) => addZodIssue(add, ['exporters', id], i));
    else {
      const c = parsed.data as ExporterConfig;
      if (!def.createTransport && !c.endpoint) add(['exporters', id, 'endpoint'], 'is required for this exporter');
      exporters.set(id, { id, type, config: c });
    }
  }

  const processors = new Map<string, ComponentConfig<Record<string, unknown>>>();
  for (const [id, body] of Object.entries(cfg.processors)) {
    const type = parseId(id, ['processors', id], add);
    if (!type) continue;
    const def = catalog.processors.get(type);
    if (!def) {
      add(['processors', id], `unknown processor type "${type}" (known: ${[...catalog.processors.keys()].sort().join(', ')})`);
      continue;
    }
    const parsed = def.configSchema.safeParse(body ?? {});
    if (!parsed.success) parsed.error.issues.forEach((i) => addZodIssue(add, ['processors', id], i));
    else processors.set(id, { id, type, config: parsed.data as Record<string, unknown> });
  }

  const pipelines: PipelineConfig[] = [];
  for (const [pid, p] of Object.entries(cfg.service.pipelines)) {
    const m = PIPELINE_RE.exec(pid);
    const at = ['service', 'pipelines', pid];
    if (!m) {
      add(at, `pipeline id "${pid}" must be traces, metrics or logs, optionally followed by /name`);
      continue;
    }
    const signal = m[1] as Signal;
    p.receivers.forEach((rid, i) => {
      if (!(rid in cfg.receivers)) return add([...at, 'receivers', i], `receiver "${rid}" is not defined under receivers`);
      const def = catalog.receivers.get(idType(rid));
      if (def && !receiverSignals(def).has(signal)) add([...at, 'receivers', i], `receiver "${rid}" cannot produce ${signal}`);
    });
    p.processors.forEach((prid, i) => {
      if (!(prid in cfg.processors)) return add([...at, 'processors', i], `processor "${prid}" is not defined under processors`);
      const def = catalog.processors.get(idType(prid));
      if (def && !def.signals.includes(signal)) add([...at, 'processors', i], `processor "${prid}" cannot process ${signal}`);
      if (idType(prid) === 'batch' && i !== p.processors.length - 1) add([...at, 'processors', i], 'batch must be the last processor (it batches in front of each exporter)');
    });
    p.exporters.forEach((eid, i) => {
      if (!(eid in cfg.exporters)) return add([...at, 'exporters', i], `exporter "${eid}" is not defined under exporters`);
      const def = catalog.exporters.get(idType(eid));
      if (def && !def.signals.includes(signal)) add([...at, 'exporters', i], `exporter "${eid}" cannot carry ${signal} (it carries ${def.signals.join(', ')})`);
    });
    pipelines.push({ id: pid, signal, receivers: p.receivers, processors: p.processors, exporters: p.exporters });
  }

  checkRouteClaims(receivers, catalog, add);
  checkBatchAgreement(exporters, { processors, service: { pipelines } }, add);
  checkTls(receivers, exporters, add);
  const tEndpoint = cfg.service.telemetry.endpoint;

  if (issues.length) throw new ConfigError(issues, opts.file);
  return {
    receivers,
    processors,
    exporters,
    service: {
      telemetry: { endpoint: tEndpoint, logs: cfg.service.telemetry.logs },
      workers: cfg.service.workers,
      worker_semi_space_mib: semiSpaceFor(cfg.service.worker_semi_space_mib, pipelines),
      shutdown_timeout: cfg.service.shutdown_timeout,
      pipelines,
    },
  };
}

/**
 * The `batch` processors of the pipelines an exporter is in, in pipeline order, with the id of
 * each pipeline (none when a pipeline has no batch processor).
 */
export function batchesOf(
  exporterId: string,
  config: Pick<SwitchyardConfig, 'processors'> & { service: Pick<SwitchyardConfig['service'], 'pipelines'> },
): { pipeline: string; config: BatchConfig | undefined }[] {
  return config.service.pipelines
    .filter((p) => p.exporters.includes(exporterId))
    .map((p) => {
      const pid = p.processors.find((id) => config.processors.get(id)?.type === 'batch');
      return { pipeline: p.id, config: pid ? (config.processors.get(pid)!.config as BatchConfig) : undefined };
    });
}

/**
 * Batching runs behind each exporter's one queue, so an exporter shared by pipelines that batch
 * differently would silently get one of them: that is a config error unless it sets its own.
 */
function checkBatchAgreement(
  exporters: Map<string, ComponentConfig<ExporterConfig>>,
  config: Parameters<typeof batchesOf>[1],
  add: (path: readonly PropertyKey[], message: string) => void,
): void {
  for (const e of exporters.values()) {
    if (e.config.batch) continue;
    const batches = batchesOf(e.id, config);
    const distinct = new Set(batches.map((b) => JSON.stringify(b.config ?? null)));
    if (distinct.size > 1) {
      add(['exporters', e.id], `is in pipelines that batch differently (${batches.map((b) => b.pipeline).join(', ')}): give the exporter its own \`batch:\` or make the pipelines' batch processors the same`);
    }
  }
}

/** Two receivers on one endpoint may not serve the same method and path. */
function checkRouteClaims(
  receivers: Map<string, ComponentConfig<ReceiverConfig>>,
  catalog: ComponentCatalog,
  add: (path: readonly PropertyKey[], message: string) => void,
): void {
  const claims = new Map<string, string>();
  const httpEndpoints = new Set<string>();
  for (const r of receivers.values()) {
    if (!servesHttp(r.config)) continue;
    httpEndpoints.add(normaliseEndpoint(r.config.endpoint));
    const def = catalog.receivers.get(r.type)!;
    for (const route of def.routes) {
      const key = `${normaliseEndpoint(r.config.endpoint)} ${route.method} ${route.path}`;
      const owner = claims.get(key);
      if (owner && owner !== r.id) {
        add(['receivers', r.id, 'endpoint'], `${route.method} ${route.path} on ${r.config.endpoint} is already served by receiver "${owner}"`);
      } else claims.set(key, r.id);
    }
  }
  // A gRPC listener is a listener of its own: it cannot share a port with HTTP or another gRPC one.
  const grpcOwners = new Map<string, string>();
  for (const r of receivers.values()) {
    const g = grpcConfigOf(r.config);
    if (!g) continue;
    const ep = normaliseEndpoint(g.endpoint);
    const at = ['receivers', r.id, 'protocols', 'grpc', 'endpoint'];
    if (ep.endsWith(':0')) continue; // port 0: each listener gets a port of its own
    if (httpEndpoints.has(ep)) add(at, `${g.endpoint} is already an HTTP endpoint; gRPC needs its own port`);
    else if (grpcOwners.has(ep)) add(at, `${g.endpoint} is already the gRPC endpoint of receiver "${grpcOwners.get(ep)}"`);
    else grpcOwners.set(ep, r.id);
  }
}

/** TLS files exist and parse; receivers sharing an HTTP endpoint share its TLS settings. */
function checkTls(
  receivers: Map<string, ComponentConfig<ReceiverConfig>>,
  exporters: Map<string, ComponentConfig<ExporterConfig>>,
  add: (path: readonly PropertyKey[], message: string) => void,
): void {
  const byEndpoint = new Map<string, { id: string; tls: string }>();
  for (const r of receivers.values()) {
    for (const [k, m] of tlsFileProblems(r.config.tls as Record<string, unknown> | undefined)) add(['receivers', r.id, 'tls', k], m);
    for (const [k, m] of tlsFileProblems(grpcConfigOf(r.config)?.tls)) add(['receivers', r.id, 'protocols', 'grpc', 'tls', k], m);
    if (!servesHttp(r.config)) continue;
    const ep = normaliseEndpoint(r.config.endpoint);
    const tls = JSON.stringify(r.config.tls ?? null);
    const first = byEndpoint.get(ep);
    if (!first) byEndpoint.set(ep, { id: r.id, tls });
    else if (first.tls !== tls) add(['receivers', r.id, 'tls'], `differs from the tls of receiver "${first.id}" on the same endpoint ${r.config.endpoint} (one listener, one TLS setting)`);
  }
  for (const e of exporters.values()) {
    for (const [k, m] of tlsFileProblems(e.config.tls as Record<string, unknown> | undefined)) add(['exporters', e.id, 'tls', k], m);
  }
}

export function normaliseEndpoint(ep: string): string {
  return ep.replace(/^localhost:/, '127.0.0.1:');
}

function receiverSignals(def: ReceiverDefinition): Set<Signal> {
  return new Set(def.routes.flatMap((r) => r.signals));
}

function idType(id: string): string {
  return ID_RE.exec(id)?.[1] ?? id;
}

function parseId(id: string, path: PropertyKey[], add: (p: readonly PropertyKey[], m: string) => void): string | undefined {
  const m = ID_RE.exec(id);
  if (!m) {
    add(path, `component id "${id}" must be type or type/name (type: lowercase letters, digits, _)`);
    return undefined;
  }
  return m[1];
}

function addZodIssue(add: (p: readonly PropertyKey[], m: string) => void, prefix: PropertyKey[], issue: z.core.$ZodIssue): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    for (const k of issue.keys) add([...path, k], `unknown key "${k}"`);
    return;
  }
  if (issue.code === 'invalid_union') {
    add(path, issue.message === 'Invalid input' ? 'has the wrong type' : issue.message);
    return;
  }
  add(path, issue.message);
}

/** The line of the deepest node of `path` that exists in the document. */
function findLine(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `auto`: 4 MiB when traces or logs flow, 2 for metrics only (see `worker_semi_space_mib` above). */
function semiSpaceFor(setting: number | 'auto', pipelines: readonly PipelineConfig[]): number {
  if (setting !== 'auto') return setting;
  return pipelines.some((p) => p.signal !== 'metrics') ? 4 : 2;
}
