import type { RetryConfig } from './config.js';
import type { Layer } from './sender.js';

export interface RetryHooks {
  onRetry?(reason: string, status: number | undefined, attempt: number, delayMs: number): void;
}

/** Exponential backoff with jitter, as the Collector's backoff: the next interval before jitter. */
export function nextInterval(current: number, policy: Pick<RetryConfig, 'multiplier' | 'max_interval'>): number {
  return Math.min(current * policy.multiplier, policy.max_interval);
}

/** The delay before the next attempt: the interval ± randomization_factor, never below Retry-After. */
export function retryDelay(interval: number, randomizationFactor: number, retryAfterMs: number | undefined, random: () => number): number {
  const jitter = randomizationFactor * interval;
  const delay = interval - jitter + random() * 2 * jitter;
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs);
}

/**
 * Retries what the inner layers call retryable until `max_elapsed_time` (0: for ever), then
 * gives up. A shutdown cuts a wait short and ends as `aborted`.
 */
export function retryLayer(policy: RetryConfig, hooks: RetryHooks = {}, random: () => number = Math.random): Layer {
  return (inner) => ({
    async send(request, shutdown) {
      const started = Date.now();
      let interval = policy.initial_interval;
      for (let attempt = 1; ; attempt++) {
        const result = await inner.send(request, shutdown);
        if (result.kind !== 'retry') return result;
        if (!policy.enabled) return { kind: 'gave_up', reason: `${result.reason} (retry disabled)`, status: result.status };
        const delay = retryDelay(interval, policy.randomization_factor, result.retryAfterMs, random);
        const elapsed = Date.now() - started;
        if (policy.max_elapsed_time > 0 && elapsed + delay > policy.max_elapsed_time) {
          return { kind: 'gave_up', reason: `gave up after ${attempt} attempts in ${elapsed} ms: ${result.reason}`, status: result.status };
        }
        hooks.onRetry?.(result.reason, result.status, attempt, delay);
        if (!(await sleep(delay, shutdown))) return { kind: 'aborted', reason: `shutting down while retrying: ${result.reason}` };
        interval = nextInterval(interval, policy);
      }
    },
  });
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
