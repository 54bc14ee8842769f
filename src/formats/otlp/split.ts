/**
 * Splits a signal's resource list in two halves by item count, keeping each item under its own
 * resource and scope, so that a request too large for the receiver can be sent as two.
 */
import type { ResourceLogs, ResourceMetrics, ResourceSpans } from '../../model/index.js';

type Resource = ResourceSpans | ResourceMetrics | ResourceLogs;

/** Item lists of a resource, by scope: spans, metrics (whole metrics, not points) or log records. */
function scopesOf(r: Resource): { items: unknown[] }[] {
  if ('scopeSpans' in r) return r.scopeSpans.map((s) => ({ items: s.spans }));
  if ('scopeMetrics' in r) return r.scopeMetrics.map((s) => ({ items: s.metrics }));
  return r.scopeLogs.map((s) => ({ items: s.logRecords }));
}

/** A copy of `r` whose scopes hold `items[j]` instead of their own lists (empty scopes dropped). */
function withItems<R extends Resource>(r: R, items: unknown[][]): R {
  const keep = <S>(scopes: S[], key: keyof S): S[] =>
    scopes.map((s, j) => ({ ...s, [key]: items[j] })).filter((_, j) => items[j]!.length > 0);
  if ('scopeSpans' in r) return { ...r, scopeSpans: keep(r.scopeSpans, 'spans') };
  if ('scopeMetrics' in r) return { ...r, scopeMetrics: keep(r.scopeMetrics, 'metrics') };
  return { ...r, scopeLogs: keep((r as ResourceLogs).scopeLogs, 'logRecords') } as R;
}

export function itemCount(list: readonly Resource[]): number {
  let n = 0;
  for (const r of list) for (const s of scopesOf(r)) n += s.items.length;
  return n;
}

/** Two halves of `list`; the second is empty when there is at most one item. */
export function splitInHalf<R extends Resource>(list: readonly R[]): [R[], R[]];
export function splitInHalf(list: readonly Resource[]): [Resource[], Resource[]];
export function splitInHalf<R extends Resource>(list: readonly R[]): [R[], R[]] {
  let left = Math.floor(itemCount(list) / 2);
  if (left === 0) return [list.slice(), []];
  const a: R[] = [];
  const b: R[] = [];
  for (const r of list) {
    const scopes = scopesOf(r);
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    for (const s of scopes) {
      const take = Math.min(left, s.items.length);
      first.push(s.items.slice(0, take));
      second.push(s.items.slice(take));
      left -= take;
    }
    if (first.some((x) => x.length)) a.push(withItems(r, first));
    if (second.some((x) => x.length)) b.push(withItems(r, second));
  }
  return [a, b];
}
