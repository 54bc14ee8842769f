import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict stand-in for Foglamp's ingest API (vendor-apis/foglamp-ingest.md), written independently
 * of src/formats/foglamp so that it checks the exporter rather than mirroring it. It enforces:
 * POST /ingest, `Authorization: Bearer <apiKey>`, `Content-Type: application/json`, a JSON object
 * with version "v1" and 1..1000 traces, each trace {traceId, spans[]} with string trace-level
 * fields, each span with spanId, name, startTime, endTime and correctly typed optional fields:
 * usage counts non-negative integers, span and trace `metadata` string-valued (as the document
 * shows them).
 * Accepted bodies are kept in `bodies`, their traces in `received`.
 * `failTimes` makes the first N authorised requests answer `failStatus` (default 503) before any check.
 */
export interface FoglampStandinOptions {
  apiKey: string;
  failTimes?: number;
  failStatus?: number;
  retryAfter?: string;
}

export interface FoglampStandin {
  url: string;
  /** Every trace of every accepted request, in order. */
  received: Record<string, unknown>[];
  /** Accepted request bodies. */
  bodies: { version: string; traces: Record<string, unknown>[] }[];
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string; status: number; response: unknown }[];
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown) => typeof v === 'string';
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The document shows `metadata` only with string values ("environment": "production"). */
function metadataProblem(md: unknown, p: string): string | undefined {
  if (md === undefined) return undefined;
  if (!isObj(md)) return `${p}.metadata must be an object`;
  for (const [k, v] of Object.entries(md)) if (!isStr(v)) return `${p}.metadata.${k} must be a string`;
  return undefined;
}

const SPAN_OPTIONAL_STRINGS = ['spanType', 'parentSpanId', 'errorMessage', 'provider', 'modelId', 'input', 'output'];
const TRACE_OPTIONAL_STRINGS = ['agentName', 'workflowName', 'workflowRunId', 'sessionId'];
const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'totalTokens', 'reasoningTokens', 'cachedInputTokens', 'cacheWriteInputTokens', 'imageCount', 'webSearchCount', 'requestCount'];

function checkSpan(s: unknown, p: string): string | undefined {
  if (!isObj(s)) return `${p} must be an object`;
  if (!isStr(s.spanId) || s.spanId === '') return `${p}.spanId is required`;
  if (!isStr(s.name)) return `${p}.name is required`;
  if (!isNum(s.startTime)) return `${p}.startTime must be a number (ms)`;
  if (!isNum(s.endTime)) return `${p}.endTime must be a number (ms)`;
  for (const k of SPAN_OPTIONAL_STRINGS) if (s[k] !== undefined && !isStr(s[k])) return `${p}.${k} must be a string`;
  if (s.status !== undefined && s.status !== 'ok' && s.status !== 'error') return `${p}.status must be "ok" or "error"`;
  if (s.ttftMs !== undefined && (!isNum(s.ttftMs) || (s.ttftMs as number) < 0)) return `${p}.ttftMs must be a non-negative number`;
  if (s.usage !== undefined) {
    if (!isObj(s.usage)) return `${p}.usage must be an object`;
    for (const k of USAGE_FIELDS) {
      const v = s.usage[k];
      if (v !== undefined && !isCount(v)) return `${p}.usage.${k} must be a non-negative integer`;
    }
  }
  return metadataProblem(s.metadata, p);
}

function checkBody(b: unknown): string | undefined {
  if (!isObj(b)) return 'body must be a JSON object';
  if (b.version !== 'v1') return 'version must be "v1"';
  if (!Array.isArray(b.traces)) return 'traces must be an array';
  if (b.traces.length < 1 || b.traces.length > 1000) return `traces must hold 1 to 1000 traces, got ${b.traces.length}`;
  for (let i = 0; i < b.traces.length; i++) {
    const t = b.traces[i];
    const p = `traces[${i}]`;
    if (!isObj(t)) return `${p} must be an object`;
    if (!isStr(t.traceId) || t.traceId === '') return `${p}.traceId is required`;
    if (!Array.isArray(t.spans)) return `${p}.spans must be an array`;
    for (const k of TRACE_OPTIONAL_STRINGS) if (t[k] !== undefined && !isStr(t[k])) return `${p}.${k} must be a string`;
    const md = metadataProblem(t.metadata, p);
    if (md) return md;
    for (let j = 0; j < t.spans.length; j++) {
      const problem = checkSpan(t.spans[j], `${p}.spans[${j}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

export async function startFoglamp(opts: FoglampStandinOptions): Promise<FoglampStandin> {
  const st: FoglampStandin = { url: '', received: [], bodies: [], requests: [], close: async () => {} };
  let failuresLeft = opts.failTimes ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        st.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text, status, response: body });
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      if ((req.url ?? '').split('?')[0] !== '/ingest') return answer(404, { error: 'not found' });
      if (req.method !== 'POST') return answer(405, { error: 'method not allowed' });
      if (req.headers.authorization !== `Bearer ${opts.apiKey}`) return answer(401, { error: 'invalid API key' });
      if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
        return answer(415, { error: 'Content-Type must be application/json' });
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        return answer(opts.failStatus ?? 503, { error: 'temporarily unavailable' }, opts.retryAfter ? { 'retry-after': opts.retryAfter } : {});
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return answer(400, { error: 'body is not valid JSON' });
      }
      const problem = checkBody(body);
      if (problem) return answer(400, { error: problem });
      const b = body as FoglampStandin['bodies'][number];
      st.bodies.push(b);
      st.received.push(...b.traces);
      const rows = b.traces.reduce((n, t) => n + (t.spans as unknown[]).length, 0);
      return answer(200, { accepted: rows });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  st.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  st.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return st;
}
