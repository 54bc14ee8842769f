import type { Layer } from './sender.js';

/**
 * Bounds each attempt by `timeoutMs` and by the shutdown signal, so that neither a vendor that
 * never answers nor a stop waits on an attempt for ever. A timeout is retryable; an abort is not.
 * The attempt is given up on at the abort even if the transport ignores the signal (the
 * transport's close() then drops its connections).
 */
export function timeoutLayer(timeoutMs: number): Layer {
  return (inner) => ({
    async send(request, shutdown) {
      if (shutdown.aborted) return { kind: 'aborted', reason: 'shutting down' };
      const timer = AbortSignal.timeout(timeoutMs);
      const attempt = inner.send(request, AbortSignal.any([shutdown, timer]));
      // An abandoned attempt still settles later; its error is nobody's.
      attempt.catch(() => {});
      let onAbort!: () => void;
      const aborted = new Promise<'aborted'>((resolve) => shutdown.addEventListener('abort', (onAbort = () => resolve('aborted')), { once: true }));
      try {
        const result = await Promise.race([attempt, aborted]);
        return result === 'aborted' ? { kind: 'aborted', reason: 'shutting down while a request was in flight' } : result;
      } catch (e) {
        if (shutdown.aborted) return { kind: 'aborted', reason: 'shutting down during the request' };
        if (timer.aborted) return { kind: 'retry', reason: `timed out after ${timeoutMs} ms` };
        return { kind: 'retry', reason: `transport error: ${(e as Error).message}` };
      } finally {
        shutdown.removeEventListener('abort', onAbort);
      }
    },
  });
}
