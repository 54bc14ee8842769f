import { traceIdFrom } from '../shared/derived-ids.js';

/**
 * Neatlogs has no trace id: a batch is a forest linked by parent_span_id. Every span gets the
 * trace id derived from its tree's root key: the top ancestor present in the batch, or, when that
 * ancestor names a parent outside the batch, that parent's id (so siblings sent without their
 * parent still share a trace).
 */
export function deriveTraceIds(spans: readonly { id: string; parent?: string | undefined }[]): string[] {
  const byId = new Map<string, { id: string; parent?: string | undefined }>();
  for (const s of spans) if (!byId.has(s.id)) byId.set(s.id, s);
  const memo = new Map<string, string>();
  const rootKey = (s: { id: string; parent?: string | undefined }): string => {
    const seen = new Set<string>();
    let cur = s;
    const path: string[] = [];
    while (true) {
      const m = memo.get(cur.id);
      if (m !== undefined) {
        for (const p of path) memo.set(p, m);
        return m;
      }
      path.push(cur.id);
      seen.add(cur.id);
      const parent = cur.parent;
      const next = parent ? byId.get(parent) : undefined;
      if (!parent || !next || seen.has(parent)) {
        const key = parent && !next ? parent : cur.id;
        for (const p of path) memo.set(p, key);
        return key;
      }
      cur = next;
    }
  };
  return spans.map((s) => traceIdFrom('neatlogs\0' + rootKey(s)));
}
