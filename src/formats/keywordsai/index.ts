/**
 * KeywordsAI: POST /api/traces/ingest (and /api/traces/ingest/) with a JSON array of logs, in and
 * out, Authorization: Bearer. Mapping and token arithmetic: docs/mapping.md and decode.ts.
 */
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type { FormatDefinition, TranslateCodec } from '../types.js';
import { decodeKeywordsAiDocument } from './decode.js';
import { encodeKeywordsAi } from './encode.js';
import { keywordsAiExporter } from './exporter.js';
import { keywordsAiReceiver } from './receiver.js';
import { keywordsAiOptions } from './config.js';
import { fidelityOf } from '../shared/fidelity.js';

export { decodeKeywordsAiBody, decodeKeywordsAiDocument } from './decode.js';
export { encodeKeywordsAi, encodeKeywordsAiLogs } from './encode.js';
export { keywordsAiExporter } from './exporter.js';
export { keywordsAiOptions } from './config.js';
export { keywordsAiErrorReply, keywordsAiReceiver } from './receiver.js';

export const keywordsAiTranslate: TranslateCodec = {
  name: 'keywordsai',
  decode: (input: Buffer) => decodeKeywordsAiDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode(data: Telemetry, ctx) {
    const fidelity = fidelityOf(ctx);
    const out = encodeKeywordsAi(data, { ...keywordsAiOptions(), fidelity }).map((b) => b.body).join('\n');
    fidelity.flush();
    return out;
  },
};

export const keywordsai: FormatDefinition = {
  type: 'keywordsai',
  receiver: keywordsAiReceiver,
  exporter: keywordsAiExporter,
  translate: keywordsAiTranslate,
};
