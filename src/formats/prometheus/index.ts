import type { FormatDefinition } from '../types.js';
import { remoteWriteExporter } from './exporter.js';
import { remoteWriteReceiver } from './receiver.js';

/** Prometheus remote-write 1.0 in and out, 2.0 in (by Content-Type). */
export const prometheusRemoteWrite: FormatDefinition = {
  type: 'prometheus_remote_write',
  receiver: remoteWriteReceiver,
  exporter: remoteWriteExporter,
};
