import { countItems } from './count.js';
import { mergeOriginals, wireOf } from './wire-original.js';
import type { ResourceLogs, ResourceMetrics, ResourceSpans, Signal, Telemetry } from './telemetry.js';

/** Concatenates batches of one signal (resources are not merged: cheap and lossless). */
export function mergeTelemetry(parts: readonly Telemetry[]): Telemetry {
  if (parts.length === 1) return parts[0]!;
  const originals = mergeOriginals(parts, mergeTelemetry);
  if (originals) return originals;
  const out: Telemetry = {};
  for (const p of parts) {
    if (p.traces) (out.traces ??= []).push(...p.traces);
    if (p.metrics) (out.metrics ??= []).push(...p.metrics);
    if (p.logs) (out.logs ??= []).push(...p.logs);
  }
  return out;
}

/** Only the given signal's part of a batch. */
export function pickSignal(t: Telemetry, signal: Signal): Telemetry {
  // A batch that still holds its original has one signal: it is its own part, left unbuilt.
  const wire = wireOf(t);
  if (wire) return wire.signal === signal ? t : { [signal]: [] };
  switch (signal) {
    case 'traces': return { traces: t.traces ?? [] };
    case 'metrics': return { metrics: t.metrics ?? [] };
    case 'logs': return { logs: t.logs ?? [] };
  }
}

/**
 * Splits a batch into chunks of at most `max` items (spans, data points, log records), keeping
 * resource and scope with every piece. Used by `send_batch_max_size` and by vendor limits.
 */
export function splitTelemetry(t: Telemetry, max: number): Telemetry[] {
  if (max <= 0 || countItems(t) <= max) return [t];
  const out: Telemetry[] = [];
  if (t.traces) for (const c of chunk(t.traces, max, (r) => r.scopeSpans, (s) => s.spans, (r, scopes) => ({ ...r, scopeSpans: scopes }), (s, items) => ({ ...s, spans: items }))) out.push({ traces: c });
  if (t.metrics) for (const c of chunkMetrics(t.metrics, max)) out.push({ metrics: c });
  if (t.logs) for (const c of chunk(t.logs, max, (r) => r.scopeLogs, (s) => s.logRecords, (r, scopes) => ({ ...r, scopeLogs: scopes }), (s, items) => ({ ...s, logRecords: items }))) out.push({ logs: c });
  return out;
}

function chunk<R, S, I>(
  resources: R[],
  max: number,
  scopesOf: (r: R) => S[],
  itemsOf: (s: S) => I[],
  withScopes: (r: R, s: S[]) => R,
  withItems: (s: S, i: I[]) => S,
): R[][] {
  const out: R[][] = [];
  let cur: R[] = [];
  let n = 0;
  for (const r of resources) {
    let scopes: S[] = [];
    for (const s of scopesOf(r)) {
      const items = itemsOf(s);
      let i = 0;
      while (i < items.length) {
        const take = Math.min(max - n, items.length - i);
        scopes.push(withItems(s, items.slice(i, i + take)));
        i += take;
        n += take;
        if (n >= max) {
          cur.push(withScopes(r, scopes));
          out.push(cur);
          cur = [];
          scopes = [];
          n = 0;
        }
      }
    }
    if (scopes.length) cur.push(withScopes(r, scopes));
  }
  if (cur.length) out.push(cur);
  return out;
}

function chunkMetrics(resources: ResourceMetrics[], max: number): ResourceMetrics[][] {
  // A metric's points are split like items; the metric header travels with each piece.
  return chunk(
    resources,
    max,
    (r) => r.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => ({ sm, m }))),
    (x) => x.m.data.dataPoints as unknown[],
    (r, parts) => {
      const byScope = new Map<unknown, typeof r.scopeMetrics[number]>();
      for (const { sm, m } of parts) {
        let s = byScope.get(sm);
        if (!s) byScope.set(sm, (s = { ...sm, metrics: [] }));
        s.metrics.push(m);
      }
      return { ...r, scopeMetrics: [...byScope.values()] };
    },
    (x, points) => ({ sm: x.sm, m: { ...x.m, data: { ...x.m.data, dataPoints: points } as typeof x.m.data } }),
  );
}

export type { ResourceLogs, ResourceSpans };

/**
 * The spans of a traces batch, one batch per trace id (resources and scopes kept with each
 * part), in order of first appearance.
 */
export function splitByTrace(resources: readonly ResourceSpans[]): Map<string, ResourceSpans[]> {
  const out = new Map<string, ResourceSpans[]>();
  for (const r of resources) {
    const perTrace = new Map<string, ResourceSpans>();
    for (const ss of r.scopeSpans) {
      const perScope = new Map<string, typeof ss>();
      for (const span of ss.spans) {
        let scoped = perScope.get(span.traceId);
        if (!scoped) {
          perScope.set(span.traceId, (scoped = { ...ss, spans: [] }));
          let res = perTrace.get(span.traceId);
          if (!res) perTrace.set(span.traceId, (res = { ...r, scopeSpans: [] }));
          res.scopeSpans.push(scoped);
        }
        scoped.spans.push(span);
      }
    }
    for (const [trace, res] of perTrace) {
      let list = out.get(trace);
      if (!list) out.set(trace, (list = []));
      list.push(res);
    }
  }
  return out;
}
