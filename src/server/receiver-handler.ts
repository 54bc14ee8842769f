import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { BackpressureError, InputError } from '../formats/errors.js';
import type { DecodeLimits, DecodeResult, HttpReply, ReceiverDefinition, ReceiverFailure, RequestInfo, RouteDefinition } from '../formats/types.js';
import type { Logger } from '../observe/logger.js';
import type { SelfMetrics } from '../observe/self-metrics.js';
import type { PipelineGraph } from '../pipeline/graph.js';
import type { ReceiverConfig } from '../pipeline/config/model.js';
import { randomUUID } from 'node:crypto';
import { acceptanceProblem } from './acceptance-check.js';
import { KeyChecker } from './auth.js';
import { decodeContent, readBody } from './body.js';
import { scrubSecrets } from '../observe/secrets.js';

export interface ReceiverRuntime {
  id: string;
  definition: ReceiverDefinition;
  config: ReceiverConfig;
}

export interface HandlerDeps {
  graph: PipelineGraph;
  metrics: SelfMetrics;
  logger: Logger;
  /** False while draining: new requests get the back-pressure answer. */
  accepting(): boolean;
}

/**
 * The shared half of every receiver: auth, media type, body limits, decompression, decode, queue,
 * reply. Formats only decode and shape their answers, so all of them fail the same safe way.
 */
export function makeRouteHandler(r: ReceiverRuntime, route: RouteDefinition, deps: HandlerDeps) {
  const keys = r.config.api_keys?.length && r.definition.auth ? new KeyChecker(r.config.api_keys, r.definition.auth) : undefined;
  const limits = decodeLimitsOf(r.config, r.config.max_decompressed_body_size);
  const bodyLimits = { maxBytes: r.config.max_request_body_size, maxDecompressedBytes: r.config.max_decompressed_body_size };
  const log = deps.logger.child({ receiver: r.id });

  return async (c: Context): Promise<Response> => {
    const started = performance.now();
    const incoming = (c.env as { incoming: IncomingMessage }).incoming;
    const headers = incoming.headers as Record<string, string>;
    const contentType = headers['content-type'] ?? '';
    const info: RequestInfo = {
      method: incoming.method ?? c.req.method,
      path: route.path,
      contentType,
      mediaType: contentType.split(';')[0]!.trim().toLowerCase(),
      headers,
    };
    let reply: HttpReply;
    try {
      // The body is read (bounded) before any refusal: answering while the client is still
      // sending makes some clients see a connection reset instead of our status.
      const raw = route.decode ? await readBody(incoming, bodyLimits) : undefined;
      if (!deps.accepting()) throw new BackpressureError('Switchyard is shutting down', 5);
      if (keys) {
        const problem = keys.check(headers);
        if (problem) throw new InputError(r.definition.auth!.header, problem, 'unauthorized');
      }
      if (!raw || !route.decode) {
        reply = route.reply(undefined, info);
      } else {
        if (route.mediaTypes && !route.mediaTypes.includes(info.mediaType)) {
          throw new InputError('Content-Type', `Content-Type "${contentType || '(none)'}" is not supported here; use ${route.mediaTypes.join(' or ')}`, 'unsupported_media_type');
        }
        if (!deps.graph.canAccept(r.id, raw.length)) throw new BackpressureError('an exporter queue is full', 1);
        const body = await decodeContent(raw, headers['content-encoding'], bodyLimits.maxDecompressedBytes);
        const result = decodeSafely(() => route.decode!(body, info, limits), log, () => deps.metrics.receiverRefused.inc({ receiver: r.id, reason: 'internal' }));
        await deliverDecoded(r.id, deps, result, body.length);
        reply = route.reply(result, info);
      }
    } catch (e) {
      reply = failureReply(e, r, info, deps, log);
      // Refused before the body was read: drain it, or the client sees a reset instead of our answer.
      if (!incoming.readableEnded) incoming.resume();
    }
    deps.metrics.receiverRequests.inc({ receiver: r.id, status: String(reply.status) });
    deps.metrics.requestDuration.observe({ receiver: r.id }, (performance.now() - started) / 1000);
    return toResponse(reply);
  };
}

/**
 * A decoder that throws anything but InputError has met input it has a bug for: a retry would
 * fail the same way forever, so the answer is a 400, never a retryable status. The error id in
 * the answer is also in the logged line with the stack.
 */
