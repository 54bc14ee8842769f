/**
 * Netra Bulk Ingest (POST /v1/bulk, gzip NDJSON, Authorization: Bearer, 202).
 * Mapping and policies: docs/mapping.md#netra.
 */
import type { Telemetry } from '../../model/index.js';
import { InputError } from '../errors.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { FormatDefinition } from '../types.js';
import { netraOptions } from './config.js';
import { decodeNetraNdjson } from './decode.js';
import { encodeNetraBodies } from './encode.js';
import { netraExporter } from './exporter.js';
import { netraReceiver } from './receiver.js';
import { fidelityOf } from '../shared/fidelity.js';

export const netraFormat: FormatDefinition = {
  type: 'netra',
  receiver: netraReceiver,
  exporter: netraExporter,
  translate: {
    name: 'netra',
    decode(input: Buffer): Telemetry {
      const r = decodeNetraNdjson(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER });
      if (r.rejected.length) {
        const first = r.rejected[0]!;
        throw new InputError(first.field, `${r.rejected.length} invalid line(s); first: ${first.message}`);
      }
      return r.telemetry;
    },
    encode(data: Telemetry, ctx): string {
      const fidelity = fidelityOf(ctx);
      const out = encodeNetraBodies(data, netraOptions(), ctx?.note, fidelity).map((b) => b.ndjson.toString('utf8')).join('');
      fidelity.flush();
      return out;
    },
  },
};

export default netraFormat;
export { decodeNetraEvent, decodeNetraNdjson } from './decode.js';
export { encodeNetraBodies, encodeNetraEvent, encodeNetra } from './encode.js';
export { netraOptions } from './config.js';
export { netraExporter } from './exporter.js';
export { netraErrorReply, netraReceiver, netraReply } from './receiver.js';
