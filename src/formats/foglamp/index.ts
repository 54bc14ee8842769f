/**
 * Foglamp: POST /ingest {"version":"v1","traces":[…]} in and out, Authorization: Bearer.
 * Mapping and token arithmetic: docs/mapping.md (Foglamp column) and decode.ts.
 */
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS, parseJsonBody } from '../json.js';
import type { FormatDefinition, TranslateCodec } from '../types.js';
import { decodeFoglampDocument } from './decode.js';
import { encodeFoglamp } from './encode.js';
import { foglampExporter } from './exporter.js';
import { foglampReceiver } from './receiver.js';
import { foglampOptions } from './config.js';
import { fidelityOf } from '../shared/fidelity.js';

export { decodeFoglampBody, decodeFoglampDocument } from './decode.js';
export { encodeFoglamp, encodeFoglampTraces } from './encode.js';
export { foglampExporter } from './exporter.js';
export { foglampOptions } from './config.js';
export { foglampErrorReply, foglampReceiver } from './receiver.js';

export const foglampTranslate: TranslateCodec = {
  name: 'foglamp',
  decode: (input: Buffer) => decodeFoglampDocument(parseJsonBody(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER })).telemetry,
  encode(data: Telemetry, ctx) {
    const fidelity = fidelityOf(ctx);
    const out = encodeFoglamp(data, { ...foglampOptions(), fidelity }).map((b) => JSON.stringify(b.body)).join('\n');
    fidelity.flush();
    return out;
  },
};

export const foglamp: FormatDefinition = {
  type: 'foglamp',
  receiver: foglampReceiver,
  exporter: foglampExporter,
  translate: foglampTranslate,
};
