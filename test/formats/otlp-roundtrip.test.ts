import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from '../../src/formats/otlp/decode-json.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../src/formats/otlp/encode-json.js';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { logsArb, metricsArb, tracesArb } from './otlp-arbitraries.js';

const limits = { ...DEFAULT_DECODE_LIMITS, maxItems: 1_000_000 };
const runs = { numRuns: 300 };
const json = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('OTLP protobuf round trip: decode(encode(x)) deep-equals x', () => {
  it('traces', () => {
    fc.assert(fc.property(tracesArb, (rs) => {
      expect(decodeTracesProto(encodeTracesProto(rs), limits).telemetry.traces).toEqual(rs);
    }), runs);
  });
  it('metrics', () => {
    fc.assert(fc.property(metricsArb, (rm) => {
      expect(decodeMetricsProto(encodeMetricsProto(rm), limits).telemetry.metrics).toEqual(rm);
    }), runs);
  });
  it('logs', () => {
    fc.assert(fc.property(logsArb, (rl) => {
      expect(decodeLogsProto(encodeLogsProto(rl), limits).telemetry.logs).toEqual(rl);
    }), runs);
  });
});

describe('OTLP/JSON round trip: decode(encode(x)) deep-equals x', () => {
  it('traces', () => {
    fc.assert(fc.property(tracesArb, (rs) => {
      expect(decodeTracesJson(json(encodeTracesJson(rs)), limits).telemetry.traces).toEqual(rs);
    }), runs);
  });
  it('metrics', () => {
    fc.assert(fc.property(metricsArb, (rm) => {
      expect(decodeMetricsJson(json(encodeMetricsJson(rm)), limits).telemetry.metrics).toEqual(rm);
    }), runs);
  });
  it('logs', () => {
    fc.assert(fc.property(logsArb, (rl) => {
      expect(decodeLogsJson(json(encodeLogsJson(rl)), limits).telemetry.logs).toEqual(rl);
    }), runs);
  });
});

describe('protobuf and JSON agree', () => {
  it('the same model encodes to the same data in both encodings', () => {
    fc.assert(fc.property(tracesArb, (rs) => {
      const viaProto = decodeTracesProto(encodeTracesProto(rs), limits).telemetry;
      const viaJson = decodeTracesJson(json(encodeTracesJson(rs)), limits).telemetry;
      expect(viaJson).toEqual(viaProto);
    }), { numRuns: 100 });
  });
});
