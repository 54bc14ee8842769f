import type { ConformanceFixture } from '../conformance/fixture.js';

/** The request body of Foglamp's "Ingest a batch of traces" page, verbatim. */
export const FOGLAMP_DOC_EXAMPLE = {
  version: 'v1',
  traces: [
    {
      traceId: '0192f1c0-1a2b-7c3d-8e4f-1a2b3c4d5e6f',
      spans: [
        {
          spanId: 'span_1',
          spanType: 'llm',
          name: 'generateText',
          startTime: 1716566400000,
          endTime: 1716566401200,
          parentSpanId: 'span_0',
          status: 'ok',
          errorMessage: '<string>',
          provider: 'openai',
          modelId: 'gpt-4o',
          usage: {
            inputTokens: 1200,
            outputTokens: 350,
            totalTokens: 1550,
            reasoningTokens: 1,
            cachedInputTokens: 1,
            cacheWriteInputTokens: 1,
            imageCount: 1,
            webSearchCount: 1,
            requestCount: 1,
          },
          ttftMs: 320,
          input: '<string>',
          output: '<string>',
          metadata: { environment: 'production', region: 'us-east-1' },
        },
      ],
      agentName: 'summarizer',
      workflowName: 'deploy-digest',
      workflowRunId: 'run_2024_05_24',
      sessionId: 'session_abc123',
      metadata: { environment: 'production', region: 'us-east-1' },
    },
  ],
};

function withSpan(patch: (span: Record<string, unknown>) => void): string {
  const doc = structuredClone(FOGLAMP_DOC_EXAMPLE) as { traces: { spans: Record<string, unknown>[] }[] };
  patch(doc.traces[0]!.spans[0]!);
  return JSON.stringify(doc);
}

export const foglampFixture: ConformanceFixture = {
  type: 'foglamp',
  path: '/ingest',
  contentType: 'application/json',
  validBody: JSON.stringify(FOGLAMP_DOC_EXAMPLE),
  expectedItems: 1,
  // startTime/endTime are epoch ms in the document; the trace id is the document's UUID text.
  expectedContent: [{
    signal: 'span', trace_id: '0192f1c0-1a2b-7c3d-8e4f-1a2b3c4d5e6f', span_id: 'span_1', parent_span_id: 'span_0', name: 'generateText',
    start_time_unix_nano: '1716566400000000000', end_time_unix_nano: '1716566401200000000',
    attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 350 },
  }],
  successStatus: 200,
  missingField: { body: withSpan((s) => delete s.spanId), field: 'spanId' },
  wrongType: { body: withSpan((s) => (s.startTime = '2024-05-24T16:00:00Z')), field: 'startTime' },
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  backpressureStatuses: [429, 503],
};
