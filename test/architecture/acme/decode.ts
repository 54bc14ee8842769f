import { fail } from '../../../src/formats/errors.js';
import { asArray, asObject, parseJsonBody, reqString } from '../../../src/formats/json.js';
import type { DecodeLimits, DecodeResult } from '../../../src/formats/types.js';
import { GenAI, nanoFromMillis, newSpan, tracesOf } from '../../../src/model/index.js';

/** `{"events":[{"id","trace","model","ms"}]}` → spans; a bad field is an InputError naming it. */
export function decodeAcme(body: Buffer, limits: DecodeLimits): DecodeResult {
  const doc = asObject(parseJsonBody(body, limits), '');
  const events = asArray(doc['events'], 'events');
  const spans = events.map((e, i) => {
    const o = asObject(e, `events[${i}]`);
    const ms = o['ms'];
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) fail(`events[${i}].ms`, 'must be a non-negative integer (milliseconds)');
    return newSpan({
      traceId: reqString(o, 'trace', `events[${i}]`),
      spanId: reqString(o, 'id', `events[${i}]`),
      name: 'chat',
      startTimeUnixNano: nanoFromMillis(ms),
      endTimeUnixNano: nanoFromMillis(ms),
      attributes: { [GenAI.requestModel]: reqString(o, 'model', `events[${i}]`) },
    });
  });
  return { telemetry: tracesOf(spans), accepted: spans.length, rejected: [] };
}
