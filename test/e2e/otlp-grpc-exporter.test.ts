import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { flattenSpans, type ResourceLogs, type ResourceMetrics, type ResourceSpans } from '../../src/model/index.js';
import { logsArb, metricsArb, tracesArb } from '../formats/otlp-arbitraries.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { decodeArrived } from '../helpers/otlp-roundtrip.js';
import { rawClient, TRACE_EXPORT } from '../helpers/grpc-client.js';
import { assertNoSeries, counterOrZero, readSelfMetrics, selfMetric } from '../helpers/self-metrics.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);

/** A sort key for deep values (bigints, byte arrays), independent of object key order. */
const key = (v: unknown) => JSON.stringify(v, (_k, x) => {
  if (typeof x === 'bigint') return `${x}n`;
  if (x instanceof Uint8Array) return [...x];
  if (x && typeof x === 'object' && !Array.isArray(x)) return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return x;
});
const sorted = <T>(xs: T[]) => xs.map((x) => [key(x), x] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
const metricItems = (rms: ResourceMetrics[]) => rms.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ resource: r.resource, scope: s.scope, m }))));
const logItems = (rls: ResourceLogs[]) => rls.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => ({ resource: r.resource, scope: s.scope, l }))));

function oneSpan(name: string): ResourceSpans[] {
  const span = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name, kind: 1, startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: {}, events: [], links: [], status: { code: 0 } };
  return [{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] as unknown as ResourceSpans[];
}

const post = (url: string, path: string, body: Uint8Array) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
});

/** B: gRPC in, otlp_http out to `sink`; A: OTLP/HTTP in, `otlp` (gRPC) out to B. */
async function chain(sinkUrl: string, bQueue = '', aExtra = '') {
  const b = await startSwitchyard(`
receivers:
  otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 16 } } }
exporters:
  otlp_http: { endpoint: ${sinkUrl}, compression: none, ${bQueue} }
processors:
  batch: { send_batch_size: 1000, timeout: 20ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    metrics: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
  started.push(b);
  const a = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp:
    endpoint: ${b.service.grpc.address('otlp').url}
    headers: { x-tenant: acme }
    retry_on_failure: { initial_interval: 100ms, max_interval: 1s }
    ${aExtra}
processors:
  batch: { send_batch_size: 1000, timeout: 20ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp] }
    metrics: { receivers: [otlp], processors: [batch], exporters: [otlp] }
    logs: { receivers: [otlp], processors: [batch], exporters: [otlp] }
`);
  started.push(a);
  return { a, b };
}

