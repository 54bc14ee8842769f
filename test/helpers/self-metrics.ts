/**
 * Reads Switchyard's own /metrics (Prometheus text) over HTTP, as an operator would.
 *
 * A series that is not there is an error, never a silent 0: after a rename or a lost label a
 * "counter is zero" check must fail, not pass. prom-client exposes a labelled counter only once it
 * has been incremented, so "nothing happened" is asserted with `expectNoSeries`, which still
 * requires the metric family itself to be declared (its `# TYPE` line), so a renamed metric fails
 * that check too.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Metric family name → type, from the `# TYPE` lines. */
  families: Map<string, string>;
  samples: Sample[];
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)/.exec(line);
    if (t) families.set(t[1]!, t[2]!);
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`unparseable /metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { families, samples };
}

export async function readSelfMetrics(telemetryUrl: string): Promise<Exposition> {
  const res = await fetch(`${telemetryUrl}/metrics`);
  if (res.status !== 200) throw new Error(`${telemetryUrl}/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

const show = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(labels)}`;
const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/** The value of exactly one series: `labels` must be its whole label set. Throws when it is absent. */
export function seriesValue(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const hits = e.samples.filter((s) => s.name === name && sameLabels(s.labels, labels));
  if (hits.length !== 1) {
    const have = e.samples.filter((s) => s.name === name).map((s) => show(s.name, s.labels));
    throw new Error(`no single series ${show(name, labels)} in /metrics (found ${hits.length}); series of that name: ${have.length ? have.join(', ') : 'none'}`);
  }
  return hits[0]!.value;
}

/** `seriesValue` over HTTP. */
export async function selfMetric(telemetryUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return seriesValue(await readSelfMetrics(telemetryUrl), name, labels);
}

/**
 * Asserts, deliberately, that a declared metric has no series whose labels include `labels`
 * (for a counter: it never counted anything there). Throws when the family is not declared at
 * all (renamed or removed) or when such a series exists, naming what was found.
 */
export function assertNoSeries(e: Exposition, name: string, labels: Record<string, string> = {}): void {
  const family = name.replace(/_(bucket|sum|count)$/, '');
  if (!e.families.has(name) && !e.families.has(family)) throw new Error(`metric ${name} is not declared in /metrics (renamed?)`);
  const hits = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 0) throw new Error(`expected no series ${show(name, labels)}, found ${hits.map((s) => `${show(s.name, s.labels)} ${s.value}`).join(', ')}`);
}

export async function expectNoSeries(telemetryUrl: string, name: string, labels: Record<string, string> = {}): Promise<void> {
  assertNoSeries(await readSelfMetrics(telemetryUrl), name, labels);
}

/**
 * A counter's value where it may legitimately not have counted yet: the exact series when it
 * exists, 0 when the family is declared and has no series with these labels at all. Use only
 * where 0 is a real outcome; a renamed metric still throws.
 */
export function counterOrZero(e: Exposition, name: string, labels: Record<string, string>): number {
  if (!e.families.has(name)) throw new Error(`metric ${name} is not declared in /metrics (renamed?)`);
  if (e.families.get(name) !== 'counter') throw new Error(`${name} is a ${e.families.get(name)}, not a counter`);
  const partial = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return partial.length === 0 ? 0 : seriesValue(e, name, labels);
}

/** Every series of one metric as [labels, value], sorted, for asserting the whole set. */
export function seriesOf(e: Exposition, name: string): [Record<string, string>, number][] {
  return e.samples.filter((s) => s.name === name).map((s) => [s.labels, s.value] as [Record<string, string>, number]).sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));
}

/**
 * The sum over every series of a declared counter whose labels include `labels` (0 when none has
 * counted yet): for totals across label values (all reasons, all signals). A renamed or removed
 * metric still throws.
 */
export async function metricSum(telemetryUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const e = await readSelfMetrics(telemetryUrl);
  if (!e.families.has(name)) throw new Error(`metric ${name} is not declared in /metrics (renamed?)`);
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}
