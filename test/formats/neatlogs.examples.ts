/** The Neatlogs HTTP trace injection document's own example bodies (ids and times fixed). */

/** Quick Start. */
export const NEATLOGS_QUICKSTART = {
  workflow_name: 'my-workflow',
  spans: [
    { span_id: 'sp_123', name: 'my-operation', start_time: 1717555210000, end_time: 1717555215000, attributes: { 'openinference.span.kind': 'WORKFLOW', status: 'success' } },
  ],
};

/** Example: Python (uuid4 ids and now_ms fixed). */
export const NEATLOGS_PYTHON = {
  workflow_name: 'my-agent',
  spans: [
    {
      span_id: '6f1c1f3e-3c55-4a8e-9d7b-6a2f0c7f1a01', name: 'process_query', start_time: 1717555210000, end_time: 1717555215000,
      attributes: { 'openinference.span.kind': 'WORKFLOW', status: 'success' },
      input: { query: 'What is the weather?' }, output: { result: 'Sunny, 72°F' },
    },
    {
      span_id: '6f1c1f3e-3c55-4a8e-9d7b-6a2f0c7f1a02', parent_span_id: 'parent-uuid', name: 'call_weather_api', start_time: 1717555210500, end_time: 1717555213000,
      attributes: { 'openinference.span.kind': 'TOOL', status: 'success' },
      input: { location: 'San Francisco' }, output: { temperature: 72, condition: 'sunny' },
    },
  ],
};

/** Example: cURL, a complete trace. */
export const NEATLOGS_CURL = {
  workflow_name: 'customer-support-agent',
  spans: [
    {
      span_id: 'sp-root-001', name: 'handle_customer_request', start_time: 1717555210000, end_time: 1717555235000,
      attributes: { 'openinference.span.kind': 'WORKFLOW', status: 'success' },
      input: { customer_id: 'cust_123', question: 'How do I reset my password?' },
      output: { answer: "Click 'Forgot Password' on the login page..." },
    },
    {
      span_id: 'sp-llm-001', parent_span_id: 'sp-root-001', name: 'call_llm', start_time: 1717555212000, end_time: 1717555225000,
      attributes: { 'openinference.span.kind': 'LLM', status: 'success' },
      input: { prompt: 'Generate a helpful response about password resets...' },
      output: { response: 'Click Forgot Password...' },
    },
  ],
};

/** Error Handling span, placed in a batch with the required times. */
export const NEATLOGS_ERROR = {
  workflow_name: 'my-agent',
  spans: [
    {
      span_id: 'sp-error-001', name: 'api_call', start_time: 1717555210000, end_time: 1717555240000,
      attributes: { 'openinference.span.kind': 'TOOL', status: 'error', error_message: 'Connection timeout after 30s', error_type: 'TimeoutError' },
      output: null,
    },
  ],
};

/** Nested Spans example as printed: no workflow_name and no times (refused by the contract). */
export const NEATLOGS_NESTED_AS_PRINTED = {
  spans: [
    { span_id: 'root-123', name: 'workflow', attributes: { 'openinference.span.kind': 'WORKFLOW' } },
    { span_id: 'child-456', parent_span_id: 'root-123', name: 'nested_operation', attributes: { 'openinference.span.kind': 'TOOL' } },
  ],
};

/** The same with the required fields added. */
export const NEATLOGS_NESTED = {
  workflow_name: 'nested',
  spans: [
    { span_id: 'root-123', name: 'workflow', start_time: 1717555210000, end_time: 1717555215000, attributes: { 'openinference.span.kind': 'WORKFLOW' } },
    { span_id: 'child-456', parent_span_id: 'root-123', name: 'nested_operation', start_time: 1717555211000, end_time: 1717555212000, attributes: { 'openinference.span.kind': 'TOOL' } },
  ],
};

export const NEATLOGS_EXAMPLES = { NEATLOGS_QUICKSTART, NEATLOGS_PYTHON, NEATLOGS_CURL, NEATLOGS_ERROR, NEATLOGS_NESTED };
