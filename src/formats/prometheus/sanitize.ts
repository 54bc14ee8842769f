/**
 * OpenTelemetry → Prometheus name rules ("Prometheus and OpenMetrics compatibility" in the
 * OpenTelemetry specification, as the Collector's prometheus translator applies them):
 * - metric names: characters outside [a-zA-Z0-9_:] become `_` (runs collapse to one), a leading
 *   digit gets a `_` prefix;
 * - label names: characters outside [a-zA-Z0-9_] become `_`, a leading digit gets `key_`, a
 *   leading `__` (reserved for Prometheus) gets `key`;
 * - monotonic cumulative sums get `_total`; the unit suffix (`_seconds`, `_bytes`, …) is optional.
 */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]+/g, '_');
  if (out === '') return '_';
  if (/^[0-9]/.test(out)) out = '_' + out;
  return out;
}

export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]+/g, '_');
  if (out === '') return 'key_';
  if (/^[0-9]/.test(out)) out = 'key_' + out;
  else if (out.startsWith('__')) out = 'key' + out;
  return out;
}

const UNIT_WORDS: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tibibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};

const PER_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

/** The Prometheus suffix for an UCUM unit (`s` → `seconds`, `By/s` → `bytes_per_second`); '' when none. */
export function unitSuffix(unit: string | undefined, isGauge: boolean): string {
  if (!unit) return '';
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (u === '') return '';
  if (u === '1') return isGauge ? 'ratio' : '';
  const [main, per] = u.split('/', 2) as [string, string | undefined];
  const word = (x: string, table: Record<string, string>) => table[x] ?? x;
  const parts = [main ? word(main, UNIT_WORDS) : '', per ? 'per_' + word(per, PER_WORDS) : ''].filter(Boolean);
  return sanitizeMetricName(parts.join('_')).replace(/^_+|_+$/g, '');
}

/** The exported name of a metric: sanitised, optional unit suffix, `_total` for counters. */
export function prometheusName(name: string, opts: { unit?: string; counter: boolean; gauge: boolean; addUnitSuffix: boolean }): string {
  let out = sanitizeMetricName(name);
  if (opts.counter && out.endsWith('_total')) out = out.slice(0, -6);
  if (opts.addUnitSuffix) {
    const suffix = unitSuffix(opts.unit, opts.gauge);
    if (suffix && !out.split('_').includes(suffix) && !out.endsWith('_' + suffix)) out += '_' + suffix;
  }
  if (opts.counter) out += '_total';
  return out;
}
