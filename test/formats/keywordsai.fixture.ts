import type { ConformanceFixture } from '../conformance/fixture.js';

/** The request body on KeywordsAI's "Ingest traces" page, verbatim. */
export const KEYWORDSAI_DOC_EXAMPLE = [
  {
    id: 'log_id_123',
    log_type: 'chat',
    trace_unique_id: 'trace_abc123',
    span_unique_id: 'span_xyz789',
    span_name: 'llm_call',
    span_parent_id: null,
    span_workflow_name: 'customer_support',
    input: '[{"role":"user","content":"Hello"}]',
    output: '{"role":"assistant","content":"Hi! How can I help?"}',
    model: 'gpt-4o-mini',
    usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 },
    timestamp: '2024-01-15T10:30:00Z',
    start_time: '2024-01-15T10:29:50Z',
    latency: 1.2,
    status: 'success',
  },
];

/** The `logs` list of the page's Python example (no span_parent_id, no status). */
export const KEYWORDSAI_PYTHON_EXAMPLE = [
  {
    id: 'log_id_123',
    log_type: 'chat',
    trace_unique_id: 'trace_abc123',
    span_unique_id: 'span_xyz789',
    span_name: 'llm_call',
    span_workflow_name: 'customer_support',
    input: '[{"role":"user","content":"Hello"}]',
    output: '{"role":"assistant","content":"Hi! How can I help?"}',
    model: 'gpt-4o-mini',
    usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 },
    timestamp: '2024-01-15T10:30:00Z',
    start_time: '2024-01-15T10:29:50Z',
    latency: 1.2,
  },
];

function withLog(patch: (log: Record<string, unknown>) => void): string {
  const doc = structuredClone(KEYWORDSAI_DOC_EXAMPLE) as Record<string, unknown>[];
  patch(doc[0]!);
  return JSON.stringify(doc);
}

export const keywordsaiFixture: ConformanceFixture = {
  type: 'keywordsai',
  path: '/api/traces/ingest',
  contentType: 'application/json',
  validBody: JSON.stringify(KEYWORDSAI_DOC_EXAMPLE),
  expectedItems: 1,
  // start_time → start, timestamp (the end) → end; usage prompt/completion → input/output tokens.
  expectedContent: [{
    signal: 'span', trace_id: 'trace_abc123', span_id: 'span_xyz789', name: 'llm_call', start: '2024-01-15T10:29:50Z', end: '2024-01-15T10:30:00Z',
    attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 8 },
  }],
  successStatus: 200,
  missingField: { body: withLog((l) => delete l.trace_unique_id), field: 'trace_unique_id' },
  wrongType: { body: withLog((l) => (l.latency = 'slow')), field: 'latency' },
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  backpressureStatuses: [429, 503],
};
