/** The Netra Bulk Ingest document's own example events (vendor-apis/netra-bulk-ingest.md). */

/** §3.3 Example NDJSON Payload. */
export const NETRA_DOC_EXAMPLE = `{"event_metadata":{"log_schema_version":"3.0.0","event_id":"a1b2c3d4-e5f6-7890-1234-567890abcdef","timestamp_utc":1722384000000,"ingestion_source":"my-app-v1.2"},"trace_context":{"trace_id":"trace-xyz-123","span_id":"span-abc-456","parent_span_id":null,"span_name":"SummarizeArticle","span_kind":"llm"},"identity_context":{"user_id":"hashed-user-987","organization_id":"org-abc-123","api_key_hash":"sha256-of-key..."},"application_context":{"app_name":"doc-summarizer","service_name":"summarization-service","environment":"production"},"request":{"model":{"provider":"openai","family":"gpt-4","name":"gpt-4o"},"prompt":{"messages":[{"role":"user","content":"Summarize the provided article."}]},"generation_config":{"temperature":0.5,"max_tokens_to_sample":512}},"response":{"completion":{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"This is the summary of the article..."}}]},"usage":{"prompt_tokens":850,"completion_tokens":150,"total_tokens":1000}},"performance":{"latency_ms":{"total_e2e":1250,"time_to_first_token":400}},"finops":{"cost":{"total_cost_usd":0.0055},"pricing_info":{"prompt_token_rate_usd_per_million":5.00,"completion_token_rate_usd_per_million":15.00}},"governance":{"security":{"pii_redacted":false},"safety":{"overall_safety_verdict":"pass"}}}`;

/** §7 cURL payload.ndjson. */
export const NETRA_CURL_EXAMPLE = `{"event_metadata":{"event_id":"a1b2c3d4-e5f6-7890-1234-567890abcdef","timestamp_utc":1722384000000},"trace_context":{"trace_id":"trace-xyz-123","span_id":"span-abc-456"},"request":{"model":{"name":"gpt-4o"},"prompt":{"messages":[{"role":"user","content":"Hello, world!"}]}},"response":{"completion":{"choices":[]},"usage":{"total_tokens":10}}}`;

/** §7 Python `log` (timestamp fixed). */
export const NETRA_PYTHON_EXAMPLE = {
  event_metadata: { log_schema_version: '3.0.0', event_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef', timestamp_utc: 1722384000000 },
  trace_context: { trace_id: 'trace-xyz-123', span_id: 'span-abc-456' },
  application_context: { app_name: 'python-sdk-test', environment: 'development' },
  request: {
    model: { provider: 'openai', name: 'gpt-4o' },
    prompt: { messages: [{ role: 'user', content: 'Tell me a joke.' }] },
  },
  response: {
    completion: { choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: "Why don't scientists trust atoms? Because they make up everything!" } }] },
    usage: { prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 },
  },
  performance: { latency_ms: { total_e2e: 850 } },
};

/** §7 Go `logEntry` as json.Marshal writes it (timestamp fixed). */
export const NETRA_GO_EXAMPLE = {
  event_metadata: { event_id: 'b2c3d4e5-f6a7-8901-2345-67890abcdef1', timestamp_utc: 1722384000000 },
  trace_context: { trace_id: 'go-trace-456', span_id: 'go-span-789' },
  request: {
    model: { provider: 'anthropic', name: 'claude-3-sonnet' },
    prompt: { messages: [{ role: 'user', content: 'Hello from Go!' }] },
  },
  response: {
    completion: { choices: [{ message: { role: 'assistant', content: 'Hello from Netra!' } }] },
    usage: { total_tokens: 15 },
  },
};
