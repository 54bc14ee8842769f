/**
 * Every processor type Switchyard knows, for config loading: `type` is the key under
 * `processors:` in the YAML, `configSchema` validates (and compiles) its config.
 */
import type { ProcessorDefinition } from '../processor-types.js';
import { attributesProcessor } from './attributes.js';
import { filterProcessor } from './filter.js';
import { genaiCostProcessor } from './genai-cost.js';
import { genaiNormalizeProcessor } from './genai-normalize.js';
import { redactionProcessor } from './redaction.js';
import { resourceProcessor } from './resource.js';

export const PROCESSORS: ProcessorDefinition[] = [
  genaiNormalizeProcessor,
  genaiCostProcessor,
  redactionProcessor,
  attributesProcessor,
  resourceProcessor,
  filterProcessor,
];

export { attributesProcessor, filterProcessor, genaiCostProcessor, genaiNormalizeProcessor, redactionProcessor, resourceProcessor };
export { normalizeAttributes } from './genai-normalize.js';
