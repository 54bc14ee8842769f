import type { ConformanceFixture } from '../conformance/fixture.js';
import { NEATLOGS_CURL } from './neatlogs.examples.js';

const missing = structuredClone(NEATLOGS_CURL) as any;
delete missing.spans[1].span_id;
const wrongType = structuredClone(NEATLOGS_CURL) as any;
wrongType.spans[0].start_time = '2024-06-05T02:40:10Z';

export const neatlogsFixture: ConformanceFixture = {
  type: 'neatlogs',
  path: '/api/v1/traces/v4/batch',
  contentType: 'application/json',
  validBody: JSON.stringify(NEATLOGS_CURL),
  expectedItems: 2,
  // The cURL example's two spans; times are epoch ms in the document.
  expectedContent: [
    { signal: 'span', span_id: 'sp-root-001', name: 'handle_customer_request', start_time_unix_nano: '1717555210000000000', end_time_unix_nano: '1717555235000000000', attributes: { 'openinference.span.kind': 'WORKFLOW', 'gen_ai.workflow.name': 'customer-support-agent' } },
    { signal: 'span', span_id: 'sp-llm-001', parent_span_id: 'sp-root-001', name: 'call_llm', start_time_unix_nano: '1717555212000000000', end_time_unix_nano: '1717555225000000000', attributes: { 'openinference.span.kind': 'LLM' } },
  ],
  successStatus: 202,
  missingField: { body: JSON.stringify(missing), field: 'spans[1].span_id' },
  wrongType: { body: JSON.stringify(wrongType), field: 'spans[0].start_time' },
  authHeaders: (key) => ({ 'x-api-key': key }),
  backpressureStatuses: [429, 503],
};
