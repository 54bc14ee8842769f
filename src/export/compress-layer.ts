import { wireBody } from './compress.js';
import type { Layer } from './sender.js';

/**
 * Compresses a request's body once, before the first attempt (retries resend the same bytes),
 * in zlib's thread pool. Outside the retry layer for that reason.
 */
export const compressLayer: Layer = (inner) => ({
  async send(request, shutdown) {
    if (!request.contentEncoding) return inner.send(request, shutdown);
    return inner.send({ ...request, body: await wireBody(request) }, shutdown);
  },
});
