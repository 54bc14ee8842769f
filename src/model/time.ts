/** Timestamps are nanoseconds since the Unix epoch as `bigint`, so no precision is lost end to end. */
export type UnixNano = bigint;

const NS_PER_MS = 1_000_000n;

export function nanoFromMillis(ms: number): UnixNano {
  if (Number.isInteger(ms)) return BigInt(ms) * NS_PER_MS;
  // Fractional milliseconds (e.g. 1717555210000.5) keep their sub-millisecond part.
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

export function millisFromNano(ns: UnixNano): number {
  return Number(ns / NS_PER_MS);
}


const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** Parses an RFC 3339 / ISO 8601 time to nanoseconds, keeping up to nine fraction digits. */
export function nanoFromIso(text: string): UnixNano | undefined {
  const m = ISO_RE.exec(text.trim());
  if (!m) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : nanoFromMillis(ms);
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let offsetMin = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
  if (Number.isNaN(ms)) return undefined;
  const fracNs = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return BigInt(ms) * NS_PER_MS + fracNs;
}

let lastNs: UnixNano | undefined;
let lastIso = '';

/** Formats nanoseconds as RFC 3339 UTC, with as many fraction digits as are needed (none to nine). */
export function isoFromNano(ns: UnixNano): string {
  // Metric batches repeat one timestamp for thousands of points: remember the last answer.
  if (ns === lastNs) return lastIso;
  lastIso = formatIso(ns);
  lastNs = ns;
  return lastIso;
}

function formatIso(ns: UnixNano): string {
  const ms = ns / NS_PER_MS;
  let rem = ns % 1_000_000_000n;
  if (rem < 0n) rem += 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  if (rem === 0n) return base + 'Z';
  return base + '.' + rem.toString().padStart(9, '0').replace(/0+$/, '') + 'Z';
}

export function nowNano(): UnixNano {
  return BigInt(Date.now()) * NS_PER_MS;
}
