import type { Signal } from '../model/index.js';
import { allFormats } from '../formats/registry.js';
import type { ExporterDefinition, ReceiverDefinition } from '../formats/types.js';
import { debugExporter } from '../export/debug-exporter.js';
import { BUILTIN_PROCESSORS } from './builtin-processors.js';
import type { ProcessorDefinition } from './processor-types.js';
import { PROCESSORS } from './processors/index.js';

/** The factories config can name, by component type. */
export interface ComponentCatalog {
  receivers: Map<string, ReceiverDefinition>;
  exporters: Map<string, ExporterDefinition>;
  processors: Map<string, ProcessorDefinition>;
}

export function defaultCatalog(): ComponentCatalog {
  const receivers = new Map<string, ReceiverDefinition>();
  const exporters = new Map<string, ExporterDefinition>();
  for (const f of allFormats()) {
    if (f.receiver) receivers.set(f.type, f.receiver);
    if (f.exporter) exporters.set(f.type, f.exporter);
  }
  exporters.set('debug', debugExporter);
  const processors = new Map<string, ProcessorDefinition>();
  for (const p of [...BUILTIN_PROCESSORS, ...PROCESSORS]) processors.set(p.type, p);
  return { receivers, exporters, processors };
}

export function receiverSignals(def: ReceiverDefinition): Set<Signal> {
  return new Set(def.routes.flatMap((r) => r.signals));
}
