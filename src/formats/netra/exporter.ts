import { defineExporter } from '../types.js';
import { netraExporterConfig } from './config.js';
import { NETRA_AUTH } from './contract.js';
import { encodeNetra, encodeNetraSteps } from './encode.js';

export const netraExporter = defineExporter({
  signals: ['traces'],
  auth: NETRA_AUTH,
  configSchema: netraExporterConfig,
  encode: encodeNetra,
  encodeSteps: encodeNetraSteps,
});
