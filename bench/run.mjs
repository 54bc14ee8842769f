// `npm run bench`: drives realistic GenAI traffic through the real server (a child process on
// 127.0.0.1) from a separate load-generator process into null vendor sinks, and sets it beside the
// in-process floor (decode + normalise + encode, no HTTP) measured in the same run.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../dist/pipeline/config/load.js';
import { defaultCatalog } from '../dist/pipeline/components.js';
import { encodeTracesProto } from '../dist/formats/otlp/encode-proto.js';
import { findFormat } from '../dist/formats/registry.js';
import { DEFAULT_DECODE_LIMITS } from '../dist/formats/json.js';
import { remoteWriteBodies, traceBatch, TRACE_ID_TAIL } from './data.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ONLY = process.env.BENCH_ONLY?.split(',');
// BENCH_QUICK=1: one measurement per scenario (all workers), no floor, half-rate or overload runs.
const QUICK = process.env.BENCH_QUICK === '1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Memory of a process and all its children, MiB: RSS summed (the target's measure; it counts the
 * pages the processes share, such as the node binary, once per process) and PSS summed (each
 * shared page split between its sharers: what the tree costs the machine).
 */
function treeMemoryMiB(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (kids.get(ppid) ?? kids.set(ppid, []).get(ppid)).push(Number(d));
    } catch {}
  }
  let rss = 0;
  let pss = 0;
  const walk = (p) => {
    try {
      const text = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(text)[1]) / 1024;
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)[1]) / 1024;
    } catch {}
    for (const c of kids.get(p) ?? []) walk(c);
  };
  walk(pid);
  return { rss, pss };
}

async function startSink() {
  const p = fork(join(ROOT, 'bench/sink.mjs'));
  const { port } = await new Promise((r) => p.once('message', r));
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => new Promise((r) => { p.once('message', r); p.send('stats'); }),
    stop: () => p.send('stop'),
  };
}

