/**
 * Every receiver route the fuzz tests hit, with a valid seed body (the conformance fixtures' own,
 * plus OTLP metrics/logs and remote-write 2.0 built here) and a checker for the format's error shape.
 */
import snappy from 'snappyjs';
import { foglampFixture } from '../formats/foglamp.fixture.js';
import { infrasageFixture } from '../formats/infrasage.fixture.js';
import { keywordsaiFixture } from '../formats/keywordsai.fixture.js';
import { neatlogsFixture } from '../formats/neatlogs.fixture.js';
import { netraFixture } from '../formats/netra.fixture.js';
import { otlpFixture } from '../formats/otlp.fixture.js';
import { prometheusFixture } from '../formats/prometheus.fixture.js';
import { v2RequestBody, V2_CT } from '../formats/prometheus-helpers.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { otlpTypes } from '../../src/formats/otlp/proto-loader.js';

export const KEY = 'fuzz-key-0b5e7d';

export type Kind = 'json' | 'ndjson' | 'otlp-proto' | 'prom';

export interface Target {
  name: string;
  receiver: string;
  path: string;
  contentType: string;
  kind: Kind;
  auth: Record<string, string>;
  successStatuses: number[];
  /** A fresh valid body as sent on the wire (remote-write: snappy-compressed). */
  valid(): Buffer;
  /** JSON kinds: the parsed document (ndjson: the array of line objects). */
  doc?(): unknown;
  /** JSON kinds: the document back to a body. */
  encode?(doc: unknown, stringify: (d: unknown) => string): Buffer;
  /** Protobuf kinds: the uncompressed message. */
  message?(): Uint8Array;
  /** Protobuf kinds: the message to a body (remote-write compresses it). */
  wrap?(msg: Uint8Array): Buffer;
  /** Throws when a reply body is not the format's shape for `status`. */
  checkReply(status: number, contentType: string, body: Buffer, requestMediaType: string): void;
}

function fail(msg: string): never {
  throw new Error(msg);
}

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    fail(`${what}: reply body is not JSON (${(e as Error).message}): ${body.subarray(0, 200).toString('utf8')}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what}: reply body is not a JSON object: ${body.subarray(0, 200).toString('utf8')}`);
  return v as Record<string, unknown>;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

// ------------------------------------------------------------------ OTLP seeds

const T0 = '1717555200000000000';
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] };

const OTLP_METRICS_JSON = JSON.stringify({
  resourceMetrics: [{
    resource,
    scopeMetrics: [{
      scope: { name: 'fuzz', version: '1' },
      metrics: [
        { name: 'gen_ai.client.token.usage', unit: '{token}', gauge: { dataPoints: [{ timeUnixNano: T0, asInt: '42', attributes: [{ key: 'a', value: { intValue: '1' } }] }] } },
        { name: 'requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ startTimeUnixNano: T0, timeUnixNano: T0, asDouble: 3.5 }] } },
        {
          name: 'latency', histogram: {
            aggregationTemporality: 2,
            dataPoints: [{ startTimeUnixNano: T0, timeUnixNano: T0, count: '3', sum: 1.5, bucketCounts: ['1', '2', '0'], explicitBounds: [0.1, 1], min: 0.05, max: 0.9 }],
          },
        },
        {
          name: 'exp', exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [{ timeUnixNano: T0, count: '2', scale: 3, zeroCount: '0', positive: { offset: 1, bucketCounts: ['1', '1'] } }],
          },
        },
        { name: 'summ', summary: { dataPoints: [{ timeUnixNano: T0, count: '4', sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }] }] } },
      ],
    }],
  }],
});

const OTLP_LOGS_JSON = JSON.stringify({
  resourceLogs: [{
    resource,
    scopeLogs: [{
      scope: { name: 'fuzz' },
      logRecords: [
        { timeUnixNano: T0, severityNumber: 9, severityText: 'INFO', body: { stringValue: 'hello' }, attributes: [{ key: 'k', value: { boolValue: true } }] },
        {
          observedTimeUnixNano: T0, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174',
          body: { kvlistValue: { values: [{ key: 'event', value: { arrayValue: { values: [{ doubleValue: 1.5 }, { bytesValue: 'AQID' }] } } }] } },
        },
      ],
    }],
  }],
});

const OTLP_TRACES_JSON = otlpFixture.validBody as string;

