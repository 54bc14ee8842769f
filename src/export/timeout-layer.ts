import type { Layer } from './sender.js';

/**
 * Bounds each attempt by `timeoutMs` and by the shutdown signal, so that neither a vendor that
 * never answers nor a stop waits on an attempt for ever. A timeout is retryable; an abort is not.
 */
export function timeoutLayer(timeoutMs: number): Layer {
  return (inner) => ({
    async send(request, shutdown) {
      if (shutdown.aborted) return { kind: 'aborted', reason: 'shutting down' };
      const timer = AbortSignal.timeout(timeoutMs);
      try {
        return await inner.send(request, AbortSignal.any([shutdown, timer]));
      } catch (e) {
        if (shutdown.aborted) return { kind: 'aborted', reason: 'shutting down during the request' };
        if (timer.aborted) return { kind: 'retry', reason: `timed out after ${timeoutMs} ms` };
        return { kind: 'retry', reason: `transport error: ${(e as Error).message}` };
      }
    },
  });
}
