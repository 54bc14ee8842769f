import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';
import type { ResourceSpans } from '../../src/model/index.js';
import { makeTestPki, type TestPki } from '../helpers/certs.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { rawClient, TRACE_EXPORT } from '../helpers/grpc-client.js';
import { PROMETHEUS_BIN, startPrometheus } from '../helpers/prometheus.js';
import { counterOrZero, readSelfMetrics, selfMetric } from '../helpers/self-metrics.js';

const SENDER = fileURLToPath(new URL('../helpers/sdk-http-sender.mjs', import.meta.url));

function oneSpan(name: string): Uint8Array {
  const span = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name, kind: 1, startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: {}, events: [], links: [], status: { code: 0 } };
  return encodeTracesProto([{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] as unknown as ResourceSpans[]);
}

function debugOut(h: Harness): string {
  try {
    return readFileSync(join(h.dir, 'out.jsonl'), 'utf8');
  } catch {
    return '';
  }
}

/** Runs the SDK sender in its own process, so that NODE_EXTRA_CA_CERTS takes effect. */
function runSender(url: string, name: string, extraCa?: string): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  return new Promise((resolve) => {
    execFile(process.execPath, [SENDER, url, name], { env, timeout: 60_000 }, (err, _out, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }));
  });
}

let pki: TestPki;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(() => {
  pki = makeTestPki();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => pki?.remove());

async function start(yaml: string): Promise<Harness> {
  const h = await startSwitchyard(yaml);
  cleanups.push(() => h.close());
  return h;
}

describe('TLS on receivers', () => {
  it('the SDK OTLP/HTTP exporter delivers over https with the test CA in NODE_EXTRA_CA_CERTS, and fails without it', async () => {
    const h = await start(`
receivers:
  otlp: { endpoint: 127.0.0.1:0, tls: { cert_file: ${pki.serverCert}, key_file: ${pki.serverKey} } }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
    const base = h.service.receiverUrl('otlp');
    expect(base).toMatch(/^https:/);
    const ok = await runSender(`${base}/v1/traces`, 'tls-span-trusted', pki.ca);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    await eventually(() => debugOut(h).includes('tls-span-trusted'), 10_000, 'the span in the debug output');
    const refused = await runSender(`${base}/v1/traces`, 'tls-span-untrusted');
    expect(refused.code).not.toBe(0);
    expect(debugOut(h)).not.toContain('tls-span-untrusted');
  });

  it.skipIf(!PROMETHEUS_BIN)('real Prometheus remote_write delivers over https with tls_config.ca_file', async () => {
    const h = await start(`
receivers:
  prometheus_remote_write: { endpoint: 127.0.0.1:0, tls: { cert_file: ${pki.serverCert}, key_file: ${pki.serverKey} } }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    metrics: { receivers: [prometheus_remote_write], exporters: [debug] }
`);
    const url = h.service.receiverUrl('prometheus_remote_write');
    const prom = await startPrometheus(`
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:__PORT__'] }]
remote_write:
  - url: ${url}/api/v1/write
    tls_config: { ca_file: ${pki.ca} }
    queue_config: { batch_send_deadline: 1s, max_shards: 1 }
`);
    cleanups.push(() => prom.stop());
    await eventually(() => debugOut(h).includes('prometheus_http_requests_total'), 40_000, `remote-written samples (prometheus log: ${prom.logs().slice(-500)})`);
  });

  it('mTLS: a client without a certificate is refused (HTTP and gRPC), one with a certificate from client_ca_file delivers', async () => {
    const tls = `{ cert_file: ${pki.serverCert}, key_file: ${pki.serverKey}, client_ca_file: ${pki.ca} }`;
    const h = await start(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0, tls: ${tls} }
      grpc: { endpoint: 127.0.0.1:0, tls: ${tls} }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
    const url = `${h.service.receiverUrl('otlp')}/v1/traces`;
    const ca = readFileSync(pki.ca);
    const post = (dispatcher: Agent, name: string) => request(url, { method: 'POST', dispatcher, headers: { 'content-type': 'application/x-protobuf' }, body: oneSpan(name) });
    const anonymous = new Agent({ connect: { ca } });
    const withCert = new Agent({ connect: { ca, cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } });
    cleanups.push(() => anonymous.close(), () => withCert.close());
    await expect(post(anonymous, 'mtls-anonymous')).rejects.toThrow();
    const good = await post(withCert, 'mtls-http');
    expect(good.statusCode).toBe(200);
    await good.body.arrayBuffer();

    const target = h.service.grpc.address('otlp').url;
    const anonGrpc = rawClient(target, { credentials: grpc.credentials.createSsl(ca) });
    const certGrpc = rawClient(target, { credentials: grpc.credentials.createSsl(ca, readFileSync(pki.clientKey), readFileSync(pki.clientCert)) });
    const refused = await anonGrpc.call(TRACE_EXPORT, oneSpan('mtls-grpc-anonymous'), {}, 5000);
    const accepted = await certGrpc.call(TRACE_EXPORT, oneSpan('mtls-grpc'));
    anonGrpc.close();
    certGrpc.close();
    expect(refused.error).toBeDefined();
    expect(accepted.error).toBeUndefined();
    await eventually(() => debugOut(h).includes('mtls-http') && debugOut(h).includes('mtls-grpc'), 10_000, 'both accepted spans');
    expect(debugOut(h)).not.toContain('anonymous');
  });

  it('serves a renewed certificate once the files change on disk, without a restart (HTTP and gRPC)', async () => {
    const cert = join(pki.dir, 'live.pem');
    const key = join(pki.dir, 'live.key');
    copyFileSync(pki.serverCert, cert);
    copyFileSync(pki.serverKey, key);
    const tls = `{ cert_file: ${cert}, key_file: ${key} }`;
    const h = await start(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0, tls: ${tls} }
      grpc: { endpoint: 127.0.0.1:0, tls: ${tls} }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
    const url = `${h.service.receiverUrl('otlp')}/v1/traces`;
    const renewed = pki.issueWithNewCa('renewed');
    const trustsNew = new Agent({ connect: { ca: readFileSync(renewed.ca) }, pipelining: 0 });
    const trustsOld = new Agent({ connect: { ca: readFileSync(pki.ca) }, pipelining: 0 });
    cleanups.push(() => trustsNew.close(), () => trustsOld.close());
    const send = (a: Agent) => request(url, { method: 'POST', dispatcher: a, headers: { 'content-type': 'application/x-protobuf', connection: 'close' }, body: oneSpan('reload') }).then(async (r) => (await r.body.arrayBuffer(), r.statusCode));
    // A new channel per call: an open one keeps the handshake it already made.
    const target = h.service.grpc.address('otlp').url;
    const grpcSend = async (ca: string) => {
      const client = rawClient(target, { credentials: grpc.credentials.createSsl(readFileSync(ca)) });
      try {
        return (await client.call(TRACE_EXPORT, oneSpan('reload-grpc'), {}, 5000)).error === undefined;
      } finally {
        client.close();
      }
    };
    expect(await send(trustsOld)).toBe(200);
    await expect(send(trustsNew)).rejects.toThrow();
    expect(await grpcSend(pki.ca)).toBe(true);
    expect(await grpcSend(renewed.ca)).toBe(false);
    // Key first, then certificate: in between, the pair does not match and the old one stays.
    writeFileSync(key, readFileSync(renewed.key));
    writeFileSync(cert, readFileSync(renewed.cert));
    await eventually(() => send(trustsNew).then((s) => s === 200, () => false), 15_000, 'the renewed certificate served over HTTP');
    await eventually(() => grpcSend(renewed.ca), 15_000, 'the renewed certificate served over gRPC');
    expect(await grpcSend(pki.ca)).toBe(false);
  });
});

describe('TLS on exporters', () => {
  let sink: HttpsServer;
  let sinkUrl: string;
  const got: string[] = [];
  beforeAll(async () => {
    sink = createHttpsServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push(Buffer.concat(chunks).toString('latin1'));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    sinkUrl = `https://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => { sink.closeAllConnections(); sink.close(() => r()); }));

  it('an https exporter with ca_file delivers; without it the send fails visibly in /metrics and nothing counts as sent', async () => {
    const h = await start(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http/trusted: { endpoint: ${sinkUrl}, compression: none, tls: { ca_file: ${pki.ca} } }
  otlp_http/untrusted: { endpoint: ${sinkUrl}, compression: none, retry_on_failure: { initial_interval: 50ms, max_elapsed_time: 500ms } }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http/trusted, otlp_http/untrusted] }
`);
    const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: oneSpan('to-https-sink') });
    expect(res.status).toBe(200);
    const t = h.service.telemetryUrl!;
    await eventually(async () => (await selfMetric(t, 'switchyard_exporter_sent_items_total', { exporter: 'otlp_http/trusted', signal: 'traces' })) === 1, 10_000, 'trusted exporter sent');
    await eventually(async () => (await selfMetric(t, 'switchyard_exporter_send_failed_items_total', { exporter: 'otlp_http/untrusted', signal: 'traces' })) === 1, 10_000, 'untrusted exporter failed');
    expect(await selfMetric(t, 'switchyard_exporter_retries_total', { exporter: 'otlp_http/untrusted' })).toBeGreaterThan(0);
    expect(counterOrZero(await readSelfMetrics(t), 'switchyard_exporter_sent_items_total', { exporter: 'otlp_http/untrusted', signal: 'traces' })).toBe(0);
    expect(got.filter((b) => b.includes('to-https-sink'))).toHaveLength(1);
  });

  it('the otlp (gRPC) exporter reaches a TLS gRPC receiver with ca_file and server_name_override', async () => {
    const b = await start(`
receivers:
  otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0, tls: { cert_file: ${pki.serverCert}, key_file: ${pki.serverKey} } } } }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
    const port = b.service.grpc.address('otlp').port;
    const a = await start(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  otlp: { endpoint: 127.0.0.1:${port}, tls: { ca_file: ${pki.ca}, server_name_override: switchyard.test } }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp] }
`);
    const res = await fetch(`${a.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: oneSpan('grpc-over-tls') });
    expect(res.status).toBe(200);
    await eventually(() => debugOut(b).includes('grpc-over-tls'), 15_000, 'the span at B');
  });
});

describe('validate checks TLS files', () => {
  it('reports a missing file and a file that is not PEM, with their paths', () => {
    const junk = join(pki.dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    let message = '';
    try {
      parseConfig(`
receivers:
  otlp: { endpoint: 127.0.0.1:0, tls: { cert_file: ${junk}, key_file: ${join(pki.dir, 'absent.key')} } }
exporters:
  otlp_http: { endpoint: https://127.0.0.1:1, tls: { ca_file: ${pki.serverKey} } }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`, { catalog: defaultCatalog() });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/receivers\.otlp\.tls\.cert_file.*not a PEM certificate/);
    expect(message).toMatch(/receivers\.otlp\.tls\.key_file.*cannot read/);
    expect(message).toMatch(/exporters\.otlp_http\.tls\.ca_file.*not a PEM certificate/);
    expect(message).not.toContain('PRIVATE KEY');
  });
});
