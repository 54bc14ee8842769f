import { defineExporter } from '../types.js';
import { keywordsAiExporterConfig } from './config.js';
import { KEYWORDSAI_AUTH, KEYWORDSAI_MEDIA_TYPE, KEYWORDSAI_PATH } from './contract.js';
import { encodeKeywordsAi } from './encode.js';
import { fidelityOf } from '../shared/fidelity.js';

/** KeywordsAI exporter: JSON arrays of logs, split by max_logs_per_request and max_request_bytes. */
export const keywordsAiExporter = defineExporter({
  signals: ['traces'],
  auth: KEYWORDSAI_AUTH,
  configSchema: keywordsAiExporterConfig,
  encode(data, ctx) {
    const fidelity = fidelityOf(ctx);
    const batches = encodeKeywordsAi(data, { ...ctx.config, fidelity });
    fidelity.flush();
    const truncated = batches.reduce((n, b) => n + b.truncated, 0);
    if (truncated > 0) ctx.note?.('truncated', truncated, 'input/output larger than max_content_bytes');
    if (batches.length > 1) ctx.note?.('split', batches.length, 'more logs or bytes than one request takes');
    return batches.map((b) => ({
      path: KEYWORDSAI_PATH,
      contentType: KEYWORDSAI_MEDIA_TYPE,
      body: b.body,
      items: b.logs.length,
    }));
  },
});
