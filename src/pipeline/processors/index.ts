import type { ProcessorDefinition } from '../processor-types.js';

export const PROCESSORS: ProcessorDefinition[] = [];
