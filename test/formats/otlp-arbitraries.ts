/**
 * fast-check arbitraries for the semantic model in the canonical form the OTLP decoders produce
 * (defaults absent, ids lowercase hex), so that decode(encode(x)) must deep-equal x.
 */
import fc from 'fast-check';
import {
  KeyValueList, type AnyValue, type Attributes, type Exemplar, type ExponentialHistogramDataPoint, type HistogramDataPoint,
  type InstrumentationScope, type LogRecord, type Metric, type NumberDataPoint, type Resource, type ResourceLogs, type ResourceMetrics,
  type ResourceSpans, type Span, type SpanEvent, type SpanLink, type SummaryDataPoint,
} from '../../src/model/index.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nonZero = (b: Uint8Array): boolean => b.some((x) => x !== 0);
export const traceIdArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).filter(nonZero).map(toHex);
export const spanIdArb = fc.uint8Array({ minLength: 8, maxLength: 8 }).filter(nonZero).map(toHex);

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const u32pos = fc.integer({ min: 1, max: 0xffffffff });
const count = fc.integer({ min: 1, max: 1_000_000 });
const text = fc.string({ maxLength: 12 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 12 });
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** Builds attributes with defineProperty for `__proto__`, as the decoders do. */
function attrsFrom(entries: [string, AnyValue][]): Attributes {
  const out: Attributes = {};
  for (const [k, v] of entries) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

const { anyValue } = fc.letrec<{ anyValue: AnyValue; kv: KeyValueList }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.boolean(),
    i64,
    fc.double(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('anyValue'), { maxLength: 3 }),
    tie('kv'),
  ) as fc.Arbitrary<AnyValue>,
  kv: fc.array(fc.tuple(text, tie('anyValue')), { maxLength: 3 }).map((e) => new KeyValueList(attrsFrom(e as [string, AnyValue][]))),
}));
export const anyValueArb = anyValue;

export const attrsArb: fc.Arbitrary<Attributes> = fc
  .array(fc.tuple(fc.oneof(text, fc.constantFrom('gen_ai.usage.input_tokens', '__proto__', 'constructor')), anyValue), { maxLength: 4 })
  .map((e) => attrsFrom(e as [string, AnyValue][]));
const nonEmptyAttrs = attrsArb.filter((a) => Object.keys(a).length > 0);

export const resourceArb: fc.Arbitrary<Resource> = fc.record({ attributes: attrsArb, droppedAttributesCount: opt(u32pos) });
export const scopeArb: fc.Arbitrary<InstrumentationScope> = fc.record({
  name: text, version: opt(nonEmpty), attributes: opt(nonEmptyAttrs), droppedAttributesCount: opt(u32pos),
});

const eventArb: fc.Arbitrary<SpanEvent> = fc.record({ timeUnixNano: u64, name: text, attributes: attrsArb, droppedAttributesCount: opt(u32pos) });
const linkArb: fc.Arbitrary<SpanLink> = fc.record({
  traceId: traceIdArb, spanId: spanIdArb, traceState: opt(nonEmpty), attributes: attrsArb, droppedAttributesCount: opt(u32pos), flags: opt(u32pos),
});

export const spanArb: fc.Arbitrary<Span> = fc.record({
  traceId: traceIdArb,
  spanId: spanIdArb,
  parentSpanId: opt(spanIdArb),
  traceState: opt(nonEmpty),
  flags: opt(u32pos),
  name: text,
  kind: fc.constantFrom(0, 1, 2, 3, 4, 5) as fc.Arbitrary<Span['kind']>,
  startTimeUnixNano: u64,
  endTimeUnixNano: u64,
  attributes: attrsArb,
  droppedAttributesCount: opt(u32pos),
  events: fc.array(eventArb, { maxLength: 2 }),
  droppedEventsCount: opt(u32pos),
  links: fc.array(linkArb, { maxLength: 2 }),
  droppedLinksCount: opt(u32pos),
  status: fc.record({ code: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, message: opt(nonEmpty) }),
});

