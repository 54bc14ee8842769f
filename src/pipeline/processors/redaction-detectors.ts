/**
 * The redaction processor's detectors: one compiled, global regex each (built once at module load),
 * a cheap precheck so most strings skip most regexes, and a validator for what a regex alone cannot
 * decide (Luhn for cards, digit counts for phones, group structure for IPv6).
 *
 * The shapes are chosen so that ordinary telemetry survives: UUIDs, hex trace/span ids, ISO
 * timestamps, dates, version strings and plain numbers match none of them (see the redaction tests).
 */

export interface Detector {
  name: string;
  /** A global regex, or (when absent) `scan` does the finding. */
  re?: RegExp;
  /** A hand-written linear scanner, for shapes a backtracking regex would make quadratic. */
  scan?: (s: string) => { start: number; end: number }[];
  /** False when the string cannot contain a match (saves running the regex). */
  hint?: (s: string) => boolean;
  /**
   * Accepts a match, returning the end of the region to redact (possibly shorter than the match),
   * or -1 to reject it; the scan then resumes one character after the match's start.
   */
  validate?: (m: RegExpExecArray) => number;
}

export interface Finding {
  start: number;
  end: number;
  name: string;
}

const hasDigit = (s: string): boolean => /\d/.test(s);

/** Luhn checksum over the digits of `s` (separators ignored). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/**
 * A run of 13–19 digits (optionally grouped by spaces or dashes) that passes Luhn. A run that fails
 * as a whole is tried without its trailing groups, so "4111 1111 1111 1111 12" still finds the card.
 */
function validateCard(m: RegExpExecArray): number {
  const text = m[0];
  let digits = '';
  // Ends of digit prefixes that stop at a separator or the end: candidate card lengths.
  const cuts: { len: number; end: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c >= '0' && c <= '9') {
      digits += c;
      const next = text[i + 1];
      if (next === undefined || next === ' ' || next === '-') cuts.push({ len: digits.length, end: i + 1 });
    }
  }
  for (let k = cuts.length - 1; k >= 0; k--) {
    const { len, end } = cuts[k]!;
    if (len < 13) break;
    if (len <= 19 && luhnValid(digits.slice(0, len))) return m.index + end;
  }
  return -1;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
  return n;
}

function validateIPv6(m: RegExpExecArray): number {
  const t = m[0];
  const doubles = t.split('::').length - 1;
  if (doubles > 1) return -1;
  const hasV4 = t.includes('.');
  const groups = t.split(':').filter((g) => g !== '');
  const need = hasV4 ? 7 : 8;
  if (doubles === 0) {
    if (groups.length !== need) return -1;
  } else if (groups.length >= need || groups.length === 0) {
    return -1;
  }
  // A single leading or trailing colon outside "::" is not an address.
  if ((t.startsWith(':') && !t.startsWith('::')) || (t.endsWith(':') && !t.endsWith('::'))) return -1;
  return m.index + t.length;
}

const LOCAL_CHARS = new Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");
const isLabelChar = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-');
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/**
 * Emails, found from each "@" outwards: a regex starting at every local-part character would be
 * quadratic on long runs of them ("aaaa…" without an "@"), and these run on every attribute.
 * The domain needs two or more labels and a final label of 2+ letters; trailing labels that do not
 * qualify are left out ("a@b.com.42" → "a@b.com").
 */
function scanEmails(s: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let at = s.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > 0 && LOCAL_CHARS.has(s[start - 1]!)) start--;
    // Label ends: [labelStart, labelEnd) pairs, stopping at anything that is not label or dot.
    let i = at + 1;
    let end = -1;
    let labels = 0;
    for (;;) {
      const ls = i;
      while (isLabelChar(s[i])) i++;
      if (i === ls) break;
      labels++;
      if (labels >= 2) {
        let alpha = i - ls >= 2;
        for (let k = ls; alpha && k < i; k++) alpha = isAlpha(s[k]!);
        if (alpha) end = i;
      }
      if (s[i] !== '.') break;
      i++;
    }
    if (start < at && end > 0) out.push({ start, end });
    at = s.indexOf('@', at + 1);
  }
  return out;
}

