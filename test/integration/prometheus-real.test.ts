import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWith } from '../helpers/encode-with.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { prometheusRemoteWrite } from '../../src/formats/prometheus/index.js';
import { decodeRemoteWrite, type RemoteWriteDecodeResult } from '../../src/formats/prometheus/receiver.js';
import type { Metric, Telemetry } from '../../src/model/index.js';
import { Temporality } from '../../src/model/index.js';
import { PROMETHEUS_BIN, startPrometheus, stopAllPrometheus } from '../helpers/prometheus.js';

/**
 * Against Debian's real `prometheus` binary (apt-get install prometheus):
 * 1. Prometheus scrapes itself and remote-writes to a tiny server that runs our decoder: every
 *    request must decode with no refused series, with counters, gauges and grouped histograms.
 * 2. Prometheus with --web.enable-remote-write-receiver takes our exporter's request, and the
 *    values come back through its query API.
 */
const describeReal = PROMETHEUS_BIN ? describe : describe.skip;
if (!PROMETHEUS_BIN) console.warn('prometheus-real: skipped — the `prometheus` binary is not installed (apt-get install -y prometheus)');

afterAll(stopAllPrometheus);

function allMetrics(t: Telemetry): Metric[] {
  return (t.metrics ?? []).flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

describeReal('real Prometheus', () => {
  it('its remote-write traffic decodes cleanly into counters, gauges and histograms', async () => {
    const results: RemoteWriteDecodeResult[] = [];
    const statuses: number[] = [];
    const route = prometheusRemoteWrite.receiver!.routes[0]!;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const info = { method: 'POST', path: req.url ?? '', mediaType: 'application/x-protobuf', contentType: headers['content-type'] ?? '', headers };
        try {
          const r = decodeRemoteWrite(Buffer.concat(chunks), info, DEFAULT_DECODE_LIMITS);
          results.push(r);
          const reply = route.reply(r, info);
          statuses.push(reply.status);
          res.writeHead(reply.status).end();
        } catch (e) {
          statuses.push(400);
          res.writeHead(400).end(String(e));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const sinkPort = (server.address() as AddressInfo).port;
    try {
      const prom = await startPrometheus(`
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:__PORT__'] }]
remote_write:
  - url: http://127.0.0.1:${sinkPort}/api/v1/write
    queue_config: { batch_send_deadline: 1s, max_shards: 1 }
    metadata_config: { send_interval: 2s }
`);
      const deadline = Date.now() + 40_000;
      const seen = () => new Set(results.flatMap((r) => allMetrics(r.telemetry).map((m) => `${m.data.type}:${m.name}`)));
      while (Date.now() < deadline && !(seen().has('histogram:prometheus_http_request_duration_seconds') && seen().has('gauge:up'))) {
        await new Promise((r) => setTimeout(r, 500));
      }
      const names = seen();
      expect(statuses.filter((s) => s !== 204), prom.logs().slice(-2000)).toEqual([]);
      expect(results.length).toBeGreaterThan(0);
      expect(results.flatMap((r) => r.rejected)).toEqual([]);
      expect(names.has('gauge:up')).toBe(true);
      expect(names.has('sum:prometheus_http_requests_total')).toBe(true);
      expect(names.has('histogram:prometheus_http_request_duration_seconds')).toBe(true);
      const up = results.flatMap((r) => r.telemetry.metrics ?? []).find((rm) => rm.scopeMetrics.some((s) => s.metrics.some((m) => m.name === 'up')))!;
      expect(up.resource.attributes).toMatchObject({ 'service.name': 'self', 'service.instance.id': `127.0.0.1:${prom.port}` });
      const hist = results.flatMap((r) => allMetrics(r.telemetry)).find((m) => m.name === 'prometheus_http_request_duration_seconds')!;
      expect(hist.data.type === 'histogram' && hist.data.dataPoints[0]!.explicitBounds.length).toBeGreaterThan(3);
    } finally {
      // Prometheus keeps its remote-write connection open: cut it, or close waits for Prometheus.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 120_000);

  it('accepts what our exporter sends, and the values come back from its query API', async () => {
    const prom = await startPrometheus('global: { scrape_interval: 1h }\n', { args: ['--web.enable-remote-write-receiver'] });
    const ns = BigInt(Date.now()) * 1_000_000n;
    const t: Telemetry = { metrics: [{
      resource: { attributes: { 'service.name': 'checkout', 'service.instance.id': 'pod-7', 'host.name': 'node-1' } },
      scopeMetrics: [{ scope: { name: 's' }, metrics: [
        { name: 'gen_ai.client.token.usage', data: { type: 'sum', aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true, dataPoints: [{ attributes: { 'gen_ai.request.model': 'gpt-4o' }, timeUnixNano: ns, value: 1234n }] } },
        { name: 'queue.depth', data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: ns, value: 7.5 }] } },
        { name: 'latency', data: { type: 'histogram', aggregationTemporality: Temporality.CUMULATIVE, dataPoints: [{ attributes: {}, timeUnixNano: ns, count: 4, sum: 2, bucketCounts: [1, 2, 1], explicitBounds: [0.1, 1] }] } },
      ] }],
    }] };
    const reqs = encodeWith(prometheusRemoteWrite.exporter!, t, { timeout_ms: 5000 });
    for (const r of reqs) {
      const res = await fetch(`http://127.0.0.1:${prom.port}${r.path}`, { method: 'POST', headers: { 'content-type': r.contentType, ...r.headers }, body: r.body as Uint8Array });
      expect(res.status, await res.text()).toBeLessThan(300);
    }
    const query = prom.query;
    const tokens = await query('gen_ai_client_token_usage_total');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.metric).toEqual({ __name__: 'gen_ai_client_token_usage_total', gen_ai_request_model: 'gpt-4o', job: 'checkout', instance: 'pod-7' });
    expect(tokens[0]!.value[1]).toBe('1234');
    expect((await query('queue_depth'))[0]!.value[1]).toBe('7.5');
    expect((await query('latency_bucket{le="1"}'))[0]!.value[1]).toBe('3');
    expect((await query('latency_count'))[0]!.value[1]).toBe('4');
    expect((await query('target_info'))[0]!.metric).toMatchObject({ host_name: 'node-1', job: 'checkout', instance: 'pod-7' });
  });
});
