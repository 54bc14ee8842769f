import type { AnswerRules, OutboundRequest, SendResult } from '../formats/types.js';
import { parseRetryAfter } from './retry-after.js';

/** The generic HTTP rule (DESIGN §7): 408, 429 and 5xx are worth retrying; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** At most the first MAX_ANSWER_BYTES of the body. */
  body: Buffer;
}

/**
 * The one place a target's answer becomes a SendResult: the status class, Retry-After, the
 * target's error text and its per-item refusals. Formats only adjust it through AnswerRules.
 */
export function classifyAnswer(answer: Answer, request: OutboundRequest, rules: AnswerRules = {}): SendResult {
  const { status, headers, body } = answer;
  const contentType = headers['content-type'];
  if (status >= 200 && status < 300) {
    const refused = rules.refusedItems?.(body, contentType, request);
    return refused && refused.count > 0 ? { kind: 'partial', rejected: refused } : { kind: 'ok' };
  }
  if (status >= 300 && status < 400) {
    // Never followed: a redirect would carry the key to wherever it points.
    return { kind: 'reject', reason: `HTTP ${status}: redirect${headers['location'] ? ` to ${headers['location']}` : ''} not followed`, status };
  }
  const text = rules.errorText ? rules.errorText(body, contentType) ?? '' : plainText(body);
  const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
  const retryable = rules.retryableStatuses ? rules.retryableStatuses.has(status) : isRetryableStatus(status);
  if (!retryable) return { kind: 'reject', reason, status };
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return retryAfterMs === undefined ? { kind: 'retry', reason, status } : { kind: 'retry', reason, status, retryAfterMs };
}

function plainText(body: Buffer): string {
  return body.subarray(0, 512).toString('utf8').replace(/\s+/g, ' ').trim();
}
