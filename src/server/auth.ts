import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthSpec } from '../formats/types.js';

/**
 * Checks a presented key against the configured ones in constant time: both sides are hashed to
 * equal length first, and every configured key is compared, so timing reveals neither.
 */
export class KeyChecker {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[], private readonly spec: AuthSpec) {
    this.digests = keys.map(digest);
  }

  /** The problem with the request's credentials, or undefined when they are good. */
  check(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
    const raw = headers[this.spec.header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) return `missing ${this.headerName()} header`;
    let key = value;
    if (this.spec.scheme) {
      const m = /^(\S+)\s+(.+)$/.exec(value);
      if (!m || m[1]!.toLowerCase() !== this.spec.scheme.toLowerCase()) return `${this.headerName()} must be "${this.spec.scheme} <key>"`;
      key = m[2]!.trim();
    }
    const d = digest(key);
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(k, d) || ok;
    return ok ? undefined : `invalid API key in ${this.headerName()}`;
  }

  private headerName(): string {
    return this.spec.header === 'authorization' ? 'Authorization' : this.spec.header;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