export function decodeSafely(decode: () => DecodeResult, log: Logger, count: () => void): DecodeResult {
  try {
    return decode();
  } catch (e) {
    if (e instanceof InputError || e instanceof BackpressureError) throw e;
    const errorId = randomUUID();
    log.error({ errorId, err: (e as Error)?.message, stack: (e as Error)?.stack }, 'unexpected error while decoding');
    count();
    throw new InputError('', `the request could not be decoded (error id ${errorId})`);
  }
}
/**
 * The acknowledge-after-queue step every transport (HTTP, gRPC) shares: resolves only once the
 * decoded data is in every target exporter's queue, and counts what was accepted and refused.
 * What an encoder could not write later (absurd times, out-of-range integers) is refused here.
 */
export async function deliverDecoded(receiverId: string, deps: HandlerDeps, result: DecodeResult, bytes: number): Promise<void> {
  const problem = acceptanceProblem(result.telemetry);
  if (problem) throw new InputError(problem.field, problem.message);
  const routed = await deps.graph.consume(receiverId, result.telemetry, bytes);
  for (const [signal, n] of routed) deps.metrics.receiverAccepted.inc({ receiver: receiverId, signal }, n);
  if (result.samples !== undefined) deps.metrics.receiverSamples.inc({ receiver: receiverId }, result.samples);
  if (result.rejected.length) deps.metrics.receiverRefused.inc({ receiver: receiverId, reason: 'invalid' }, result.rejected.length);
}

/** What went wrong, in the form every protocol's error answer is built from (and counted). */
export function classifyFailure(e: unknown, receiverId: string, deps: HandlerDeps, log: Logger): ReceiverFailure {
  let failure: ReceiverFailure;
  if (e instanceof InputError) {
    failure = { kind: 'input', error: e };
    deps.metrics.receiverRefused.inc({ receiver: receiverId, reason: e.kind });
    // The message names the field; it never contains header values, so it is safe to log.
    log.debug({ status: e.status, field: e.field, message: e.message }, 'request refused');
  } else if (e instanceof BackpressureError) {
    failure = { kind: 'backpressure', message: e.message, retryAfterSeconds: e.retryAfterSeconds };
    deps.metrics.receiverRefused.inc({ receiver: receiverId, reason: 'backpressure' });
  } else {
    // Unexpected outside the decoder: treated as transient (nothing was acknowledged), never 500.
    log.error({ err: (e as Error)?.message, stack: (e as Error)?.stack }, 'unexpected error while receiving');
    failure = { kind: 'backpressure', message: 'temporary internal failure, retry later', retryAfterSeconds: 1 };
    deps.metrics.receiverRefused.inc({ receiver: receiverId, reason: 'internal' });
  }
  return failure;
}

function failureReply(e: unknown, r: ReceiverRuntime, info: RequestInfo, deps: HandlerDeps, log: Logger): HttpReply {
  const failure = classifyFailure(e, r.id, deps, log);
  const reply = r.definition.errorReply(failure, info);
  if (failure.kind === 'backpressure') {
    reply.headers = { 'retry-after': String(failure.retryAfterSeconds), ...(reply.headers ?? {}) };
  }
  return reply;
}

/** A receiver's decode limits: the same for every transport (HTTP, gRPC). */
export function decodeLimitsOf(c: ReceiverConfig, maxDecompressedBytes: number): DecodeLimits {
  return {
    maxJsonDepth: c.max_json_depth,
    maxStringLength: c.max_string_length,
    maxItems: c.max_items_per_request,
    maxDecompressedBytes,
    maxContainers: c.max_containers_per_request,
    maxAttributesPerItem: c.max_attributes_per_item,
    maxArrayLength: c.max_array_length,
  };
}

type BodyInit = ConstructorParameters<typeof Response>[0];

export function toResponse(reply: HttpReply): Response {
  const headers = new Headers(reply.headers);
  let body: BodyInit | null = null;
  if (reply.body === undefined || reply.status === 204) body = null;
  else if (typeof reply.body === 'string') body = scrubSecrets(reply.body);
  else if (reply.body instanceof Uint8Array) body = reply.body as unknown as BodyInit;
  else {
    body = scrubSecrets(JSON.stringify(reply.body));
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return new Response(body, { status: reply.status, headers });
}
