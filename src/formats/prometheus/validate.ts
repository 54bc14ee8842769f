import type { LabelPair, RawSeries } from './raw.js';

/**
 * The remote-write label rules a receiver must enforce (spec 1.0 "Labels"): every series names
 * its metric in `__name__`, label names are non-empty, sorted lexicographically and not repeated.
 * Label names are not checked against the classic character set, because Prometheus 3 accepts
 * UTF-8 names. An empty label *value* means "label absent" to Prometheus, so it is dropped rather
 * than refused.
 * Returns the problem, or undefined when the series is valid.
 */
export function seriesProblem(s: RawSeries): string | undefined {
  if (s.error) return s.error;
  const ls = s.labels;
  let hasName = false;
  for (let i = 0; i < ls.length; i++) {
    const [name, value] = ls[i]!;
    if (name === '') return 'has a label with an empty name';
    if (i > 0) {
      const prev = ls[i - 1]![0];
      if (prev === name) return `has the label "${name}" twice`;
      if (prev > name) return `labels are not sorted ("${name}" comes after "${prev}")`;
    }
    if (name === '__name__') hasName = value !== '';
  }
  if (!hasName) return 'has no __name__ label';
  return undefined;
}

/** `up{job="a",instance="b"}`, for messages (values cut short). */
export function describeSeries(labels: readonly LabelPair[]): string {
  const name = labels.find(([n]) => n === '__name__')?.[1] ?? '';
  const rest = labels
    .filter(([n]) => n !== '__name__')
    .slice(0, 8)
    .map(([n, v]) => `${n}=${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`);
  return `${name}{${rest.join(',')}}`;
}
