import type { OutboundRequest } from '../formats/types.js';
import { countItems, splitTelemetry, type Telemetry } from '../model/index.js';
import type { Outcome } from './sender.js';

/** Statuses that may mean "some item in here is bad" (or "too big"), not "you may not send". */
const NARROWABLE = new Set([400, 413, 422]);

/** Halving at most this deep isolates one item among 65,536. */
export const MAX_NARROWING_DEPTH = 16;

/**
 * When a target refuses a many-item request for good, one bad item may have cost all the
 * others: the halves of the batch behind it, to be encoded and sent again, so that in the end
 * only the items the target really refuses are dead-lettered (and a 413 shrinks until it fits).
 * Undefined when narrowing cannot help: not a refusal of content, a single item, or a
 * batch the model cannot cut.
 */
export function narrowable(outcome: Outcome, request: OutboundRequest, data: Telemetry): Telemetry[] | undefined {
  if (outcome.kind !== 'reject' || outcome.status === undefined || !NARROWABLE.has(outcome.status)) return undefined;
  if (request.items < 2) return undefined;
  const items = countItems(data);
  if (items < 2) return undefined;
  const halves = splitTelemetry(data, Math.ceil(items / 2));
  return halves.length > 1 ? halves : undefined;
}
