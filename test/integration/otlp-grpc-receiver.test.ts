import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { readRetryDelayMs } from '../../src/formats/otlp/grpc-wire.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';
import { readPartialSuccess } from '../../src/formats/otlp/responses.js';
import type { ResourceSpans } from '../../src/model/index.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { HEALTH_CHECK, LOGS_EXPORT, rawClient, TRACE_EXPORT } from '../helpers/grpc-client.js';

const KEY = 'grpc-key-51c2e0';

function traces(spanIds: string[], traceId = '0af7651916cd43dd8448eb211c80319c'): ResourceSpans[] {
  return [{
    resource: { attributes: { 'service.name': 'grpc-test' } },
    scopeSpans: [{ scope: { name: 's' }, spans: spanIds.map((spanId, i) => ({
      traceId, spanId, name: `op-${i}`, kind: 1, startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_001_000_000_000n,
      attributes: {}, events: [], links: [], status: { code: 0 },
    })) }],
  }] as unknown as ResourceSpans[];
}

/** A span whose trace id is 3 bytes: OTLP receivers reject that span, not the request. */
function withBadSpan(): Uint8Array {
  const t = otlpTypes().traceRequest;
  const good = t.decode(encodeTracesProto(traces(['b7ad6b7169203331']))) as unknown as { resourceSpans: { scopeSpans: { spans: { traceId: Uint8Array }[] }[] }[] };
  const spans = good.resourceSpans[0]!.scopeSpans[0]!.spans;
  spans.push({ ...spans[0]!, traceId: new Uint8Array([1, 2, 3]) });
  return t.encode(good).finish();
}

function healthRequest(service: string): Uint8Array {
  return Buffer.concat([Buffer.from([10, service.length]), Buffer.from(service)]);
}

describe('OTLP/gRPC receiver', () => {
  let h: Harness;
  let stall: Server;

  beforeAll(async () => {
    stall = createServer(() => {}); // never answers: fills the back-pressure exporter's queue
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    const stallUrl = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`;
    h = await startSwitchyard(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 0.05 }
      http: { endpoint: 127.0.0.1:0 }
  otlp/auth:
    api_keys: [${KEY}]
    protocols: { grpc: { endpoint: 127.0.0.1:0 } }
  otlp/bp:
    protocols: { grpc: { endpoint: 127.0.0.1:0 } }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
  otlp_http/stalled:
    endpoint: ${stallUrl}
    timeout: 60s
    sending_queue: { queue_size: 1, num_consumers: 1 }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp, otlp/auth], exporters: [debug] }
    traces/bp: { receivers: [otlp/bp], exporters: [otlp_http/stalled] }
`);
  });
  afterAll(async () => {
    stall.closeAllConnections();
    stall.close();
    await h?.close();
  });

  const client = (id = 'otlp') => rawClient(h.service.grpc.address(id).url);

  it('serves HTTP and gRPC from one receiver: both deliver', async () => {
    const c = client();
    const r = await c.call(TRACE_EXPORT, encodeTracesProto(traces(['00000000000000a1'])));
    c.close();
    expect(r.error).toBeUndefined();
    expect(readPartialSuccess(r.response!, 'application/x-protobuf').rejected).toBe(0);
    const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesProto(traces(['00000000000000a2'])) });
    expect(res.status).toBe(200);
    const lines = await eventually(() => {
      try {
        const text = readFileSync(`${h.dir}/out.jsonl`, 'utf8');
        return text.includes('00000000000000a1') && text.includes('00000000000000a2') ? text : undefined;
      } catch {
        return undefined;
      }
    }, 10_000, 'both spans in the debug output');
    expect(lines.match(/"name":"op-0"/g)).toHaveLength(2);
  });

  it('answers partial_success when some spans are invalid, and keeps the valid ones', async () => {
    const c = client();
    const r = await c.call(TRACE_EXPORT, withBadSpan());
    c.close();
    expect(r.error).toBeUndefined();
    const p = readPartialSuccess(r.response!, 'application/x-protobuf');
    expect(p.rejected).toBe(1);
    expect(p.message).toMatch(/traceId/);
  });

  it('refuses undecodable bytes with INVALID_ARGUMENT (not retryable), with a google.rpc.Status detail', async () => {
    const c = client();
    const r = await c.call(TRACE_EXPORT, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    c.close();
    expect(r.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const details = r.error!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const st = otlpTypes().status.decode(details) as unknown as { code: number; message: string };
    expect(st.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(readRetryDelayMs(details)).toBeUndefined();
  });

  it('refuses a message over max_recv_msg_size_mib with RESOURCE_EXHAUSTED', async () => {
    const c = client();
    const many = Array.from({ length: 2000 }, (_, i) => (i + 1).toString(16).padStart(16, '0'));
    const body = encodeTracesProto(traces(many));
    expect(body.length).toBeGreaterThan(0.05 * 1024 * 1024);
    const r = await c.call(TRACE_EXPORT, body);
    c.close();
    expect(r.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('answers a signal the receiver has no pipeline for with UNIMPLEMENTED', async () => {
    const c = client();
    const r = await c.call(LOGS_EXPORT, otlpTypes().logsRequest.encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] }).finish());
    c.close();
    expect(r.error?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('checks api_keys as a bearer token in metadata', async () => {
    const c = client('otlp/auth');
    const body = encodeTracesProto(traces(['00000000000000b1']));
    const none = await c.call(TRACE_EXPORT, body);
    const wrong = await c.call(TRACE_EXPORT, body, { authorization: 'Bearer nope' });
    const right = await c.call(TRACE_EXPORT, body, { authorization: `Bearer ${KEY}` });
    c.close();
    expect(none.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.error?.details).not.toContain('nope');
    expect(right.error).toBeUndefined();
  });

  it('answers the gRPC health service: SERVING overall and per OTLP service, NOT_FOUND for others', async () => {
    const c = client();
    const all = await c.call(HEALTH_CHECK, new Uint8Array());
    const traceSvc = await c.call(HEALTH_CHECK, healthRequest('opentelemetry.proto.collector.trace.v1.TraceService'));
    const other = await c.call(HEALTH_CHECK, healthRequest('no.such.Service'));
    c.close();
    expect([...all.response!]).toEqual([8, 1]);
    expect([...traceSvc.response!]).toEqual([8, 1]);
    expect(other.error?.code).toBe(grpc.status.NOT_FOUND);
  });

  it('pushes back with UNAVAILABLE and a RetryInfo delay when a target queue is full', async () => {
    const c = client('otlp/bp');
    let last: Awaited<ReturnType<typeof c.call>> | undefined;
    for (let i = 0; i < 20; i++) {
      last = await c.call(TRACE_EXPORT, encodeTracesProto(traces([(0xc00 + i).toString(16).padStart(16, '0')])));
      if (last.error) break;
    }
    c.close();
    expect(last?.error?.code).toBe(grpc.status.UNAVAILABLE);
    const details = last!.error!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect((otlpTypes().status.decode(details) as unknown as { code: number }).code).toBe(grpc.status.UNAVAILABLE);
    expect(readRetryDelayMs(details)).toBeGreaterThanOrEqual(1000);
    const text = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    expect(text).toMatch(/switchyard_receiver_requests_total\{receiver="otlp\/bp",status="grpc_UNAVAILABLE"\}/);
  });
});