/** Debian's vmagent (package victoria-metrics), installed if missing: the remote-write peer. */
function vmagentBinary() {
  const find = () => ['/usr/bin/vmagent', '/usr/local/bin/vmagent'].find((f) => existsSync(f));
  if (find()) return find();
  console.error('installing vmagent (Debian package victoria-metrics)…');
  spawnSync('sh', ['-c', 'apt-get install -y -qq --no-install-recommends victoria-metrics || (apt-get update -qq && apt-get install -y -qq --no-install-recommends victoria-metrics)'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return find();
}

async function startVmagent(port, sinkUrl) {
  const bin = vmagentBinary();
  if (!bin) throw new Error('vmagent is not installed and could not be installed');
  const data = mkdtempSync(join(DIR, 'vmagent-'));
  const p = spawn(bin, [`-httpListenAddr=127.0.0.1:${port}`, `-remoteWrite.url=${sinkUrl}/api/v1/write`, `-remoteWrite.tmpDataPath=${data}`, '-loggerLevel=ERROR'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return whenAnswering(p, 'vmagent', `http://127.0.0.1:${port}/health`);
}

/** Waits (20 s at most) until `url` answers, then hands out the process's pid and a stop. */
async function whenAnswering(p, what, url) {
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start: ${err}`);
    try {
      await (await fetch(url)).arrayBuffer();
      break;
    } catch {
      await sleep(50);
    }
  }
  return {
    pid: p.pid,
    stop: async () => {
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    },
  };
}

async function startServer(yaml, name, port) {
  const file = join(DIR, `${name}.yaml`);
  writeFileSync(file, yaml);
  // BENCH_NODE_FLAGS: V8/Node flags for the server (its cluster workers inherit them).
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  // BENCH_CLI: another build's cli.js, for an A/B run against this one.
  const p = spawn(process.execPath, [...flags, process.env.BENCH_CLI ?? join(ROOT, 'dist/cli.js'), 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn' } });
  // Ready when the receiver's port answers (logs are at warn level, so no start-up line).
  return whenAnswering(p, 'server', `http://127.0.0.1:${port}/`);
}

function runLoad(spec) {
  const file = join(DIR, `load-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...spec, traceIdTail: TRACE_ID_TAIL, bodies: spec.bodies.map((b) => Buffer.from(b).toString('base64')) }));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bench/load.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
  });
}

// ---------------------------------------------------------------- scenarios

const traceBodies = Array.from({ length: 16 }, () => traceBatch(100));
const otlpBodies = traceBodies.map((t) => Buffer.from(encodeTracesProto(t.traces)));
const neatlogsBodies = traceBodies.map((t) => Buffer.from(findFormat('neatlogs').translate.encode(t).split('\n')[0]));

function yamlFor(s, sinkUrl, workers, extraQueue = '') {
  const exporters = s.exporters.map((e) => `  ${e}: { endpoint: ${sinkUrl}, api_key: bench-key${extraQueue}${e === 'netra' ? ', span_policy: all' : ''} }`).join('\n');
  const receiver = s.grpc ? `{ protocols: { grpc: { endpoint: 127.0.0.1:${s.port}, max_recv_msg_size_mib: 16 } } }` : `{ endpoint: 127.0.0.1:${s.port} }`;
  return `receivers:\n  ${s.receiver}: ${receiver}\nprocessors:\n  genai_normalize: {}\n  batch: { send_batch_size: ${s.batchSize ?? 500}, timeout: 50ms }\nexporters:\n${exporters}\nservice:\n  workers: ${workers}\n  telemetry: { endpoint: 127.0.0.1:${s.port + 100}, logs: { level: warn } }\n  pipelines:\n    ${s.signal}: { receivers: [${s.receiver}], processors: [${s.signal === 'traces' ? 'genai_normalize, ' : ''}batch], exporters: [${s.exporters.join(', ')}] }\n`;
}

const SCENARIOS = [
  { name: 'otlp-proto → netra', receiver: 'otlp', path: '/v1/traces', contentType: 'application/x-protobuf', signal: 'traces', exporters: ['netra'], bodies: otlpBodies, items: 100, port: 14318 },
  { name: 'otlp-grpc → netra', receiver: 'otlp', grpc: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', path: '/v1/traces', contentType: 'application/x-protobuf', signal: 'traces', exporters: ['netra'], bodies: otlpBodies, items: 100, port: 14322 },
  // Eight clients of one channel each, as the HTTP rows have eight connections.
  { name: 'otlp-grpc → netra, 8 channels', receiver: 'otlp', grpc: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', grpcChannels: 8, path: '/v1/traces', contentType: 'application/x-protobuf', signal: 'traces', exporters: ['netra'], bodies: otlpBodies, items: 100, port: 14325 },
  { name: 'neatlogs → foglamp', receiver: 'neatlogs', path: '/api/v1/traces/v4/batch', contentType: 'application/json', signal: 'traces', exporters: ['foglamp'], bodies: neatlogsBodies, items: 100, port: 14319, headers: { 'x-api-key': 'k' } },
  { name: 'remote-write → infrasage', receiver: 'prometheus_remote_write', path: '/api/v1/write', contentType: 'application/x-protobuf', signal: 'metrics', exporters: ['infrasage'], bodies: null, items: 2000, port: 14320, headers: { 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' } },
  // The relay: remote-write in → remote-write out, nothing to change; beside it, vmagent doing the same.
  { name: 'remote-write relay', receiver: 'prometheus_remote_write', path: '/api/v1/write', contentType: 'application/x-protobuf', signal: 'metrics', exporters: ['prometheus_remote_write'], bodies: null, items: 2000, port: 14323, batchSize: 2000, countAtSink: true, headers: { 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' } },
  { name: 'remote-write relay: vmagent', peer: 'vmagent', path: '/api/v1/write', contentType: 'application/x-protobuf', signal: 'metrics', bodies: null, items: 2000, port: 14324, countAtSink: true, headers: { 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' } },
  { name: 'otlp-proto → all four vendors', receiver: 'otlp', path: '/v1/traces', contentType: 'application/x-protobuf', signal: 'traces', exporters: ['netra', 'neatlogs', 'foglamp', 'keywordsai'], bodies: otlpBodies, items: 100, port: 14321 },
];

/** The in-process floor: the same decode → normalise → encode work, with no HTTP, one thread. */
function floor(s, yaml) {
  const catalog = defaultCatalog();
  const cfg = parseConfig(yaml, { env: {}, catalog });
  const route = findFormat(s.receiver).receiver.routes.find((r) => r.path === s.path);
  const info = { method: 'POST', path: s.path, mediaType: s.contentType, contentType: s.contentType, headers: { 'content-type': s.contentType, ...(s.headers ?? {}) } };
  const processors = cfg.service.pipelines[0].processors.map((id) => {
    const pc = cfg.processors.get(id);
    return catalog.processors.get(pc.type).create(pc.config, { id, count() {} });
  });
  const exporters = s.exporters.map((id) => ({ def: catalog.exporters.get(id), config: cfg.exporters.get(id).config }));
  let items = 0;
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < 3000; i++) {
    const body = s.bodies[i % s.bodies.length];
    let data = route.decode(Buffer.from(body), info, DEFAULT_DECODE_LIMITS).telemetry;
    for (const p of processors) data = p.process(data, s.signal);
    for (const e of exporters) e.def.encode(data, { config: e.config });
    items += s.items;
  }
  return items / ((performance.now() - t0) / 1000);
}

/** Items the first exporter has delivered so far, from Switchyard's own /metrics. */
async function deliveredBySelfMetrics(s) {
  const text = await (await fetch(`http://127.0.0.1:${s.port + 100}/metrics`)).text();
  const re = new RegExp(`^switchyard_exporter_sent_items_total\\{exporter="${s.exporters[0]}"[^}]*\\} (\\S+)$`, 'gm');
  let sum = 0;
  for (const m of text.matchAll(re)) sum += Number(m[1]);
  return sum;
}

/** Samples that reached the sink: how relays other than Switchyard are measured too. */
async function deliveredAtSink(sink) {
  return (await sink.stats()).samples;
}

async function measure(s, workers, { rate, queue } = {}) {
  const sink = await startSink();
  // BENCH_EXPORTER_EXTRA: more exporter keys for an A/B run, e.g. ", sending_queue: { num_consumers: 4 }".
  const yaml = s.peer ? '' : yamlFor(s, sink.url, workers, queue ?? process.env.BENCH_EXPORTER_EXTRA ?? '');
  // A gRPC-only server has no HTTP listener on its port: readiness is asked of its telemetry port.
  const server = s.peer === 'vmagent' ? await startVmagent(s.port, sink.url) : await startServer(yaml, `${s.name.replace(/\W+/g, '-')}-${workers}`, s.grpc ? s.port + 100 : s.port);
  const delivered = s.countAtSink ? () => deliveredAtSink(sink) : () => deliveredBySelfMetrics(s);
  let peak = 0;
  console.error(`started ${s.name} with ${workers} workers`);
  let peakPss = 0;
  const sampler = setInterval(() => {
    const m = treeMemoryMiB(server.pid);
    peak = Math.max(peak, m.rss);
    peakPss = Math.max(peakPss, m.pss);
  }, 250);
  try {
    await runLoad({ grpc: s.grpc, grpcChannels: s.grpcChannels, url: `http://127.0.0.1:${s.port}${s.path}`, headers: { 'content-type': s.contentType, ...(s.headers ?? {}) }, bodies: s.bodies, concurrency: 8, durationMs: 1500, itemsPerRequest: s.items });
    const before = await delivered();
    const t0 = performance.now();
    const r = await runLoad({ grpc: s.grpc, grpcChannels: s.grpcChannels, url: `http://127.0.0.1:${s.port}${s.path}`, headers: { 'content-type': s.contentType, ...(s.headers ?? {}) }, bodies: s.bodies, concurrency: rate ? 32 : 8, durationMs: SECONDS * 1000, itemsPerRequest: s.items, rate });
    // Delivered, not just accepted: a rate the exporter cannot keep up with only fills the queue.
    const deliveredPerSecond = ((await delivered()) - before) / ((performance.now() - t0) / 1000);
    return { ...r, deliveredPerSecond, peakRss: peak, peakPss, yaml };
  } finally {
    clearInterval(sampler);
    await server.stop();
    sink.stop();
  }
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const rows = [];
const cores = availableParallelism();

{
  const bodies = remoteWriteBodies(8, 2000);
  for (const x of SCENARIOS.filter((x) => x.items === 2000)) x.bodies = bodies;
}

for (const s of SCENARIOS) {
  if (ONLY && !ONLY.some((o) => s.name.includes(o))) continue;
  const workerSet = process.env.BENCH_WORKERS ? process.env.BENCH_WORKERS.split(',').map(Number) : s === SCENARIOS[0] && !QUICK ? [1, cores] : [cores];
  let floorRate;
  for (const w of workerSet) {
    // BENCH_RATE: paced at that many items/s instead of closed-loop (a latency check at one rate).
    const r = await measure(s, w, process.env.BENCH_RATE ? { rate: Number(process.env.BENCH_RATE) / s.items } : undefined);
    floorRate ??= QUICK || s.peer ? NaN : floor(s, r.yaml);
    rows.push({ scenario: s.name, workers: w, ...r, floor: floorRate });
    console.error(`${s.name} (${w} workers): accepted ${fmt(r.itemsPerSecond)} items/s, delivered ${fmt(r.deliveredPerSecond)}/s, p99 ${fmt(r.p99, 1)} ms, RSS ${fmt(r.peakRss)} MiB, statuses ${JSON.stringify(r.statuses)}`);
  }
  if (s === SCENARIOS[0] && !QUICK) {
    const best = rows.filter((r) => r.scenario === s.name).reduce((a, b) => (a.deliveredPerSecond > b.deliveredPerSecond ? a : b));
    const sustained = Math.min(best.itemsPerSecond, best.deliveredPerSecond);
    const halfRate = sustained / 2 / s.items;
    const half = await measure(s, best.workers, { rate: halfRate });
    rows.push({ scenario: `${s.name} at half rate`, workers: best.workers, ...half, floor: floorRate });
    console.error(`half rate: p99 ${fmt(half.p99, 1)} ms`);
    const over = await measure(s, best.workers, { rate: (sustained * 2) / s.items });
    rows.push({ scenario: `${s.name} overload 2×`, workers: best.workers, ...over, floor: floorRate });
    console.error(`overload: ${JSON.stringify(over.statuses)}, RSS ${fmt(over.peakRss)} MiB`);
  }
}

const header = `| scenario | workers | accepted items/s | delivered items/s | MB/s in | p50 ms | p99 ms | p99.9 ms | peak RSS MiB | peak PSS MiB | floor items/s (1 thread) | delivered / floor | statuses |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|`;
const lines = rows.map((r) => `| ${r.scenario} | ${r.workers} | ${fmt(r.itemsPerSecond)} | ${fmt(r.deliveredPerSecond)} | ${fmt(r.mbPerSecond, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p999, 1)} | ${fmt(r.peakRss)} | ${fmt(r.peakPss)} | ${fmt(r.floor)} | ${fmt((r.deliveredPerSecond / r.floor) * 100)} % | ${Object.entries(r.statuses).map(([k, v]) => `${k}×${v}`).join(' ')} |`);
const machine = `${cores} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = `Run ${new Date().toISOString()} on ${machine}; ${SECONDS} s per measurement, 8 connections.\n\n${header}\n${lines.join('\n')}\n`;
console.log(report);
writeFileSync(join(ROOT, 'bench', 'last-run.md'), report);