/** "Bearer <token>": only tokens that look like credentials, not "Bearer authentication". */
function validateBearer(m: RegExpExecArray): number {
  const token = m.groups?.['token'] ?? '';
  if (token.length >= 20 || (token.length >= 8 && /\d/.test(token))) return m.index + m[0].length;
  return -1;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** In order of preference when two findings start at the same place (more specific first). */
export const DETECTORS: readonly Detector[] = [
  { name: 'jwt', re: /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, hint: (s) => s.includes('eyJ') },
  { name: 'bearer', re: /\b(?<keep>[Bb]earer\s+)(?<token>[A-Za-z0-9._~+/-]+=*)/g, hint: (s) => s.includes('earer'), validate: validateBearer },
  { name: 'anthropic_key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, hint: (s) => s.includes('sk-ant-') },
  { name: 'openai_key', re: /\bsk-[A-Za-z0-9_-]{20,}/g, hint: (s) => s.includes('sk-') },
  { name: 'aws_key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, hint: (s) => s.includes('AKIA') || s.includes('ASIA') },
  { name: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g, hint: (s) => s.includes('gh') },
  { name: 'slack_token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: (s) => s.includes('xox') },
  { name: 'google_api_key', re: /\bAIza[0-9A-Za-z_-]{35}/g, hint: (s) => s.includes('AIza') },
  { name: 'email', scan: scanEmails, hint: (s) => s.includes('@') },
  {
    name: 'card',
    re: /(?<![0-9A-Za-z-])[3-6]\d(?:[ -]?\d){11,24}(?![0-9A-Za-z])/g,
    hint: hasDigit,
    validate: validateCard,
  },
  {
    name: 'ipv6',
    re: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:.])/g,
    hint: (s) => s.includes(':'),
    validate: validateIPv6,
  },
  {
    name: 'ipv4',
    re: new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, 'g'),
    hint: (s) => s.includes('.'),
  },
  {
    // International form: + country code, 8–15 digits in all (E.164), optional separators.
    name: 'phone',
    re: /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\w)/g,
    hint: (s) => s.includes('+'),
    validate: (m) => {
      const n = digitCount(m[0]);
      return n >= 8 && n <= 15 ? m.index + m[0].length : -1;
    },
  },
  {
    // North American form with separators: (415) 555-2671, 415-555-2671, 415.555.2671.
    name: 'phone',
    re: /(?<![\w.+-])(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-]|\.\d)/g,
    hint: hasDigit,
  },
];

export const DETECTOR_NAMES = [...new Set(DETECTORS.map((d) => d.name))];

/** Every finding of `detectors` in `s`, overlaps resolved (earliest first, then longest, then detector order). */
export function findAll(s: string, detectors: readonly Detector[]): Finding[] {
  let found: (Finding & { order: number })[] | undefined;
  for (let di = 0; di < detectors.length; di++) {
    const d = detectors[di]!;
    if (d.hint && !d.hint(s)) continue;
    if (d.scan) {
      for (const f of d.scan(s)) (found ??= []).push({ ...f, name: d.name, order: di });
      continue;
    }
    const re = d.re;
    if (!re) continue;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      if (m[0] === '') {
        re.lastIndex++;
        continue;
      }
      let end = m.index + m[0].length;
      if (d.validate) {
        end = d.validate(m);
        if (end < 0) {
          re.lastIndex = m.index + 1;
          continue;
        }
      }
      const keep = m.groups?.['keep']?.length ?? 0;
      (found ??= []).push({ start: m.index + keep, end, name: d.name, order: di });
    }
  }
  if (!found) return [];
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const out: Finding[] = [];
  let last = -1;
  for (const f of found) {
    if (f.start < last) continue;
    out.push({ start: f.start, end: f.end, name: f.name });
    last = f.end;
  }
  return out;
}
