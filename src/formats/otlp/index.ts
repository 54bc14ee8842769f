/**
 * OTLP: the `otlp` receiver (OTLP/HTTP, protobuf and JSON), the `otlp_http` exporter, and the
 * `otlp-json` codec of `switchyard translate`.
 *
 * Canonical model form produced by both decoders (what "lossless" is measured against): proto3
 * default values are "absent" in the model (no `traceState: ''`, no `flags: 0`, no
 * `droppedAttributesCount: 0`, no empty scope `attributes`, no `schemaUrl: ''`), ids are
 * lowercase hex text, an empty parent id is no parent, a log body that is present but empty is
 * `null` while an absent one is `undefined`, and the encoders write back exactly that.
 *
 * Files: contract.ts (paths, media types, retryable statuses), config.ts, receiver.ts (routes,
 * replies, error replies), exporter.ts, responses.ts (response bodies both ways). Codecs are split
 * by signal as `<direction>-<signal>.ts`: encode-traces.ts, encode-metrics.ts, encode-logs.ts build
 * each signal's export-request tree; encode-tree.ts holds what they share (any values, attributes,
 * resource, scope) and encode-json.ts / encode-proto.ts pick the wire flavor. The decoders follow
 * the same scheme on their side (decode-attributes.ts, decode-shared.ts shared; decode-json.ts and
 * decode-proto.ts per wire encoding, to be split into decode-traces/-metrics/-logs once the
 * input-limits work on them has landed, so that the two changes do not collide).
 */
import { InputError } from '../errors.js';
import { DEFAULT_DECODE_LIMITS } from '../json.js';
import type { FormatDefinition, TranslateCodec } from '../types.js';
import type { Telemetry } from '../../model/index.js';
import { otlpReceiver } from './receiver.js';
import { decodeAnyJson } from './decode-json.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './encode-json.js';
import { otlpHttpExporter } from './exporter.js';
import { otlpGrpcExporter } from './grpc-exporter.js';

export const otlpJsonCodec: TranslateCodec = {
  name: 'otlp-json',
  decode(input: Buffer): Telemetry {
    const r = decodeAnyJson(input, { ...DEFAULT_DECODE_LIMITS, maxItems: Number.MAX_SAFE_INTEGER });
    const first = r.rejected[0];
    // Offline conversion has nobody to send a partial success to: refuse rather than drop.
    if (first) throw new InputError(first.field, `${r.rejected.length} item(s) rejected: ${first.message}`);
    return r.telemetry;
  },
  encode(data: Telemetry): string {
    const bodies: string[] = [];
    if (data.traces?.length) bodies.push(encodeTracesJson(data.traces));
    if (data.metrics?.length) bodies.push(encodeMetricsJson(data.metrics));
    if (data.logs?.length) bodies.push(encodeLogsJson(data.logs));
    return bodies.join('\n');
  },
};

export const otlpFormat: FormatDefinition = {
  type: 'otlp',
  receiver: otlpReceiver,
  exporter: otlpGrpcExporter,
  translate: otlpJsonCodec,
};

export const otlpHttpFormat: FormatDefinition = {
  type: 'otlp_http',
  exporter: otlpHttpExporter,
};

export { decodeOtlpRequest } from './receiver.js';
export { encodeSignal } from './exporter.js';
