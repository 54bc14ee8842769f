/**
 * KeywordsAI's documented contract for one log, read strictly (vendor-apis/keywordsai-traces-
 * ingest.md): usage counts are token counts (shown as integers), `latency` is a duration in
 * seconds. Neither can be made up, so a log whose counts are not non-negative integers, or whose
 * span ends before it starts (a negative latency), is refused alone.
 */
import type { SpanWithContext } from '../../model/index.js';
import { isObject, type JsonObject } from '../json.js';
import { isTokenCount, spanPart, dropUnheldSpanFacts, type Fidelity } from '../shared/fidelity.js';

export const KEYWORDSAI_USAGE_COUNTS = ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const;

/** The log as KeywordsAI can take it, or undefined when it was refused through `f`. */
export function holdKeywordsAiLog(log: JsonObject, sw: SpanWithContext, f: Fidelity): JsonObject | undefined {
  if (isObject(log.usage)) {
    for (const k of KEYWORDSAI_USAGE_COUNTS) {
      const v = log.usage[k];
      if (v === undefined || isTokenCount(v)) continue;
      f.refuse(spanPart(sw), `keywordsai: usage.${k} must be a non-negative integer, span ${sw.span.spanId} has ${JSON.stringify(v)}`);
      return undefined;
    }
  }
  if (log.latency !== undefined && !(typeof log.latency === 'number' && Number.isFinite(log.latency) && log.latency >= 0)) {
    f.refuse(spanPart(sw), `keywordsai: latency must be a non-negative number of seconds, span ${sw.span.spanId} ends before it starts (${JSON.stringify(log.latency)} s)`);
    return undefined;
  }
  dropUnheldSpanFacts(sw, f);
  return log;
}