const lim = DEFAULT_DECODE_LIMITS;
const OTLP_PROTO = {
  traces: encodeTracesProto(decodeTracesJson(Buffer.from(OTLP_TRACES_JSON), lim).telemetry.traces!),
  metrics: encodeMetricsProto(decodeMetricsJson(Buffer.from(OTLP_METRICS_JSON), lim).telemetry.metrics!),
  logs: encodeLogsProto(decodeLogsJson(Buffer.from(OTLP_LOGS_JSON), lim).telemetry.logs!),
};

function checkOtlp(status: number, contentType: string, body: Buffer, mediaType: string) {
  const proto = mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf';
  if (proto) {
    if (!contentType.startsWith('application/x-protobuf')) fail(`otlp: protobuf request answered with content-type ${contentType}`);
    const t = otlpTypes();
    if (status >= 400) {
      const s = t.status.decode(body) as unknown as { code: number; message: string };
      if (!(s.code > 0) || !isStr(s.message)) fail(`otlp: error body is not a google.rpc.Status: ${JSON.stringify(s)}`);
    } else {
      t.traceResponse.decode(body);
    }
    return;
  }
  const o = parseJson(body, 'otlp');
  if (status >= 400 && (typeof o.code !== 'number' || !isStr(o.message))) fail(`otlp: error body is not {code, message}: ${JSON.stringify(o).slice(0, 200)}`);
}

function otlpJson(signal: 'traces' | 'metrics' | 'logs', body: string): Target {
  return {
    name: `otlp ${signal} json`, receiver: 'otlp', path: `/v1/${signal}`, contentType: 'application/json', kind: 'json',
    auth: { authorization: `Bearer ${KEY}` }, successStatuses: [200],
    valid: () => Buffer.from(body),
    doc: () => JSON.parse(body),
    encode: (d, s) => Buffer.from(s(d)),
    checkReply: checkOtlp,
  };
}

function otlpProto(signal: 'traces' | 'metrics' | 'logs'): Target {
  return {
    name: `otlp ${signal} protobuf`, receiver: 'otlp', path: `/v1/${signal}`, contentType: 'application/x-protobuf', kind: 'otlp-proto',
    auth: { authorization: `Bearer ${KEY}` }, successStatuses: [200],
    valid: () => Buffer.from(OTLP_PROTO[signal]),
    message: () => OTLP_PROTO[signal],
    wrap: (m) => Buffer.from(m),
    checkReply: checkOtlp,
  };
}

// ------------------------------------------------------------------ remote-write

const PROM_V1 = snappy.uncompress(new Uint8Array(prometheusFixture.validBody as Buffer)) as Uint8Array;
const PROM_V2 = snappy.uncompress(new Uint8Array(v2RequestBody([
  { labels: { __name__: 'up', job: 'node' }, samples: [[1, 1_717_000_000_000]], metadata: { type: 1, help: 'up', unit: '' } },
  { labels: { __name__: 'temp_celsius', job: 'node', room: 'a' }, samples: [[21.5, 1_717_000_000_000], [22, 1_717_000_015_000]], created: 1_716_000_000_000 },
]))) as Uint8Array;

function checkProm(status: number, contentType: string, body: Buffer) {
  if (status === 204) return;
  if (!contentType.startsWith('text/plain')) fail(`remote-write: ${status} answered with content-type ${contentType}`);
  if (!body.toString('utf8').trim()) fail('remote-write: empty error body');
}

function prom(version: 1 | 2): Target {
  const msg = version === 1 ? PROM_V1 : PROM_V2;
  return {
    name: `remote-write ${version}.0`, receiver: 'prometheus_remote_write', path: version === 1 ? '/api/v1/write' : '/api/v1/prometheus/write',
    contentType: version === 1 ? 'application/x-protobuf' : V2_CT, kind: 'prom',
    auth: { authorization: `Bearer ${KEY}`, 'content-encoding': 'snappy' }, successStatuses: [204],
    valid: () => Buffer.from(snappy.compress(msg)),
    message: () => msg,
    wrap: (m) => Buffer.from(snappy.compress(new Uint8Array(m.buffer, m.byteOffset, m.byteLength))),
    checkReply: (s, ct, b) => checkProm(s, ct, b),
  };
}

// ------------------------------------------------------------------ vendors

function jsonTarget(t: Omit<Target, 'kind' | 'doc' | 'encode' | 'valid'> & { body: () => string }): Target {
  return { ...t, kind: 'json', valid: () => Buffer.from(t.body()), doc: () => JSON.parse(t.body()), encode: (d, s) => Buffer.from(s(d)) };
}

const str = (b: string | Buffer) => (typeof b === 'string' ? b : b.toString('utf8'));

