import { classifyAnswer } from '../../src/export/classify.js';
import type { ExporterDefinition, OutboundRequest, SendResult } from '../../src/formats/types.js';

/** What the exporter layers make of a target's answer to `request`, with the format's rules. */
export function answerOf(def: Pick<ExporterDefinition, 'answers'>, status: number, headers: Record<string, string>, body: Buffer, request: OutboundRequest): SendResult {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return classifyAnswer({ status, headers: lower, body }, request, def.answers);
}
