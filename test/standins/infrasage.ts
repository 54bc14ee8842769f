import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A strict stand-in for the InfraSage Ingestion Gateway (vendor-apis/infrasage-ingestion-gateway.md),
 * written independently of src/formats/infrasage so that it checks the exporter rather than
 * mirroring it. It enforces: JSON bodies, the per-type required fields with their error codes,
 * finite values, RFC 3339 timestamps not older than 24 h, string-valued attributes (as the document
 * shows them), at most 10,000 records per batch, and
 * X-API-Key when `apiKey` is set. Accepted records are kept in `received`.
 * `failTimes` makes the first N write requests answer `failStatus` (default 503) before any check.
 */
export interface InfraSageStandinOptions {
  apiKey?: string;
  failTimes?: number;
  failStatus?: number;
  retryAfter?: string;
  now?: () => number;
}

export interface InfraSageStandin {
  url: string;
  received: Record<string, unknown>[];
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string; status: number }[];
  close(): Promise<void>;
}

const TYPES = ['metric', 'log', 'trace', 'event', 'profile', 'slo'];
const NEEDS_VALUE = new Set(['metric', 'trace', 'slo', 'profile']);
const NEEDS_BODY = new Set(['log', 'event']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function check(r: unknown, now: number): { error: string; message: string } | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { error: 'invalid_record', message: 'record must be an object' };
  const o = r as Record<string, unknown>;
  if (typeof o['service_id'] !== 'string' || o['service_id'] === '') return { error: 'missing_service_id', message: 'service_id is required' };
  const type = o['type'] ?? 'metric';
  if (typeof type !== 'string' || !TYPES.includes(type)) return { error: 'invalid_type', message: `unknown type ${String(type)}` };
  if (NEEDS_VALUE.has(type)) {
    if (typeof o['metric_name'] !== 'string' || o['metric_name'] === '') return { error: 'missing_metric_name', message: 'metric_name is required' };
    if (o['value'] === undefined || o['value'] === null) return { error: 'missing_value', message: 'value is required' };
  }
  if (o['value'] !== undefined && (typeof o['value'] !== 'number' || !Number.isFinite(o['value']))) {
    return { error: 'invalid_value', message: `value must be a finite float64; got ${String(o['value'])}` };
  }
  if (NEEDS_BODY.has(type) && typeof o['body'] !== 'string') return { error: 'missing_body', message: 'body is required' };
  const ts = o['timestamp'];
  if (typeof ts !== 'string' || !RFC3339.test(ts) || Number.isNaN(Date.parse(ts))) return { error: 'invalid_timestamp', message: 'timestamp must be RFC3339' };
  if (now - Date.parse(ts) > 24 * 3600 * 1000) return { error: 'timestamp_too_old', message: 'Timestamp is more than 24h in the past' };
  if (o['attributes'] !== undefined && (typeof o['attributes'] !== 'object' || o['attributes'] === null || Array.isArray(o['attributes']))) {
    return { error: 'invalid_attributes', message: 'attributes must be an object' };
  }
  // "Arbitrary key-value tags", shown with string values only.
  if (o['attributes'] !== undefined) {
    for (const [k, v] of Object.entries(o['attributes'] as Record<string, unknown>)) {
      if (typeof v !== 'string') return { error: 'invalid_attributes', message: `attributes.${k} must be a string` };
    }
  }
  return undefined;
}

export async function startInfraSage(opts: InfraSageStandinOptions = {}): Promise<InfraSageStandin> {
  const received: Record<string, unknown>[] = [];
  const requests: InfraSageStandin['requests'] = [];
  let failuresLeft = opts.failTimes ?? 0;
  const now = opts.now ?? Date.now;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    return status;
  };

  const handle = (req: IncomingMessage, body: string, res: ServerResponse): number => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/api/v1/telemetry-types') return send(res, 200, { types: TYPES, default: 'metric' });
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok', version: 'standin' });
    if (req.method !== 'POST' || (path !== '/api/v1/telemetry' && path !== '/api/v1/telemetry/batch')) return send(res, 404, { status: 'error', error: 'not_found', message: 'no such route' });
    if (failuresLeft > 0) {
      failuresLeft--;
      const st = opts.failStatus ?? 503;
      return send(res, st, { status: 'error', error: st === 429 ? 'rate_limit_exceeded' : 'unavailable', message: 'induced failure' }, opts.retryAfter ? { 'retry-after': opts.retryAfter } : {});
    }
    if (opts.apiKey !== undefined && req.headers['x-api-key'] !== opts.apiKey) return send(res, 401, { status: 'error', error: 'unauthorized', message: 'invalid API key' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { status: 'error', error: 'unsupported_media_type', message: 'JSON required' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, { status: 'error', error: 'invalid_json', message: 'body is not JSON' });
    }
    if (path === '/api/v1/telemetry') {
      const bad = check(parsed, now());
      if (bad) return send(res, 400, { status: 'error', ...bad });
      received.push(parsed as Record<string, unknown>);
      return send(res, 200, { status: 'ok', queued: 1 });
    }
    if (!Array.isArray(parsed)) return send(res, 400, { status: 'error', error: 'invalid_batch', message: 'body must be a JSON array' });
    if (parsed.length > 10_000) return send(res, 413, { status: 'error', error: 'batch_too_large', message: 'at most 10,000 records per batch' });
    const failures: { index: number; error: string; message: string }[] = [];
    parsed.forEach((r, index) => {
      const bad = check(r, now());
      if (bad) failures.push({ index, ...bad });
      else received.push(r as Record<string, unknown>);
    });
    return send(res, 200, { status: 'ok', queued: parsed.length - failures.length, failed: failures.length, failures });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = handle(req, body, res);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
