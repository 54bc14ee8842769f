import type { ConformanceFixture } from '../conformance/fixture.js';

/**
 * OTLP/JSON traces requests for the shared conformance suite, in the shape the OpenTelemetry
 * SDKs send (hex ids, nanosecond times as strings, enums as integers):
 * - validBody: one resource, one scope, a GenAI chat span and its child tool span → 2 spans;
 * - missingField: a span without `spanId` (the request has no valid span left: 400 naming it);
 * - wrongType: `startTimeUnixNano` as a boolean (400 naming it).
 * OTLP has no auth of its own; when keys are configured, clients send a bearer token.
 * Back-pressure is 429 or 503, both retried by OTLP exporters (with Retry-After).
 */
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

function request(spans: Record<string, unknown>[]): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout-agent' } }] },
      scopeSpans: [{ scope: { name: 'my.genai.instrumentation', version: '1.2.0' }, spans }],
    }],
  });
}

const chatSpan = {
  traceId: TRACE_ID,
  spanId: 'eee19b7ec3c1b174',
  name: 'chat gpt-4o',
  kind: 3,
  startTimeUnixNano: '1717555200000000123',
  endTimeUnixNano: '1717555201500000456',
  attributes: [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '1200' } },
    { key: 'gen_ai.usage.output_tokens', value: { intValue: 85 } },
    { key: 'gen_ai.request.temperature', value: { doubleValue: 0.2 } },
  ],
  status: { code: 1 },
};

const toolSpan = {
  traceId: TRACE_ID,
  spanId: '9a3f1c2b4d5e6f70',
  parentSpanId: 'eee19b7ec3c1b174',
  name: 'execute_tool get_weather',
  kind: 1,
  startTimeUnixNano: '1717555201000000000',
  endTimeUnixNano: '1717555201200000000',
  attributes: [{ key: 'gen_ai.tool.name', value: { stringValue: 'get_weather' } }],
  status: {},
};

const { spanId: _dropped, ...withoutSpanId } = toolSpan;

export const otlpFixture: ConformanceFixture = {
  type: 'otlp',
  path: '/v1/traces',
  contentType: 'application/json',
  validBody: request([chatSpan, toolSpan]),
  expectedItems: 2,
  expectedContent: [
    {
      signal: 'span', trace_id: TRACE_ID, span_id: 'eee19b7ec3c1b174', name: 'chat gpt-4o', kind: 3,
      start_time_unix_nano: '1717555200000000123', end_time_unix_nano: '1717555201500000456', status: { code: 1 },
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 85, 'gen_ai.request.temperature': 0.2 },
    },
    {
      signal: 'span', trace_id: TRACE_ID, span_id: '9a3f1c2b4d5e6f70', parent_span_id: 'eee19b7ec3c1b174', name: 'execute_tool get_weather', kind: 1,
      start_time_unix_nano: '1717555201000000000', end_time_unix_nano: '1717555201200000000', attributes: { 'gen_ai.tool.name': 'get_weather' },
    },
  ],
  successStatus: 200,
  missingField: { body: request([withoutSpanId]), field: 'spanId' },
  wrongType: { body: request([{ ...chatSpan, startTimeUnixNano: true }]), field: 'startTimeUnixNano' },
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  backpressureStatuses: [429, 503],
};
