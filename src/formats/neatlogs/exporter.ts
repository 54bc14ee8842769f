import { defineExporter } from '../types.js';
import { neatlogsExporterConfig } from './config.js';
import { NEATLOGS_AUTH } from './contract.js';
import { encodeNeatlogs } from './encode.js';

export const neatlogsExporter = defineExporter({
  signals: ['traces'],
  groupsByTrace: true,
  auth: NEATLOGS_AUTH,
  configSchema: neatlogsExporterConfig,
  encode: encodeNeatlogs,
});
