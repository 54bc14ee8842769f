import type { FormatDefinition } from '../types.js';
import { infrasageExporter } from './exporter.js';
import { infrasageReceiver } from './receiver.js';

/** InfraSage Ingestion Gateway: metric/log/trace/event/profile/slo records in and out. */
export const infrasage: FormatDefinition = {
  type: 'infrasage',
  receiver: infrasageReceiver,
  exporter: infrasageExporter,
};
