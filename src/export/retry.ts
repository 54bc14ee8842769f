import type { OutboundRequest, SendResult, Transport } from '../formats/types.js';
import type { RetryConfig } from '../pipeline/config/model.js';

export interface RetryHooks {
  onRetry?(result: Extract<SendResult, { kind: 'retry' }>, attempt: number, delayMs: number): void;
}

/** The final outcome of a request after retries: delivered, refused, or given up on. */
export type FinalResult = SendResult | { kind: 'gave_up'; reason: string; status?: number } | { kind: 'aborted'; reason: string };

/**
 * Retry as a layer over any transport (undici's composable style): exponential backoff with
 * jitter, never sooner than the server's Retry-After, until max_elapsed_time. Transport errors
 * (refused connections, timeouts) count as retryable.
 */
export async function sendWithRetry(
  transport: Transport,
  request: OutboundRequest,
  policy: RetryConfig,
  signal?: AbortSignal,
  hooks: RetryHooks = {},
): Promise<FinalResult> {
  const started = Date.now();
  let interval = policy.initial_interval;
  for (let attempt = 1; ; attempt++) {
    let result: SendResult;
    try {
      // A vendor that never answers must not hold a shutdown past its deadline: stop waiting
      // for the attempt when aborted (the transport's close() then drops the connection).
      const sent = await untilAborted(transport.send(request), signal);
      if (sent === ABORTED) return { kind: 'aborted', reason: `shutting down while a request was in flight (attempt ${attempt})` };
      result = sent;
    } catch (e) {
      result = { kind: 'retry', reason: `transport error: ${(e as Error).message}` };
    }
    if (result.kind !== 'retry') return result;
    if (!policy.enabled) return { kind: 'gave_up', reason: `${result.reason} (retry disabled)`, status: result.status };

    const jitter = policy.randomization_factor * interval;
    let delay = interval - jitter + Math.random() * 2 * jitter;
    if (result.retryAfterMs !== undefined) delay = Math.max(delay, result.retryAfterMs);
    if (Date.now() - started + delay > policy.max_elapsed_time) {
      return { kind: 'gave_up', reason: `gave up after ${attempt} attempts in ${Date.now() - started} ms: ${result.reason}`, status: result.status };
    }
    hooks.onRetry?.(result, attempt, delay);
    if (!(await sleep(delay, signal))) return { kind: 'aborted', reason: `shutting down while retrying: ${result.reason}` };
    interval = Math.min(interval * policy.multiplier, policy.max_interval);
  }
}

/** Resolves true after `ms`, or false at once when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const ABORTED: unique symbol = Symbol('aborted');

/** The promise's value, or ABORTED as soon as the signal fires (the promise is left to settle). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  // The abandoned attempt still settles later (the pool is destroyed); its error is nobody's.
  p.catch(() => {});
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
