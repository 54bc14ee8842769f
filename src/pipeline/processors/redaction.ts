/**
 * `redaction`: masks or hashes PII and secrets in span attributes (and span event attributes and
 * status messages), in the message contents of gen_ai.input/output.messages, and in log bodies and
 * attributes. Marks each span or log record it changed with governance.security.pii_redacted = true.
 *
 * Message attributes are JSON text; they are parsed and only their string leaves are redacted, so
 * the result stays valid JSON and escapes (`\n4111…`) cannot hide a value from the detectors.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AnyValue, Attributes, Signal, Telemetry } from '../../model/index.js';
import { Canonical, GenAI, KeyValueList, valueToText } from '../../model/index.js';
import type { ProcessorDefinition } from '../processor-types.js';
import { forEachLogRecord, forEachSpan } from './for-each-span.js';
import { DETECTOR_NAMES, DETECTORS, findAll, type Detector } from './redaction-detectors.js';
import { compileRegex } from './regex.js';

const customPattern = z
  .union([z.string(), z.strictObject({ name: z.string().min(1), regex: z.string() })])
  .transform((p, ctx): Detector => {
    const name = typeof p === 'string' ? 'custom' : p.name;
    const src = typeof p === 'string' ? p : p.regex;
    try {
      return { name, re: compileRegex(src, 'g') };
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression ${JSON.stringify(src)}: ${(e as Error).message}`, input: p });
      return z.NEVER;
    }
  });

const keyList = z.array(z.string().min(1)).default([]);

export const redactionConfigSchema = z.strictObject({
  /** Replace with a sha256 hex prefix instead of the mask (same input → same output, so joins still work). */
  hash: z.boolean().default(false),
  hash_length: z.number().int().min(8).max(64).default(16),
  /** Prepended to every hashed value, so that hashes of short values (emails) cannot be looked up. */
  hash_salt: z.string().default(''),
  mask: z.string().default('****'),
  /** `[REDACTED:email]` instead of the bare mask. */
  label: z.boolean().default(false),
  /** Built-in detectors to run (default: all). */
  detectors: z.array(z.enum(DETECTOR_NAMES as [string, ...string[]])).optional(),
  /** Extra patterns: a regex string, or {name, regex}. */
  patterns: z.array(customPattern).default([]),
  /** Keys never touched (exact, or a prefix ending in `*`). */
  allow_keys: keyList,
  /** Keys whose value is always replaced whole. */
  block_keys: keyList,
});

export type RedactionConfig = z.output<typeof redactionConfigSchema>;

/** Exact keys in a Set, `prefix*` globs as prefixes: matching costs a lookup, not a regex. */
export function keyMatcher(keys: string[]): (key: string) => boolean {
  const exact = new Set(keys.filter((k) => !k.endsWith('*')));
  const prefixes = keys.filter((k) => k.endsWith('*')).map((k) => k.slice(0, -1));
  if (prefixes.length === 0) return (k) => exact.has(k);
  return (k) => exact.has(k) || prefixes.some((p) => k.startsWith(p));
}

/** Attributes whose value is JSON whose string leaves are content. */
const JSON_CONTENT_KEYS = new Set<string>([GenAI.inputMessages, GenAI.outputMessages, GenAI.systemInstructions]);
/** Structural fields of the parts schema: never content, never redacted. */
const STRUCTURAL = new Set(['role', 'type', 'finish_reason', 'modality', 'mime_type']);
/** JSON text nested inside JSON text is opened this many levels deep. */
const MAX_JSON_DEPTH = 3;

/**
 * A string that is probably a JSON object or array (OpenInference's `input.value` request body,
 * tool call arguments, a structured log body): worth parsing before looking for secrets.
 */
function looksLikeJson(s: string): boolean {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13 || s.charCodeAt(i) === 9)) i++;
  const c = s[i];
  if (c !== '{' && c !== '[') return false;
  let j = s.length - 1;
  while (j > i && /\s/.test(s[j]!)) j--;
  return s[j] === (c === '{' ? '}' : ']');
}

export class Redactor {
  private readonly detectors: readonly Detector[];
  private readonly allow: (k: string) => boolean;
  private readonly block: (k: string) => boolean;
  /** Findings in the current item; reset per span / log record. */
  hits = 0;

  constructor(private readonly cfg: RedactionConfig) {
    const enabled = cfg.detectors ? new Set(cfg.detectors) : undefined;
    this.detectors = [...DETECTORS.filter((d) => !enabled || enabled.has(d.name)), ...cfg.patterns];
    this.allow = keyMatcher(cfg.allow_keys);
    this.block = keyMatcher(cfg.block_keys);
  }

