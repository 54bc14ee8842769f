/**
 * The Collector's `debug` exporter as a format like the others: an encoder (one JSON line per
 * item, or a summary) and a transport that writes to stdout or a JSONL file instead of HTTP.
 */
import type { FormatDefinition } from '../types.js';
import { debugExporter } from './exporter.js';

export const debugFormat: FormatDefinition = { type: 'debug', exporter: debugExporter };
