import { isoFromNano } from '../../model/index.js';

/** RFC 3339 UTC with the fraction in groups of three digits (.200, .123456, .123456789), as Python parsers like. */
export function isoForKeywordsAi(ns: bigint): string {
  const iso = isoFromNano(ns);
  const m = /\.(\d+)Z$/.exec(iso);
  if (!m) return iso;
  const digits = m[1]!;
  return iso.slice(0, m.index) + '.' + digits.padEnd(Math.ceil(digits.length / 3) * 3, '0') + 'Z';
}

