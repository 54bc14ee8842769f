const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Parses a byte size (`5MiB`, `1mb`, `4096`). */
export function parseByteSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  if (!m) return undefined;
  const unit = (m[2] || 'b').toLowerCase();
  const f = UNITS[unit];
  return f === undefined ? undefined : Math.floor(Number(m[1]) * f);
}
