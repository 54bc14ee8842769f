/**
 * A strict stand-in for Netra's Bulk Ingest API (vendor-apis/netra-bulk-ingest.md), for tests:
 * POST /v1/bulk only, `Authorization: Bearer <key>`, `Content-Type: application/x-ndjson`, gzip
 * body (this stand-in insists on the "Always use Gzip" best practice), at most 5 MB uncompressed,
 * every line a JSON object with the required request.model (naming the model), request.prompt,
 * response.usage (integer token counts) and response.completion objects and a well-typed
 * event_metadata. Accepted batches answer 202 and are
 * recorded; `failNext(n, status)` makes the next n requests fail (503 with Retry-After by default).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface NetraStandinOptions {
  apiKey?: string;
  /** Uncompressed bytes per request; Netra's documented ceiling is 5 MB. */
  maxUncompressedBytes?: number;
  /** Also accept bodies without Content-Encoding: gzip (Netra documents gzip as optional). */
  allowUncompressed?: boolean;
}

export interface NetraReceived {
  headers: Record<string, string | string[] | undefined>;
  compressedBytes: number;
  uncompressedBytes: number;
  /** The uncompressed body as received (NDJSON text). */
  raw: string;
  events: Record<string, unknown>[];
}

export interface NetraStandin {
  url: string;
  received: NetraReceived[];
  /** All events accepted so far, in order. */
  events(): Record<string, unknown>[];
  /** Every request answered, accepted or not: [status, reason]. */
  answers: { status: number; reason: string }[];
  failNext(n: number, status?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one NDJSON line the way Netra documents it; returns the problem or undefined. */
export function netraLineProblem(ev: unknown): string | undefined {
  if (!isObj(ev)) return 'line is not a JSON object';
  const req = ev.request;
  const res = ev.response;
  if (!isObj(req)) return 'request is required';
  if (!isObj(req.model)) return 'request.model must be an object';
  // "An object identifying the model used": every example names it; an empty object identifies nothing.
  if (typeof req.model.name !== 'string' || req.model.name === '') return 'request.model.name is required';
  for (const k of ['provider', 'family']) if (req.model[k] !== undefined && typeof req.model[k] !== 'string') return `request.model.${k} must be a string`;
  if (!isObj(req.prompt)) return 'request.prompt must be an object';
  if (!isObj(res)) return 'response is required';
  if (!isObj(res.usage)) return 'response.usage must be an object';
  if (!isObj(res.completion)) return 'response.completion must be an object';
  // Token counts are integers (the Go example's `TotalTokens int`), and counts are never negative.
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
    const v = res.usage[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) return `response.usage.${k} must be a non-negative integer`;
  }
  const em = ev.event_metadata;
  if (em !== undefined) {
    if (!isObj(em)) return 'event_metadata must be an object';
    if (em.event_id !== undefined && (typeof em.event_id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(em.event_id))) return 'event_metadata.event_id must be a UUID';
    if (em.timestamp_utc !== undefined && !Number.isSafeInteger(em.timestamp_utc)) return 'event_metadata.timestamp_utc must be an integer (epoch ms)';
  }
  const tc = ev.trace_context;
  if (tc !== undefined) {
    if (!isObj(tc)) return 'trace_context must be an object';
    for (const k of ['trace_id', 'span_id']) if (tc[k] !== undefined && typeof tc[k] !== 'string') return `trace_context.${k} must be a string`;
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

export async function startNetraStandin(opts: NetraStandinOptions = {}): Promise<NetraStandin> {
  const apiKey = opts.apiKey ?? 'netra-test-key';
  const maxBytes = opts.maxUncompressedBytes ?? 5_000_000;
  const received: NetraReceived[] = [];
  const answers: { status: number; reason: string }[] = [];
  let failures: { n: number; status: number; retryAfter: number } = { n: 0, status: 503, retryAfter: 1 };

  const answer = (res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}) => {
    answers.push({ status, reason });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(status === 202 ? '' : JSON.stringify({ error: reason }));
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (req.url !== '/v1/bulk') return answer(res, 404, `no route ${req.url}`);
      if (req.method !== 'POST') return answer(res, 405, 'method not allowed');
      if (req.headers.authorization !== `Bearer ${apiKey}`) return answer(res, 401, 'missing or invalid bearer token');
      if (failures.n > 0) {
        failures.n--;
        return answer(res, failures.status, 'injected failure', { 'retry-after': String(failures.retryAfter) });
      }
      const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (ct !== 'application/x-ndjson') return answer(res, 415, `Content-Type must be application/x-ndjson, got ${ct || 'none'}`);
      let raw = body;
      const enc = (req.headers['content-encoding'] ?? '').toLowerCase();
      if (enc === 'gzip') {
        try {
          raw = gunzipSync(body);
        } catch {
          return answer(res, 400, 'body is not valid gzip');
        }
      } else if (!opts.allowUncompressed) {
        return answer(res, 400, 'Content-Encoding: gzip is required');
      }
      if (raw.length > maxBytes) return answer(res, 413, `uncompressed batch of ${raw.length} bytes exceeds ${maxBytes}`);
      const events: Record<string, unknown>[] = [];
      const lines = raw.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.trim() === '') continue;
        let ev: unknown;
        try {
          ev = JSON.parse(lines[i]!);
        } catch {
          return answer(res, 400, `line ${i + 1}: not valid JSON`);
        }
        const problem = netraLineProblem(ev);
        if (problem) return answer(res, 400, `line ${i + 1}: ${problem}`);
        events.push(ev as Record<string, unknown>);
      }
      if (events.length === 0) return answer(res, 400, 'no events');
      received.push({ headers: req.headers, compressedBytes: body.length, uncompressedBytes: raw.length, raw: raw.toString('utf8'), events });
      return answer(res, 202, 'accepted');
    } catch (e) {
      return answer(res, 400, (e as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answers,
    events: () => received.flatMap((r) => r.events),
    failNext(n, status = 503, retryAfterSeconds = 1) {
      failures = { n, status, retryAfter: retryAfterSeconds };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
