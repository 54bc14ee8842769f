import { defineExporter } from '../types.js';
import { foglampExporterConfig } from './config.js';
import { FOGLAMP_AUTH, FOGLAMP_MEDIA_TYPE, FOGLAMP_PATH } from './contract.js';
import { encodeFoglamp } from './encode.js';
import { fidelityOf } from '../shared/fidelity.js';

/** Foglamp exporter: POST /ingest bodies of at most max_traces_per_request traces. */
export const foglampExporter = defineExporter({
  signals: ['traces'],
  groupsByTrace: true,
  auth: FOGLAMP_AUTH,
  configSchema: foglampExporterConfig,
  encode(data, ctx) {
    const fidelity = fidelityOf(ctx);
    const batches = encodeFoglamp(data, { ...ctx.config, fidelity });
    fidelity.flush();
    const truncated = batches.reduce((n, b) => n + b.truncated, 0);
    if (truncated > 0) ctx.note?.('truncated', truncated, 'input/output larger than max_content_bytes');
    if (batches.length > 1) ctx.note?.('split', batches.length, 'more than max_traces_per_request traces');
    return batches.map((b) => ({
      path: FOGLAMP_PATH,
      contentType: FOGLAMP_MEDIA_TYPE,
      body: JSON.stringify(b.body),
      items: b.spans,
    }));
  },
});
