import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict stand-in for KeywordsAI's trace ingest (vendor-apis/keywordsai-traces-ingest.md),
 * written independently of src/formats/keywordsai. It enforces: POST /api/traces/ingest (with or
 * without the trailing slash), `Authorization: Bearer <apiKey>`, `Content-Type: application/json`,
 * a non-empty JSON array of log objects, each with string id, trace_unique_id and span_unique_id,
 * and correctly typed optional fields (ISO times, non-negative latency, non-negative integer token
 * counts).
 * Accepted logs are kept in `received`, accepted bodies in `bodies`.
 * `failTimes` makes the first N authorised requests answer `failStatus` (default 503) before any check.
 */
export interface KeywordsAiStandinOptions {
  apiKey: string;
  failTimes?: number;
  failStatus?: number;
  retryAfter?: string;
}

export interface KeywordsAiStandin {
  url: string;
  received: Record<string, unknown>[];
  bodies: Record<string, unknown>[][];
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string; status: number; response: unknown }[];
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown) => typeof v === 'string';
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function checkLog(l: unknown, p: string): string | undefined {
  if (!isObj(l)) return `${p} must be an object`;
  for (const k of ['id', 'trace_unique_id', 'span_unique_id']) if (!isStr(l[k]) || l[k] === '') return `${p}.${k} is required`;
  if (l.span_parent_id !== undefined && l.span_parent_id !== null && !isStr(l.span_parent_id)) return `${p}.span_parent_id must be a string or null`;
  for (const k of ['span_name', 'span_workflow_name', 'log_type', 'model', 'status', 'error_message']) {
    if (l[k] !== undefined && !isStr(l[k])) return `${p}.${k} must be a string`;
  }
  for (const k of ['timestamp', 'start_time']) {
    if (l[k] !== undefined && (!isStr(l[k]) || !ISO.test(l[k] as string))) return `${p}.${k} must be an ISO 8601 time`;
  }
  if (l.latency !== undefined && !isCount(l.latency)) return `${p}.latency must be a non-negative number`;
  if (l.usage !== undefined) {
    if (!isObj(l.usage)) return `${p}.usage must be an object`;
    for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
      // Token counts are shown as integers.
      if (l.usage[k] !== undefined && !(isCount(l.usage[k]) && Number.isSafeInteger(l.usage[k]))) return `${p}.usage.${k} must be a non-negative integer`;
    }
  }
  if (l.metadata !== undefined && !isObj(l.metadata)) return `${p}.metadata must be an object`;
  return undefined;
}

export async function startKeywordsAi(opts: KeywordsAiStandinOptions): Promise<KeywordsAiStandin> {
  const st: KeywordsAiStandin = { url: '', received: [], bodies: [], requests: [], close: async () => {} };
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
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/api/traces/ingest' && path !== '/api/traces/ingest/') return answer(404, { success: false, error: 'not found' });
      if (req.method !== 'POST') return answer(405, { success: false, error: 'method not allowed' });
      if (req.headers.authorization !== `Bearer ${opts.apiKey}`) return answer(401, { success: false, error: 'invalid API key' });
      if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
        return answer(415, { success: false, error: 'Content-Type must be application/json' });
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        return answer(opts.failStatus ?? 503, { success: false, error: 'temporarily unavailable' }, opts.retryAfter ? { 'retry-after': opts.retryAfter } : {});
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return answer(400, { success: false, error: 'body is not valid JSON' });
      }
      if (!Array.isArray(body)) return answer(400, { success: false, error: 'body must be a JSON array of logs' });
      if (body.length === 0) return answer(400, { success: false, error: 'body must hold at least one log' });
      for (let i = 0; i < body.length; i++) {
        const problem = checkLog(body[i], `[${i}]`);
        if (problem) return answer(400, { success: false, error: problem });
      }
      st.bodies.push(body as Obj[]);
      st.received.push(...(body as Obj[]));
      return answer(200, { success: true, ingested_count: body.length });
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
