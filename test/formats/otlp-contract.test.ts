import { answerOf } from '../helpers/answer.js';
import { describe, expect, it } from 'vitest';
import { encodeWith, optionsFor } from '../helpers/encode-with.js';
import { BackpressureError, InputError } from '../../src/formats/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { otlpFormat, otlpHttpFormat } from '../../src/formats/otlp/index.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';
import { findFormat } from '../../src/formats/registry.js';
import type { EncodeContext, OutboundRequest, RequestInfo } from '../../src/formats/types.js';
import { newSpan, tracesOf, type Telemetry } from '../../src/model/index.js';
import { otlpFixture } from './otlp.fixture.js';

const limits = DEFAULT_DECODE_LIMITS;
const receiver = otlpFormat.receiver!;
const exporter = otlpHttpFormat.exporter!;
const TID = '5b8efff798038103d269b633813fc60c';
const SID = 'eee19b7ec3c1b174';

function req(path: string, mediaType: string): RequestInfo {
  return { method: 'POST', path, mediaType, contentType: mediaType, headers: {} };
}
const routeOf = (path: string) => receiver.routes.find((r) => r.path === path)!;

describe('otlp receiver contract', () => {
  it('is registered, with one route per signal and both media types', () => {
    expect(findFormat('otlp')).toBe(otlpFormat);
    expect(findFormat('otlp_http')).toBe(otlpHttpFormat);
    expect(receiver.routes.map((r) => [r.method, r.path, r.signals])).toEqual([
      ['POST', '/v1/traces', ['traces']], ['POST', '/v1/metrics', ['metrics']], ['POST', '/v1/logs', ['logs']],
    ]);
    for (const r of receiver.routes) expect(r.mediaTypes).toEqual(expect.arrayContaining(['application/x-protobuf', 'application/json']));
    expect(receiver.auth).toEqual({ header: 'authorization', scheme: 'Bearer', required: false });
  });

  it('decodes protobuf and answers with a protobuf ExportTraceServiceResponse', () => {
    const rs = tracesOf([newSpan({ traceId: TID, spanId: SID, name: 'x', startTimeUnixNano: 1n, endTimeUnixNano: 2n })]).traces!;
    const route = routeOf('/v1/traces');
    const info = req('/v1/traces', 'application/x-protobuf');
    const result = route.decode!(Buffer.from(encodeTracesProto(rs)), info, limits);
    expect(result.accepted).toBe(1);
    const reply = route.reply(result, info);
    expect(reply.status).toBe(200);
    expect(reply.headers?.['content-type']).toBe('application/x-protobuf');
    const decoded = otlpTypes().traceResponse.decode(reply.body as Uint8Array) as unknown as { partialSuccess: unknown };
    expect(decoded.partialSuccess).toBeNull();
  });

  it('answers partial_success in the request encoding when items were rejected', () => {
    const route = routeOf('/v1/traces');
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TID, spanId: SID }, { traceId: TID, spanId: 'abc' }] }] }] });
    const jsonInfo = req('/v1/traces', 'application/json');
    const result = route.decode!(Buffer.from(body), jsonInfo, limits);
    const reply = route.reply(result, jsonInfo);
    expect(reply.status).toBe(200);
    const parsed = JSON.parse(reply.body as string);
    expect(parsed.partialSuccess.rejectedSpans).toBe('1');
    expect(parsed.partialSuccess.errorMessage).toContain('spans[1].spanId must be 8 bytes');

    const protoInfo = req('/v1/traces', 'application/x-protobuf');
    const pReply = route.reply(result, protoInfo);
    const p = otlpTypes().traceResponse.decode(pReply.body as Uint8Array) as unknown as { partialSuccess: { rejectedSpans: { toNumber(): number }; errorMessage: string } };
    expect(p.partialSuccess.rejectedSpans.toNumber()).toBe(1);
    expect(p.partialSuccess.errorMessage).toContain('spanId');
  });

  it('uses rejected_data_points and rejected_log_records for the other signals', () => {
    const m = routeOf('/v1/metrics').reply({ telemetry: {}, accepted: 1, rejected: [{ index: 1, field: 'f', message: 'f bad' }] }, req('/v1/metrics', 'application/json'));
    expect(JSON.parse(m.body as string).partialSuccess.rejectedDataPoints).toBe('1');
    const l = routeOf('/v1/logs').reply({ telemetry: {}, accepted: 1, rejected: [{ index: 1, field: 'f', message: 'f bad' }] }, req('/v1/logs', 'application/json'));
    expect(JSON.parse(l.body as string).partialSuccess.rejectedLogRecords).toBe('1');
    const ok = routeOf('/v1/logs').reply({ telemetry: {}, accepted: 1, rejected: [] }, req('/v1/logs', 'application/json'));
    expect(ok.body).toBe('{}');
  });

  it('error bodies are google.rpc.Status in the request encoding (JSON for unknown types)', () => {
    const bad = new InputError('resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano', 'startTimeUnixNano must be an integer');
    const j = receiver.errorReply({ kind: 'input', error: bad }, req('/v1/traces', 'application/json'));
    expect(j.status).toBe(400);
    expect(JSON.parse(j.body as string)).toEqual({ code: 3, message: 'startTimeUnixNano must be an integer' });
    const p = receiver.errorReply({ kind: 'input', error: bad }, req('/v1/traces', 'application/x-protobuf'));
    expect(p.headers?.['content-type']).toBe('application/x-protobuf');
    expect(otlpTypes().status.toObject(otlpTypes().status.decode(p.body as Uint8Array))).toEqual({ code: 3, message: 'startTimeUnixNano must be an integer' });
    for (const [kind, status] of [['too_large', 413], ['unsupported_media_type', 415], ['unauthorized', 401]] as const) {
      const r = receiver.errorReply({ kind: 'input', error: new InputError('', 'no', kind) }, req('/v1/traces', 'text/csv'));
      expect(r.status).toBe(status);
      expect(r.headers?.['content-type']).toBe('application/json');
    }
  });

  it('pushes back with a retryable status and Retry-After', () => {
    const e = new BackpressureError('queue full', 2.5);
    const r = receiver.errorReply({ kind: 'backpressure', message: e.message, retryAfterSeconds: e.retryAfterSeconds }, req('/v1/traces', 'application/x-protobuf'));
    expect(otlpFixture.backpressureStatuses).toContain(r.status);
    expect(r.headers?.['retry-after']).toBe('3');
  });

  it('refuses an unsupported media type with 415 and garbage protobuf with 400', () => {
    const route = routeOf('/v1/traces');
    expect(() => route.decode!(Buffer.from('{}'), req('/v1/traces', 'text/plain'), limits)).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => route.decode!(Buffer.from('\x00\xffthis is {not" valid'), req('/v1/traces', 'application/x-protobuf'), limits)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

// ---------------------------------------------------------------- exporter

const TELEMETRY: Telemetry = {
  ...tracesOf([newSpan({ traceId: TID, spanId: SID, name: 'x', startTimeUnixNano: 1n, endTimeUnixNano: 2n })]),
  logs: [{ resource: { attributes: {} }, scopeLogs: [{ scope: { name: '' }, logRecords: [{ timeUnixNano: 1n, attributes: {}, body: 'hi' }, { timeUnixNano: 2n, attributes: {} }] }] }],
};

function ctx(config: Record<string, unknown> = {}): EncodeContext {
  return { config: optionsFor(otlpHttpFormat.exporter!, { timeout_ms: 1000, ...config }) };
}

describe('otlp_http exporter', () => {
  it('sends gzip protobuf by default, one request per signal, to /v1/<signal>', () => {
    const out = exporter.encode(TELEMETRY, ctx());
    expect(out.map((r) => [r.path, r.contentType, r.contentEncoding, r.items])).toEqual([
      ['/v1/traces', 'application/x-protobuf', 'gzip', 1],
      ['/v1/logs', 'application/x-protobuf', 'gzip', 2],
    ]);
    const back = decodeTracesProto(out[0]!.body as Uint8Array, limits);
    expect(back.telemetry.traces).toEqual(TELEMETRY.traces);
  });

  it('sends plain JSON when configured', () => {
    const out = exporter.encode(TELEMETRY, ctx({ encoding: 'json', compression: 'none' }));
    expect(out[0]!.contentType).toBe('application/json');
    expect(out[0]!.contentEncoding).toBeUndefined();
    expect(JSON.parse(out[0]!.body as string).resourceSpans[0].scopeSpans[0].spans[0].traceId).toBe(TID);
    expect(out[1]!.path).toBe('/v1/logs');
  });

  it('splits a batch over max_request_bytes into requests that fit, losing nothing', () => {
    const spans = Array.from({ length: 40 }, (_, i) => newSpan({
      traceId: TID, spanId: (i + 1).toString(16).padStart(16, '0'), name: 'x'.repeat(200), startTimeUnixNano: 1n, endTimeUnixNano: 2n,
    }));
    const data: Telemetry = {
      traces: [
        { resource: { attributes: { r: 'one' } }, scopeSpans: [{ scope: { name: 'a' }, spans: spans.slice(0, 15) }, { scope: { name: 'b' }, spans: spans.slice(15, 25) }] },
        { resource: { attributes: { r: 'two' } }, scopeSpans: [{ scope: { name: 'c' }, spans: spans.slice(25) }] },
      ],
    };
    const notes: number[] = [];
    const out = encodeWith(exporter, data, { timeout_ms: 1000, compression: 'none', max_request_bytes: 2000 }, (_e, n) => notes.push(n));
    expect(out.length).toBeGreaterThan(4);
    expect(notes.length).toBeGreaterThan(0);
    for (const r of out) expect((r.body as Uint8Array).length).toBeLessThanOrEqual(2000);
    expect(out.reduce((n, r) => n + r.items, 0)).toBe(40);
    // Every span arrives once, under its own resource and scope.
    const seen = out.flatMap((r) => decodeTracesProto(r.body as Uint8Array, limits).telemetry.traces!.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => `${String(rs.resource.attributes.r)}/${ss.scope.name}/${sp.spanId}`))));
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    expect(seen.filter((x) => x.startsWith('two/c/'))).toHaveLength(15);
    // One span alone over the limit is still sent (the receiver decides), never dropped.
    const one = encodeWith(exporter, tracesOf([spans[0]!]), { timeout_ms: 1000, max_request_bytes: 10 });
    expect(one).toHaveLength(1);
    const points = Array.from({ length: 50 }, (_, i) => ({ attributes: { i: BigInt(i) }, timeUnixNano: 1n, value: i }));
    const metrics: Telemetry = { metrics: [{ resource: { attributes: {} }, scopeMetrics: [{ scope: { name: '' }, metrics: [{ name: 'g', data: { type: 'gauge', dataPoints: points } }] }] }] };
    const m = encodeWith(exporter, metrics, { timeout_ms: 1000, max_request_bytes: 10 });
    expect(m.map((r) => r.items)).toEqual([50]);
  });

  it('validates its config keys', async () => {
    const { z } = await import('zod');
    const schema = z.object(exporter.configSchema!);
    expect(schema.parse({})).toEqual({ encoding: 'proto', compression: 'gzip', max_request_bytes: 16 * 1024 * 1024 });
    expect(schema.safeParse({ encoding: 'xml' }).success).toBe(false);
  });

  const sent: OutboundRequest = { path: '/v1/traces', contentType: 'application/x-protobuf', body: new Uint8Array(), items: 3 };
  const interpret = (status: number, headers: Record<string, string> = {}, body = Buffer.alloc(0)) => answerOf(exporter, status, headers, body, sent);

  it('retries only 429, 502, 503 and 504, honouring Retry-After', () => {
    expect(interpret(429, { 'retry-after': '7' })).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 7000 });
    for (const s of [502, 503, 504]) expect(interpret(s)).toMatchObject({ kind: 'retry', status: s });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const r = interpret(503, { 'Retry-After': date }) as { retryAfterMs: number };
    expect(r.retryAfterMs).toBeGreaterThan(50_000);
    for (const s of [400, 401, 403, 404, 413, 415, 500, 501]) expect(interpret(s)).toMatchObject({ kind: 'reject', status: s });
  });

  it('reports the google.rpc.Status message of a rejection', () => {
    const body = Buffer.from(otlpTypes().status.encode({ code: 3, message: 'bad span' }).finish());
    expect(interpret(400, { 'content-type': 'application/x-protobuf' }, body)).toMatchObject({ kind: 'reject', reason: 'HTTP 400: bad span' });
    expect(interpret(400, { 'content-type': 'application/json' }, Buffer.from('{"code":3,"message":"bad json"}'))).toMatchObject({ reason: 'HTTP 400: bad json' });
  });

  it('treats 2xx with partial_success as delivered-but-partly-refused, not retried, with the rejected count', () => {
    expect(interpret(200)).toEqual({ kind: 'ok' });
    const pb = Buffer.from(otlpTypes().traceResponse.encode({ partialSuccess: { rejectedSpans: 2, errorMessage: 'two bad' } }).finish());
    expect(interpret(200, { 'content-type': 'application/x-protobuf' }, pb)).toEqual({ kind: 'partial', rejected: { count: 2, message: 'two bad' } });
    const js = Buffer.from(JSON.stringify({ partialSuccess: { rejectedLogRecords: '4', errorMessage: 'four' } }));
    expect(interpret(200, { 'content-type': 'application/json' }, js)).toEqual({ kind: 'partial', rejected: { count: 4, message: 'four' } });
    const zero = Buffer.from(JSON.stringify({ partialSuccess: { rejectedSpans: 0, errorMessage: 'warning only' } }));
    expect(interpret(200, { 'content-type': 'application/json' }, zero)).toEqual({ kind: 'ok' });
  });
});
