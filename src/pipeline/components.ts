import { allFormats } from '../formats/registry.js';
import type { ExporterDefinition, ReceiverDefinition } from '../formats/types.js';
import { BUILTIN_PROCESSORS } from './builtin-processors.js';
import type { ProcessorDefinition } from './processor-types.js';
import { PROCESSORS } from './processors/index.js';
import type { ComponentCatalog } from './config/load.js';

export type { ComponentCatalog };

/** Every built-in component: the formats' receivers and exporters, and the processors. */
export function defaultCatalog(): ComponentCatalog {
  const receivers = new Map<string, ReceiverDefinition>();
  const exporters = new Map<string, ExporterDefinition>();
  for (const f of allFormats()) {
    if (f.receiver) receivers.set(f.type, f.receiver);
    if (f.exporter) exporters.set(f.type, f.exporter);
  }
  const processors = new Map<string, ProcessorDefinition>();
  for (const p of [...BUILTIN_PROCESSORS, ...PROCESSORS]) processors.set(p.type, p);
  return { receivers, exporters, processors };
}

