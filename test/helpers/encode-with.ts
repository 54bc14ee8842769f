import type { EncodeContext, ExporterDefinition, OutboundRequest } from '../../src/formats/types.js';
import { parseOptions } from '../../src/formats/shared/options.js';
import type { Telemetry } from '../../src/model/index.js';

/** The options `def.encode` gets from the config loader for these raw keys (defaults applied). */
export function optionsFor(def: Pick<ExporterDefinition, 'configSchema'>, raw: Record<string, unknown> = {}): EncodeContext['config'] {
  return parseOptions(def.configSchema ?? {}, raw);
}

/** Calls an exporter's encoder as the exporter layers do: with its raw options parsed first. */
export function encodeWith(def: ExporterDefinition, data: Telemetry, raw: Record<string, unknown> = {}, note?: EncodeContext['note']): OutboundRequest[] {
  return def.encode(data, note ? { config: optionsFor(def, raw), note } : { config: optionsFor(def, raw) });
}
