import type { Attributes as OtelAttributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { expect } from 'vitest';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import type { Telemetry } from '../../src/model/index.js';
import type { CaptureServer } from './capture-server.js';
import { oracleDecodeProto, oracleReadJson, type Signal } from './otlp-oracle.js';

/** Keeps a copy of what the SDK exports (the very objects its OTLP exporter serialises). */
export function tee<T>(inner: { export(items: T, cb: (r: ExportResult) => void): void; shutdown(): Promise<void>; forceFlush?(): Promise<void> }, copies: T[], results: ExportResult[] = []) {
  return {
    export(items: T, cb: (r: ExportResult) => void) {
      copies.push(items);
      inner.export(items, (r) => {
        results.push(r);
        cb(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** What the capture server received on an OTLP path, decoded by the project's decoders. */
export function decodeArrived(cap: CaptureServer, path: string): Telemetry[] {
  return cap.requests.filter((r) => r.path === path).map((r) => {
    const json = String(r.headers['content-type']).includes('json');
    const fn = {
      '/v1/traces': json ? decodeTracesJson : decodeTracesProto,
      '/v1/metrics': json ? decodeMetricsJson : decodeMetricsProto,
      '/v1/logs': json ? decodeLogsJson : decodeLogsProto,
    }[path]!;
    const res = fn(r.body, DEFAULT_DECODE_LIMITS);
    expect(res.rejected).toEqual([]);
    return res.telemetry;
  });
}

/**
 * Every request the capture server accepted on `/v1/<signal>`, read by the independent oracle
 * (protobufjs reflection over the .proto files, or the strict OTLP/JSON reader), never by the
 * product's own decoders.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function arrivedByOracle(cap: CaptureServer, signal: Signal): Record<string, any>[] {
  return cap.accepted().filter((r) => r.path === `/v1/${signal}`).map((r) =>
    String(r.headers['content-type']).includes('json') ? oracleReadJson(signal, r.body) : oracleDecodeProto(signal, r.body));
}

/** Every attribute type OTLP has, including the edge values. */
export const RICH_ATTRS: OtelAttributes = {
  'str': 'hello ✓',
  'empty.str': '',
  'int': 42,
  'neg.int': -7,
  'big.int': 9007199254740991,
  'double': 3.25,
  'bool.t': true,
  'bool.f': false,
  'arr.str': ['a', 'b'],
  'arr.int': [1, 2, 3],
  'arr.double': [1.5, 2.5],
  'arr.bool': [true, false],
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1200,
};
