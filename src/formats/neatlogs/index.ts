/**
 * Neatlogs HTTP trace injection (POST /api/v1/traces/v4/batch, JSON, x-api-key, 202).
 * Mapping and policies: docs/mapping.md#neatlogs.
 */
import type { Telemetry } from '../../model/index.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { FormatDefinition } from '../types.js';
import { neatlogsOptions } from './config.js';
import { decodeNeatlogsBatch } from './decode.js';
import { encodeNeatlogsBodies } from './encode.js';
import { neatlogsExporter } from './exporter.js';
import { neatlogsReceiver } from './receiver.js';
import { fidelityOf } from '../shared/fidelity.js';

export const neatlogsFormat: FormatDefinition = {
  type: 'neatlogs',
  receiver: neatlogsReceiver,
  exporter: neatlogsExporter,
  translate: {
    name: 'neatlogs',
    decode(input: Buffer): Telemetry {
      return decodeNeatlogsBatch(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER }).telemetry;
    },
    encode(data: Telemetry, ctx): string {
      const fidelity = fidelityOf(ctx);
      const out = encodeNeatlogsBodies(data, neatlogsOptions(), ctx?.note, fidelity).map((b) => b.text).join('\n');
      fidelity.flush();
      return out;
    },
  },
};

export default neatlogsFormat;
export { decodeNeatlogsBatch, decodeNeatlogsObject } from './decode.js';
export { encodeNeatlogs, encodeNeatlogsBodies, encodeNeatlogsSpan } from './encode.js';
export { neatlogsOptions } from './config.js';
export { neatlogsExporter } from './exporter.js';
export { neatlogsErrorReply, neatlogsReceiver, neatlogsReply } from './receiver.js';
