import { readFileSync } from 'node:fs';

/**
 * The last line of defence for configured secrets: everything Switchyard writes or serves (log
 * lines, dead letters, debug output, telemetry and error bodies) passes through `scrubSecrets`.
 * Code is meant never to log a key in the first place, but a vendor that echoes the request's
 * Authorization header in its error text hands the key back to us as data; only a scrub on the
 * way out can catch that. The set is process-wide because the secrets are: one config per process.
 */

const CENSOR = '[redacted]';
/** Shorter values (a header such as `x-tenant: 7`) would censor ordinary text everywhere. */
const MIN_LENGTH = 6;
/** Config keys whose string values are secrets, wherever they appear. */
const SECRET_KEYS = new Set(['api_key', 'api_keys', 'token', 'password', 'authorization', 'bearer_token', 'secret']);
/** Config keys whose values are maps of secrets (the Collector treats headers as opaque). */
const SECRET_MAPS = new Set(['headers']);
/** Config keys that name a file of key material. */
const SECRET_FILES = new Set(['key_file']);

let pattern: RegExp | undefined;

/** Replaces the secret set (at start-up, before anything is logged). */
export function registerSecrets(secrets: Iterable<string>): void {
  const texts = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_LENGTH) continue;
    for (const form of secretForms(s)) if (form.length >= MIN_LENGTH) texts.add(form);
  }
  // Longest first, so a form that contains another is censored whole.
  const sorted = [...texts].sort((a, b) => b.length - a.length).map(escapeRegExp);
  pattern = sorted.length ? new RegExp(sorted.join('|'), 'g') : undefined;
}

/** `text` with every configured secret, in every form we know, replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  return pattern ? text.replace(pattern, CENSOR) : text;
}

/**
 * Every secret a config holds: values under secret-named keys, header values, and the contents
 * of key files (a PEM block, and its base64 body lines, which are what a dump would show).
 */
export function secretsOfConfig(config: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string | undefined) => {
    if (typeof v === 'string') {
      if (key === undefined) return;
      if (SECRET_KEYS.has(key)) out.push(v);
      else if (SECRET_FILES.has(key)) out.push(...keyMaterial(v));
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) walk(item, key && SECRET_KEYS.has(key) ? key : undefined);
      return;
    }
    if (v instanceof Map) {
      for (const child of v.values()) walk(child, undefined);
      return;
    }
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (SECRET_MAPS.has(k) && child && typeof child === 'object') {
          for (const value of Object.values(child)) if (typeof value === 'string') out.push(value, ...bearerToken(value));
        } else walk(child, k);
      }
    }
  };
  walk(config, undefined);
  return out;
}

function bearerToken(value: string): string[] {
  const m = /^(?:bearer|basic|token)\s+(\S+)$/i.exec(value.trim());
  return m ? [m[1]!] : [];
}

function keyMaterial(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    return []; // the loader reports unreadable files; nothing to scrub
  }
  const lines = pem.split(/\r?\n/).filter((l) => l.length >= 16 && !l.startsWith('-----'));
  return [pem.trim(), ...lines];
}

/**
 * The shapes a secret takes in text: raw, base64 and base64url at each alignment within a 3-byte
 * group (a Basic header, a dumped Buffer), percent-encoded (upper- and lowercase hex) and hex.
 * For base64 only the characters that do not depend on neighbouring bytes are matched.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret];
  for (let pad = 0; pad < 3; pad++) {
    const padded = Buffer.concat([Buffer.alloc(pad), bytes]);
    const start = pad === 0 ? 0 : 4;
    const end = Math.floor(padded.length / 3) * 4;
    forms.push(padded.toString('base64').slice(start, end), padded.toString('base64url').slice(start, end));
  }
  const percent = encodeURIComponent(secret);
  forms.push(percent, percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), bytes.toString('hex'));
  return forms;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
