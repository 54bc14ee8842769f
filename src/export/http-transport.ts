import { Pool } from 'undici';
import type { AuthSpec, ExporterDefinition, OutboundRequest, SendResult, Transport } from '../formats/types.js';
import { parseRetryAfter } from './retry-after.js';
import type { ExporterTls } from '../pipeline/config/tls-schema.js';
import { tlsConnectOptions } from './tls-connect.js';

export interface HttpTransportOptions {
  endpoint: string;
  timeoutMs: number;
  connections: number;
  auth?: AuthSpec;
  apiKey?: string;
  headers?: Record<string, string>;
  interpret?: ExporterDefinition['interpret'];
  userAgent?: string;
  /** Exporter `tls` keys, for https:// endpoints. */
  tls?: ExporterTls;
}

/**
 * One POST per request over a keep-alive connection pool. Knows nothing of retry: it reports
 * what the server said as a SendResult and lets the retry layer decide.
 */
export class HttpTransport implements Transport {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly fixedHeaders: Record<string, string>;

  constructor(private readonly opts: HttpTransportOptions) {
    const url = new URL(opts.endpoint);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: Math.min(opts.timeoutMs, 10_000),
      ...(url.protocol === 'https:' && opts.tls ? { connect: tlsConnectOptions(opts.tls) } : {}),
    });
    this.fixedHeaders = { 'user-agent': opts.userAgent ?? 'switchyard/0.1', ...(opts.headers ?? {}) };
    if (opts.auth && opts.apiKey) {
      this.fixedHeaders[opts.auth.header] = opts.auth.scheme ? `${opts.auth.scheme} ${opts.apiKey}` : opts.apiKey;
    }
  }

  async send(request: OutboundRequest): Promise<SendResult> {
    const headers: Record<string, string> = { ...this.fixedHeaders, 'content-type': request.contentType, ...(request.headers ?? {}) };
    if (request.contentEncoding) headers['content-encoding'] = request.contentEncoding;
    const res = await this.pool.request({
      method: 'POST',
      path: this.basePath + request.path,
      headers,
      body: request.body,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') resHeaders[k] = v;
    const custom = this.opts.interpret?.(res.statusCode, resHeaders, body, request);
    return custom ?? defaultInterpret(res.statusCode, resHeaders, body);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** DESIGN §7: 2xx delivered; 429 and 5xx retried (Retry-After honoured); other 4xx refused for good. */
export function defaultInterpret(status: number, headers: Record<string, string>, body: Buffer): SendResult {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const text = body.subarray(0, 512).toString('utf8').replace(/\s+/g, ' ').trim();
  const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
  if (status === 429 || status >= 500) return { kind: 'retry', reason, status, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  return { kind: 'reject', reason, status };
}
