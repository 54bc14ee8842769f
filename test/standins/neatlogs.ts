/**
 * A strict stand-in for Neatlogs' HTTP trace injection API (vendor-apis/neatlogs-http-trace-
 * injection.md), for tests: POST /api/v1/traces/v4/batch only, `x-api-key`, `Content-Type:
 * application/json`, at most 1 MB per request (413 beyond), a non-empty string workflow_name, and
 * per span a string span_id and non-blank name, numeric start_time / end_time, an attributes object
 * with `openinference.span.kind` one of the seven supported kinds, status success|error, a string
 * error_message, object (or null) input/output, and well-typed metrics. Accepted batches answer 202 {"status":"accepted","batch_id"}
 * and are recorded; errors are {"error": "..."}; `failNext(n, status)` injects failures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NeatlogsStandinOptions {
  apiKey?: string;
  maxBytes?: number;
}

export interface NeatlogsBatch {
  workflow_name: string;
  spans: Record<string, any>[];
  metrics?: { name: string; value: number; unit?: string }[];
  [k: string]: unknown;
}

export interface NeatlogsStandin {
  url: string;
  received: { headers: Record<string, string | string[] | undefined>; bytes: number; batch: NeatlogsBatch }[];
  spans(): Record<string, any>[];
  answers: { status: number; reason: string }[];
  failNext(n: number, status?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/** "Supported kinds" (the document's table), read as a closed list. */
const SPAN_KINDS = new Set(['WORKFLOW', 'LLM', 'TOOL', 'AGENT', 'CHAIN', 'RETRIEVER', 'EMBEDDING']);

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function neatlogsBatchProblem(b: unknown): string | undefined {
  if (!isObj(b)) return 'Invalid payload format: body must be an object';
  if (typeof b.workflow_name !== 'string' || b.workflow_name === '') return 'workflow_name is required';
  if (!Array.isArray(b.spans) || b.spans.length === 0) return 'spans must be a non-empty array';
  for (let i = 0; i < b.spans.length; i++) {
    const s = b.spans[i];
    if (!isObj(s)) return `spans[${i}] must be an object`;
    if (typeof s.span_id !== 'string' || s.span_id === '') return `spans[${i}].span_id is required`;
    if (typeof s.name !== 'string' || s.name.trim() === '') return `spans[${i}].name is required`;
    for (const k of ['start_time', 'end_time']) if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) return `spans[${i}].${k} must be a number (epoch ms)`;
    if (s.parent_span_id !== undefined && s.parent_span_id !== null && typeof s.parent_span_id !== 'string') return `spans[${i}].parent_span_id must be a string`;
    if (!isObj(s.attributes)) return `spans[${i}].attributes is required`;
    const kind = s.attributes['openinference.span.kind'];
    if (typeof kind !== 'string') return `spans[${i}].attributes.openinference.span.kind is required`;
    if (!SPAN_KINDS.has(kind)) return `spans[${i}].attributes.openinference.span.kind ${JSON.stringify(kind)} is not a supported kind`;
    const st = s.attributes.status;
    if (st !== undefined && st !== 'success' && st !== 'error') return `spans[${i}].attributes.status must be success or error`;
    const em = s.attributes.error_message;
    if (em !== undefined && typeof em !== 'string') return `spans[${i}].attributes.error_message must be a string`;
    // "input": "object (optional)"; the error example shows `"output": null`.
    for (const k of ['input', 'output']) if (s[k] !== undefined && s[k] !== null && !isObj(s[k])) return `spans[${i}].${k} must be an object`;
  }
  if (b.metrics !== undefined) {
    if (!Array.isArray(b.metrics)) return 'metrics must be an array';
    for (let i = 0; i < b.metrics.length; i++) {
      const m = b.metrics[i];
      if (!isObj(m) || typeof m.name !== 'string' || typeof m.value !== 'number' || !Number.isFinite(m.value)) return `metrics[${i}] needs a string name and a numeric value`;
      if (m.unit !== undefined && typeof m.unit !== 'string') return `metrics[${i}].unit must be a string`;
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startNeatlogsStandin(opts: NeatlogsStandinOptions = {}): Promise<NeatlogsStandin> {
  const apiKey = opts.apiKey ?? 'neatlogs-test-key';
  const maxBytes = opts.maxBytes ?? 1_000_000;
  const received: NeatlogsStandin['received'] = [];
  const answers: { status: number; reason: string }[] = [];
  let failures = { n: 0, status: 503, retryAfter: 1 };
  let seq = 0;

  const answer = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
    answers.push({ status, reason: 'error' in body ? String((body as any).error) : 'accepted' });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (req.url !== '/api/v1/traces/v4/batch') return answer(res, 404, { error: `no route ${req.url}` });
      if (req.method !== 'POST') return answer(res, 405, { error: 'method not allowed' });
      if (req.headers['x-api-key'] !== apiKey) return answer(res, 401, { error: 'Invalid API key' });
      if (failures.n > 0) {
        failures.n--;
        return answer(res, failures.status, { error: 'injected failure' }, { 'retry-after': String(failures.retryAfter) });
      }
      const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (ct !== 'application/json') return answer(res, 415, { error: `Content-Type must be application/json, got ${ct || 'none'}` });
      if (req.headers['content-encoding'] && req.headers['content-encoding'] !== 'identity') return answer(res, 415, { error: 'compressed bodies are not supported' });
      if (body.length > maxBytes) return answer(res, 413, { error: `payload of ${body.length} bytes exceeds 1 MB` });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'Invalid payload format' });
      }
      const problem = neatlogsBatchProblem(parsed);
      if (problem) return answer(res, 400, { error: problem });
      received.push({ headers: req.headers, bytes: body.length, batch: parsed as NeatlogsBatch });
      return answer(res, 202, { status: 'accepted', batch_id: `batch_${++seq}` });
    } catch (e) {
      return answer(res, 400, { error: (e as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answers,
    spans: () => received.flatMap((r) => r.batch.spans),
    failNext(n, status = 503, retryAfterSeconds = 1) {
      failures = { n, status, retryAfter: retryAfterSeconds };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
