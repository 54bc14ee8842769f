import type { ConformanceFixture } from '../conformance/fixture.js';
import { NETRA_DOC_EXAMPLE } from './netra.examples.js';

const missing = JSON.parse(NETRA_DOC_EXAMPLE);
delete missing.request.model;
const wrongType = JSON.parse(NETRA_DOC_EXAMPLE);
wrongType.response.usage = 'a thousand tokens';

export const netraFixture: ConformanceFixture = {
  type: 'netra',
  path: '/v1/bulk',
  contentType: 'application/x-ndjson',
  validBody: NETRA_DOC_EXAMPLE + '\n',
  expectedItems: 1,
  // The Bulk Ingest example: trace_context ids and span name, model, usage tokens.
  expectedContent: [{
    signal: 'span', trace_id: 'trace-xyz-123', span_id: 'span-abc-456', name: 'SummarizeArticle',
    attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 850, 'gen_ai.usage.output_tokens': 150 },
  }],
  successStatus: 202,
  missingField: { body: JSON.stringify(missing) + '\n', field: 'request.model' },
  wrongType: { body: JSON.stringify(wrongType) + '\n', field: 'response.usage' },
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  backpressureStatuses: [429, 503],
};
