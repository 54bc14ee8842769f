import type { FormatDefinition } from './types.js';
import { debugFormat } from './debug/index.js';
import { prometheusRemoteWrite } from './prometheus/index.js';
import { infrasage } from './infrasage/index.js';
import { foglamp } from './foglamp/index.js';
import { keywordsai } from './keywordsai/index.js';
import { netraFormat } from './netra/index.js';
import { neatlogsFormat } from './neatlogs/index.js';
import { otlpFormat, otlpHttpFormat } from './otlp/index.js';

/**
 * Every wire format Switchyard speaks. Adding a vendor is adding its folder and one line here.
 */
const FORMATS: FormatDefinition[] = [
  prometheusRemoteWrite,
  infrasage,
  foglamp,
  keywordsai,
  netraFormat,
  neatlogsFormat,
  otlpFormat,
  otlpHttpFormat,
  debugFormat,
];

export function allFormats(): readonly FormatDefinition[] {
  return FORMATS;
}

export function findFormat(type: string): FormatDefinition | undefined {
  return FORMATS.find((f) => f.type === type);
}
