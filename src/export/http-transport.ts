import { Pool } from 'undici';
import type { AnswerRules, AuthSpec, OutboundRequest, SendResult, Transport } from '../formats/types.js';
import type { ExporterTls } from '../util/tls-schema.js';
import { classifyAnswer } from './classify.js';
import { tlsConnectOptions } from './tls-connect.js';

/** The most of a target's answer Switchyard reads (the Collector reads 64 KiB of an OTLP answer). */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface HttpTransportOptions {
  endpoint: string;
  timeoutMs: number;
  connections: number;
  auth?: AuthSpec;
  apiKey?: string;
  headers?: Record<string, string>;
  answers?: AnswerRules;
  userAgent?: string;
  /** Exporter `tls` keys, for https:// endpoints. */
  tls?: ExporterTls;
}

/**
 * The innermost layer: one POST per attempt over a keep-alive pool. It knows nothing of retry
 * or compression; it reads at most MAX_ANSWER_BYTES of the answer and classifies it.
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

  async send(request: OutboundRequest, signal?: AbortSignal): Promise<SendResult> {
    const headers: Record<string, string> = { ...this.fixedHeaders, 'content-type': request.contentType, ...(request.headers ?? {}) };
    if (request.contentEncoding) headers['content-encoding'] = request.contentEncoding;
    const res = await this.pool.request({ method: 'POST', path: this.basePath + request.path, headers, body: request.body, signal });
    const body = await readCapped(res.body, MAX_ANSWER_BYTES);
    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') resHeaders[k] = v;
    return classifyAnswer({ status: res.statusCode, headers: resHeaders, body }, request, this.opts.answers);
  }

  /** Called once the exporter has given up on what is in flight: drop those connections now. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * Reads up to `max` bytes, then hangs up: the rest of a huge answer is neither kept nor waited
 * for (leaving the loop destroys the body, and undici drops that connection from the pool).
 */
async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    const take = chunk.subarray(0, max - n);
    chunks.push(take);
    n += take.length;
    if (n >= max) break;
  }
  return Buffer.concat(chunks, n);
}