export const TARGETS: Target[] = [
  otlpJson('traces', OTLP_TRACES_JSON),
  otlpJson('metrics', OTLP_METRICS_JSON),
  otlpJson('logs', OTLP_LOGS_JSON),
  otlpProto('traces'),
  otlpProto('metrics'),
  otlpProto('logs'),
  prom(1),
  prom(2),
  {
    name: 'netra', receiver: 'netra', path: netraFixture.path, contentType: netraFixture.contentType, kind: 'ndjson',
    auth: netraFixture.authHeaders!(KEY), successStatuses: [202],
    valid: () => Buffer.from(str(netraFixture.validBody)),
    doc: () => str(netraFixture.validBody).trim().split('\n').map((l) => JSON.parse(l)),
    encode: (d, s) => Buffer.from(Array.isArray(d) ? d.map((x) => s(x)).join('\n') + '\n' : s(d)),
    checkReply(status, _ct, body) {
      const o = parseJson(body, 'netra');
      const e = o.error as Record<string, unknown> | undefined;
      if (status >= 400 && (!e || !isStr(e.code) || !isStr(e.message))) fail(`netra: error body is not {error:{code,message}}: ${JSON.stringify(o).slice(0, 200)}`);
      if (status < 400 && o.status !== 'accepted') fail(`netra: success body ${JSON.stringify(o).slice(0, 200)}`);
    },
  },
  jsonTarget({
    name: 'neatlogs', receiver: 'neatlogs', path: neatlogsFixture.path, contentType: neatlogsFixture.contentType,
    auth: neatlogsFixture.authHeaders!(KEY), successStatuses: [202], body: () => str(neatlogsFixture.validBody),
    checkReply(status, _ct, body) {
      const o = parseJson(body, 'neatlogs');
      if (status >= 400 && !isStr(o.error)) fail(`neatlogs: error body is not {error}: ${JSON.stringify(o).slice(0, 200)}`);
      if (status < 400 && (o.status !== 'accepted' || !isStr(o.batch_id))) fail(`neatlogs: success body ${JSON.stringify(o).slice(0, 200)}`);
    },
  }),
  jsonTarget({
    name: 'foglamp', receiver: 'foglamp', path: foglampFixture.path, contentType: foglampFixture.contentType,
    auth: foglampFixture.authHeaders!(KEY), successStatuses: [200], body: () => str(foglampFixture.validBody),
    checkReply(status, _ct, body) {
      const o = parseJson(body, 'foglamp');
      if (status >= 400 && (!isStr(o.error) || !isStr(o.code))) fail(`foglamp: error body is not {error, code}: ${JSON.stringify(o).slice(0, 200)}`);
      if (status < 400 && typeof o.accepted !== 'number') fail(`foglamp: success body ${JSON.stringify(o).slice(0, 200)}`);
    },
  }),
  jsonTarget({
    name: 'keywordsai', receiver: 'keywordsai', path: keywordsaiFixture.path, contentType: keywordsaiFixture.contentType,
    auth: keywordsaiFixture.authHeaders!(KEY), successStatuses: [200], body: () => str(keywordsaiFixture.validBody),
    checkReply(status, _ct, body) {
      const o = parseJson(body, 'keywordsai');
      if (status >= 400 && (o.success !== false || !isStr(o.error))) fail(`keywordsai: error body is not {success:false, error}: ${JSON.stringify(o).slice(0, 200)}`);
      if (status < 400 && (o.success !== true || typeof o.ingested_count !== 'number')) fail(`keywordsai: success body ${JSON.stringify(o).slice(0, 200)}`);
    },
  }),
  ...(['single', 'batch'] as const).map((mode) => jsonTarget({
    name: `infrasage ${mode}`, receiver: 'infrasage', path: mode === 'single' ? '/api/v1/telemetry' : '/api/v1/telemetry/batch',
    contentType: 'application/json', auth: infrasageFixture.authHeaders!(KEY), successStatuses: [200],
    body: () => {
      const rec = str(infrasageFixture.validBody);
      if (mode === 'single') return rec;
      const log = { ...JSON.parse(rec), type: 'log', body: 'disk full' };
      delete log.metric_name;
      delete log.value;
      return JSON.stringify([JSON.parse(rec), log]);
    },
    checkReply(status, _ct, body) {
      const o = parseJson(body, 'infrasage');
      if (status >= 400 && (o.status !== 'error' || !isStr(o.error) || !isStr(o.message))) fail(`infrasage: error body is not {status:"error", error, message}: ${JSON.stringify(o).slice(0, 200)}`);
      if (status < 400 && (o.status !== 'ok' || typeof o.queued !== 'number')) fail(`infrasage: success body ${JSON.stringify(o).slice(0, 200)}`);
    },
  })),
];