  private replacement(name: string, original: string): string {
    if (this.cfg.hash) {
      const h = createHash('sha256').update(this.cfg.hash_salt).update(original).digest('hex').slice(0, this.cfg.hash_length);
      return this.cfg.label ? `[${name}:sha256:${h}]` : `sha256:${h}`;
    }
    return this.cfg.label ? `[REDACTED:${name}]` : this.cfg.mask;
  }

  /** Redacts findings inside a string. */
  text(s: string): string {
    if (s.length < 3) return s;
    const found = findAll(s, this.detectors);
    if (found.length === 0) return s;
    this.hits += found.length;
    let out = '';
    let at = 0;
    for (const f of found) {
      out += s.slice(at, f.start) + this.replacement(f.name, s.slice(f.start, f.end));
      at = f.end;
    }
    return out + s.slice(at);
  }

  /** A whole value replaced, for block_keys. */
  private whole(v: AnyValue): AnyValue {
    if (v === null) return v;
    const r = this.replacement('blocked', valueToText(v));
    if (v === r) return v;
    this.hits++;
    return r;
  }

  value(v: AnyValue): AnyValue {
    if (typeof v === 'string') return looksLikeJson(v) ? this.jsonText(v) : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v instanceof KeyValueList) return new KeyValueList(this.attributesCopy(v.values));
    return v;
  }

  private attributesCopy(attrs: Attributes): Attributes {
    const out: Attributes = {};
    for (const k in attrs) out[k] = this.entry(k, attrs[k]!);
    return out;
  }

  private entry(key: string, v: AnyValue): AnyValue {
    if (this.allow(key)) return v;
    if (this.block(key)) return this.whole(v);
    if (typeof v === 'string' && JSON_CONTENT_KEYS.has(key)) return this.jsonText(v);
    return this.value(v);
  }

  /** Redacts attributes in place; returns nothing, `hits` tells whether anything changed. */
  attributes(attrs: Attributes): void {
    for (const k in attrs) {
      const v = attrs[k]!;
      const r = this.entry(k, v);
      if (r !== v) attrs[k] = r;
    }
  }

  /**
   * JSON text: parsed and only its string leaves redacted, then written back (unchanged text when
   * nothing was found). Detectors on the raw text would miss `\n4111…` or `\nsk-…` (the escape's
   * letter glues onto the value) and could cut an escape in half; leaves that are JSON text
   * themselves (a request body inside `input.value`) are opened too, a few levels deep.
   */
  private jsonText(s: string, depth = 0): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      return this.text(s);
    }
    const before = this.hits;
    const out = this.json(parsed, undefined, depth);
    return this.hits === before ? s : JSON.stringify(out);
  }

  private json(v: unknown, key: string | undefined, depth: number): unknown {
    if (typeof v === 'string') {
      if (key !== undefined && STRUCTURAL.has(key)) return v;
      return depth < MAX_JSON_DEPTH && looksLikeJson(v) ? this.jsonText(v, depth + 1) : this.text(v);
    }
    if (Array.isArray(v)) return v.map((x) => this.json(x, undefined, depth));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = this.json(x, k, depth);
      return o;
    }
    return v;
  }
}

export const redactionProcessor: ProcessorDefinition<RedactionConfig> = {
  type: 'redaction',
  mutatesData: true,
  signals: ['traces', 'logs'],
  configSchema: redactionConfigSchema,
  create(config, ctx) {
    const r = new Redactor(config);
    return {
      process(data: Telemetry, signal: Signal): Telemetry {
        let total = 0;
        if (signal === 'traces') {
          forEachSpan(data, (span) => {
            r.hits = 0;
            r.attributes(span.attributes);
            for (const ev of span.events) r.attributes(ev.attributes);
            if (span.status.message) span.status.message = r.text(span.status.message);
            if (r.hits > 0) {
              span.attributes[Canonical.piiRedacted] = true;
              total += r.hits;
            }
          });
        } else if (signal === 'logs') {
          forEachLogRecord(data, (rec) => {
            r.hits = 0;
            r.attributes(rec.attributes);
            if (rec.body !== undefined && rec.body !== null) rec.body = r.value(rec.body);
            if (r.hits > 0) {
              rec.attributes[Canonical.piiRedacted] = true;
              total += r.hits;
            }
          });
        }
        if (total > 0) ctx.count('redacted', total);
        return data;
      },
    };
  },
};
