import type { ReceiverDefinition } from '../../../src/formats/types.js';
import { ACME_AUTH, ACME_MEDIA_TYPE, ACME_PATH } from './contract.js';
import { decodeAcme } from './decode.js';

export const acmeReceiver: ReceiverDefinition = {
  auth: ACME_AUTH,
  routes: [{
    method: 'POST',
    path: ACME_PATH,
    signals: ['traces'],
    mediaTypes: [ACME_MEDIA_TYPE],
    decode: (body, _req, limits) => decodeAcme(body, limits),
    reply: (r) => ({ status: 202, body: { accepted: r?.accepted ?? 0 } }),
  }],
  // Acme's clients retry 429; its errors are {"error":{"field","message"}}.
  errorReply: (f) =>
    f.kind === 'backpressure'
      ? { status: 429, body: { error: { message: f.message } } }
      : { status: f.error.status, body: { error: { field: f.error.field, message: f.error.message } } },
};