export const tracesArb: fc.Arbitrary<ResourceSpans[]> = fc.array(
  fc.record({
    resource: resourceArb,
    schemaUrl: opt(nonEmpty),
    scopeSpans: fc.array(fc.record({ scope: scopeArb, schemaUrl: opt(nonEmpty), spans: fc.array(spanArb, { maxLength: 3 }) }), { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 2 },
);

// ---- metrics ----

const exemplarArb: fc.Arbitrary<Exemplar> = fc.record({
  timeUnixNano: u64, value: fc.oneof(i64, fc.double()), spanId: opt(spanIdArb), traceId: opt(traceIdArb), filteredAttributes: attrsArb,
});

const pointBase = {
  attributes: attrsArb,
  startTimeUnixNano: opt(u64.filter((x) => x !== 0n)),
  timeUnixNano: u64,
};

const numberPointArb: fc.Arbitrary<NumberDataPoint> = fc
  .record({ ...pointBase, value: fc.oneof(i64, fc.double()), exemplars: opt(fc.array(exemplarArb, { minLength: 1, maxLength: 2 })), flags: opt(u32pos) })
  .map((p) => ((p.flags ?? 0) & 1 ? { ...p, stale: true } : p));

const histPointArb: fc.Arbitrary<HistogramDataPoint> = fc.record({
  ...pointBase,
  count: fc.nat(),
  sum: opt(fc.double()),
  bucketCounts: fc.array(fc.nat(), { maxLength: 4 }),
  explicitBounds: fc.array(fc.double(), { maxLength: 3 }),
  min: opt(fc.double()),
  max: opt(fc.double()),
  exemplars: opt(fc.array(exemplarArb, { minLength: 1, maxLength: 2 })),
  flags: opt(u32pos),
});

const bucketsArb = fc.record({ offset: fc.integer({ min: -1000, max: 1000 }), bucketCounts: fc.array(fc.nat(), { maxLength: 4 }) });
const expPointArb: fc.Arbitrary<ExponentialHistogramDataPoint> = fc.record({
  ...pointBase,
  count: fc.nat(),
  sum: opt(fc.double()),
  scale: fc.integer({ min: -10, max: 20 }),
  zeroCount: fc.nat(),
  positive: opt(bucketsArb),
  negative: opt(bucketsArb),
  min: opt(fc.double()),
  max: opt(fc.double()),
  zeroThreshold: opt(fc.double().filter((x) => x !== 0)),
  exemplars: opt(fc.array(exemplarArb, { minLength: 1, maxLength: 2 })),
  flags: opt(u32pos),
});

const summaryPointArb: fc.Arbitrary<SummaryDataPoint> = fc.record({
  ...pointBase,
  count: fc.nat(),
  sum: fc.double(),
  quantileValues: fc.array(fc.record({ quantile: fc.double(), value: fc.double() }), { maxLength: 3 }),
  flags: opt(u32pos),
});

const temporality = fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>;
export const metricArb: fc.Arbitrary<Metric> = fc.record({
  name: text,
  description: opt(nonEmpty),
  unit: opt(nonEmpty),
  metadata: opt(nonEmptyAttrs),
  data: fc.oneof(
    fc.record({ type: fc.constant('gauge' as const), dataPoints: fc.array(numberPointArb, { maxLength: 2 }) }),
    fc.record({ type: fc.constant('sum' as const), dataPoints: fc.array(numberPointArb, { maxLength: 2 }), aggregationTemporality: temporality, isMonotonic: fc.boolean() }),
    fc.record({ type: fc.constant('histogram' as const), dataPoints: fc.array(histPointArb, { maxLength: 2 }), aggregationTemporality: temporality }),
    fc.record({ type: fc.constant('exponentialHistogram' as const), dataPoints: fc.array(expPointArb, { maxLength: 2 }), aggregationTemporality: temporality }),
    fc.record({ type: fc.constant('summary' as const), dataPoints: fc.array(summaryPointArb, { maxLength: 2 }) }),
  ),
});

export const metricsArb: fc.Arbitrary<ResourceMetrics[]> = fc.array(
  fc.record({
    resource: resourceArb,
    schemaUrl: opt(nonEmpty),
    scopeMetrics: fc.array(fc.record({ scope: scopeArb, schemaUrl: opt(nonEmpty), metrics: fc.array(metricArb, { maxLength: 3 }) }), { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 2 },
);

// ---- logs ----

export const logArb: fc.Arbitrary<LogRecord> = fc.record({
  timeUnixNano: u64,
  observedTimeUnixNano: opt(u64.filter((x) => x !== 0n)),
  severityNumber: opt(fc.integer({ min: 1, max: 24 })),
  severityText: opt(nonEmpty),
  body: opt(anyValue),
  attributes: attrsArb,
  droppedAttributesCount: opt(u32pos),
  flags: opt(u32pos),
  traceId: opt(traceIdArb),
  spanId: opt(spanIdArb),
  eventName: opt(nonEmpty),
});

export const logsArb: fc.Arbitrary<ResourceLogs[]> = fc.array(
  fc.record({
    resource: resourceArb,
    schemaUrl: opt(nonEmpty),
    scopeLogs: fc.array(fc.record({ scope: scopeArb, schemaUrl: opt(nonEmpty), logRecords: fc.array(logArb, { maxLength: 3 }) }), { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 2 },
);
