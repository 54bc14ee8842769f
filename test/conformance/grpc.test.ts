import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRetryDelayMs } from '../../src/formats/otlp/grpc-wire.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { LOGS_EXPORT, METRICS_EXPORT, rawClient, TRACE_EXPORT } from '../helpers/grpc-client.js';
import { TARGETS } from '../hardening/targets.js';

/**
 * The receiver conformance promises in gRPC form, for each OTLP signal: a valid message is
 * delivered (plain and gzip), undecodable bytes are INVALID_ARGUMENT, a wrong key UNAUTHENTICATED,
 * an oversized message RESOURCE_EXHAUSTED, a full queue UNAVAILABLE with RetryInfo.
 */
const KEY = 'grpc-conformance-key-71e0';
const METHODS = { traces: TRACE_EXPORT, metrics: METRICS_EXPORT, logs: LOGS_EXPORT } as const;
const VALID = Object.fromEntries(TARGETS.filter((t) => t.kind === 'otlp-proto').map((t) => [t.path.slice(4), t.valid()])) as Record<keyof typeof METHODS, Buffer>;

describe.each(Object.keys(METHODS).map((s) => [s as keyof typeof METHODS] as const))('OTLP/gRPC %s', (signal) => {
  let h: Harness;
  let stall: Server;
  const method = METHODS[signal];
  beforeAll(async () => {
    stall = createServer(() => {});
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    const stallUrl = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`;
    h = await startSwitchyard(`
receivers:
  otlp: { api_keys: [${KEY}], protocols: { grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 0.01 } } }
  otlp/bp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
  otlp_http/stalled: { endpoint: ${stallUrl}, timeout: 60s, sending_queue: { queue_size: 1, num_consumers: 1 } }
service:
  pipelines:
    ${signal}: { receivers: [otlp], exporters: [debug] }
    ${signal}/bp: { receivers: [otlp/bp], exporters: [otlp_http/stalled] }
`);
  });
  afterAll(async () => {
    stall.closeAllConnections();
    stall.close();
    await h?.close();
  });
  const auth = { authorization: `Bearer ${KEY}` };
  const lines = () => {
    try {
      return readFileSync(`${h.dir}/out.jsonl`, 'utf8').trim().split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  it.each(['identity', 'gzip'])('delivers a valid message sent with %s compression', async (enc) => {
    const c = rawClient(h.service.grpc.address('otlp').url, enc === 'gzip' ? { options: { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } } : {});
    const before = lines();
    const r = await c.call(method, VALID[signal], auth);
    c.close();
    expect(r.error).toBeUndefined();
    await eventually(() => lines() > before, 10_000, 'items delivered');
  });

  it('refuses undecodable bytes with INVALID_ARGUMENT, a wrong key with UNAUTHENTICATED, an oversized message with RESOURCE_EXHAUSTED', async () => {
    const c = rawClient(h.service.grpc.address('otlp').url);
    const bad = await c.call(method, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), auth);
    const wrongKey = await c.call(method, VALID[signal], { authorization: 'Bearer wrong' });
    const big = await c.call(method, Buffer.concat(Array.from({ length: 200 }, () => VALID[signal])), auth);
    c.close();
    expect(bad.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(wrongKey.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(big.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('answers a full queue with UNAVAILABLE and RetryInfo, which OTLP clients retry', async () => {
    const c = rawClient(h.service.grpc.address('otlp/bp').url);
    let err: grpc.ServiceError | undefined;
    for (let i = 0; i < 20 && !err; i++) err = (await c.call(method, VALID[signal])).error;
    c.close();
    expect(err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(readRetryDelayMs(err!.metadata.get('grpc-status-details-bin')[0] as Buffer)).toBeGreaterThan(0);
  });
});