describe('Switchyard A (otlp gRPC exporter) → Switchyard B (gRPC receiver)', () => {
  let cap: CaptureServer;
  afterAll(async () => cap?.close());

  /**
   * The generators cover the whole fixed64 range, but a receiver refuses times past int64
   * nanoseconds (year 2262) with a 400, since no encoder could carry them: keep the low 63 bits.
   */
  function acceptedTimes<T>(x: T): T {
    const fix = (v: unknown, key: string): unknown => {
      if (typeof v === 'bigint' && key.endsWith('UnixNano')) return v & (2n ** 63n - 1n);
      if (Array.isArray(v)) return v.map((e) => fix(e, key));
      if (v && typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, fix(e, k)]));
      }
      return v;
    };
    return fix(x, '') as T;
  }

  it(`is lossless for generated traces, metrics and logs (seed ${SEED})`, async () => {
    cap = await startCaptureServer();
    const { a } = await chain(cap.url);
    const aUrl = a.service.receiverUrl('otlp');
    const traces: ResourceSpans[] = fc.sample(tracesArb.filter((x) => flattenSpans(x).length > 0), { seed: SEED, numRuns: 5 }).flat().map(acceptedTimes);
    const metrics: ResourceMetrics[] = fc.sample(metricsArb.filter((x) => metricItems(x).length > 0), { seed: SEED + 1, numRuns: 5 }).flat().map(acceptedTimes);
    const logs: ResourceLogs[] = fc.sample(logsArb.filter((x) => logItems(x).length > 0), { seed: SEED + 2, numRuns: 5 }).flat().map(acceptedTimes);
    for (const [path, body] of [['/v1/traces', encodeTracesProto(traces)], ['/v1/metrics', encodeMetricsProto(metrics)], ['/v1/logs', encodeLogsProto(logs)]] as const) {
      const res = await post(aUrl, path, body);
      expect(res.status, `${path} (seed ${SEED}): ${res.status === 200 ? "" : await res.clone().text()}`).toBe(200);
    }
    const want = { spans: flattenSpans(traces).length, metrics: metricItems(metrics).length, logs: logItems(logs).length };
    const arrived = await eventually(() => {
      const spans = decodeArrived(cap, '/v1/traces').flatMap((t) => flattenSpans(t.traces ?? []));
      const ms = metricItems(decodeArrived(cap, '/v1/metrics').flatMap((t) => t.metrics ?? []));
      const ls = logItems(decodeArrived(cap, '/v1/logs').flatMap((t) => t.logs ?? []));
      return spans.length >= want.spans && ms.length >= want.metrics && ls.length >= want.logs ? { spans, ms, ls } : undefined;
    }, 20_000, `everything at the capture server (seed ${SEED})`);
    expect(sorted(arrived.spans), `seed ${SEED}`).toEqual(sorted(flattenSpans(traces)));
    expect(sorted(arrived.ms), `seed ${SEED}`).toEqual(sorted(metricItems(metrics)));
    expect(sorted(arrived.ls), `seed ${SEED}`).toEqual(sorted(logItems(logs)));
  });

  it('retries when B pushes back (UNAVAILABLE + RetryInfo) and delivers once B has room', async () => {
    // B's sink holds every request until released, so B's one-slot queue fills.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bodies: string[] = [];
    const sink: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => void gate.then(() => {
        bodies.push(Buffer.concat(chunks).toString('latin1'));
        res.writeHead(200).end();
      }));
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    started.push({ close: () => new Promise((r) => { sink.closeAllConnections(); sink.close(() => r()); }) });
    const { a, b } = await chain(`http://127.0.0.1:${(sink.address() as AddressInfo).port}`, 'sending_queue: { queue_size: 1, num_consumers: 1 }');

    const direct = rawClient(b.service.grpc.address('otlp').url);
    let refused = false;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await direct.call(TRACE_EXPORT, encodeTracesProto(oneSpan(`filler-${i}`)));
      refused = r.error?.code === grpc.status.UNAVAILABLE;
    }
    direct.close();
    expect(refused, 'B refuses once its queue is full').toBe(true);

    const marker = 'span-through-backpressure';
    const res = await post(a.service.receiverUrl('otlp'), '/v1/traces', encodeTracesProto(oneSpan(marker)));
    expect(res.status).toBe(200);
    await eventually(async () => counterOrZero(await readSelfMetrics(a.service.telemetryUrl!), 'switchyard_exporter_retries_total', { exporter: 'otlp' }) > 0, 20_000, 'A retrying');
    release();
    await eventually(() => bodies.some((x) => x.includes(marker)), 20_000, 'the span delivered after the retry');
    expect(await selfMetric(a.service.telemetryUrl!, 'switchyard_exporter_sent_items_total', { exporter: 'otlp', signal: 'traces' })).toBe(1);
    assertNoSeries(await readSelfMetrics(a.service.telemetryUrl!), 'switchyard_exporter_dead_lettered_items_total', { exporter: 'otlp' });
  });

  it('does not retry what the server refuses as bad data (INVALID_ARGUMENT): dead-lettered at once', async () => {
    const server = new grpc.Server();
    let calls = 0;
    const tenants: unknown[] = [];
    server.register(TRACE_EXPORT, (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      calls++;
      tenants.push(call.metadata.get('x-tenant')[0]);
      cb({ code: grpc.status.INVALID_ARGUMENT, details: 'bad span' });
    }, (b: Buffer) => b, (b: Buffer) => b, 'unary');
    const port = await new Promise<number>((r, j) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));
    started.push({ close: async () => void server.forceShutdown() });
    const a = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp: { endpoint: http://127.0.0.1:${port}, headers: { X-Tenant: acme }, retry_on_failure: { initial_interval: 50ms } }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp] }
`);
    started.push(a);
    const res = await post(a.service.receiverUrl('otlp'), '/v1/traces', encodeTracesProto(oneSpan('refused')));
    expect(res.status).toBe(200);
    // The gRPC code stands where an HTTP status would: INVALID_ARGUMENT is 3.
    const dead = await eventually(async () => counterOrZero(await readSelfMetrics(a.service.telemetryUrl!), 'switchyard_exporter_dead_lettered_items_total', { exporter: 'otlp', reason: 'http_3' }), 10_000, 'dead-lettered');
    expect(dead).toBeGreaterThan(0);
    expect(calls).toBe(1);
    expect(tenants).toEqual(['acme']); // headers travel as gRPC metadata
    expect(counterOrZero(await readSelfMetrics(a.service.telemetryUrl!), 'switchyard_exporter_retries_total', { exporter: 'otlp' })).toBe(0);
  });
});
