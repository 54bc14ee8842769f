import { KeyValueList, wireOf } from '../model/index.js';
import type { Telemetry } from '../model/index.js';

/** Latest time an exporter can carry: int64 nanoseconds (year 2262), what the Collector's pdata holds. */
const MAX_UNIX_NANO = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

type WellFormed = string & { isWellFormed(): boolean };

/**
 * What every encoder needs of what a receiver accepted, checked before it is acknowledged, so
 * that nothing acknowledged can fail later in an encoder (and take a merged batch with it):
 * times are int64 nanoseconds ≥ 0, integers fit int64, strings and keys are well-formed UTF-16
 * (no lone surrogates: JSON and protobuf encoders would change or refuse them). One walk over
 * the decoded model; the path of the first problem is returned, for a 400 naming it.
 */
export function acceptanceProblem(t: Telemetry): { field: string; message: string } | undefined {
  // A batch kept as its original was checked by its decoder's scan, which admits only what every
  // encoder can write; walking it here would build the model the original exists to avoid.
  if (wireOf(t)) return undefined;
  const path: (string | number)[] = [];
  const problem = walk(t, path, '');
  return problem ? { field: pathText(path), message: `${pathText(path)} ${problem}` } : undefined;
}

function walk(v: unknown, path: (string | number)[], key: string): string | undefined {
  switch (typeof v) {
    case 'string':
      return (v as WellFormed).isWellFormed() ? undefined : 'is not a valid Unicode string (it contains a lone surrogate)';
    case 'bigint':
      if (key.endsWith('UnixNano')) {
        return v < 0n || v > MAX_UNIX_NANO ? `is out of range: ${v} ns is not a time between 1970 and 2262` : undefined;
      }
      return v < MIN_INT64 || v > MAX_INT64 ? `is out of range: ${v} does not fit a 64-bit integer` : undefined;
    case 'object': {
      if (v === null || v instanceof Uint8Array) return undefined;
      if (v instanceof KeyValueList) return walk(v.values, path, key);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          const p = walk(v[i], path, key);
          if (p) return p;
          path.pop();
        }
        return undefined;
      }
      // Own keys only (an own `__proto__` key included): input keys are data.
      for (const k of Object.keys(v)) {
        path.push(k);
        if (!(k as WellFormed).isWellFormed()) return 'is a key that is not a valid Unicode string (it contains a lone surrogate)';
        const p = walk((v as Record<string, unknown>)[k], path, k);
        if (p) return p;
        path.pop();
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function pathText(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}
