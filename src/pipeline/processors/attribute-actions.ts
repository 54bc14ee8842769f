/**
 * The action list shared by the `attributes` and `resource` processors, with the Collector's
 * semantics: insert (only when absent), update (only when present), upsert, delete, hash (SHA-256
 * hex), extract (regex named groups → new keys, overwriting), convert (int / double / string; a
 * value that does not convert is left alone). Each action is validated and compiled at config load
 * (regexes included) into a function over an attribute map.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AnyValue, Attributes } from '../../model/index.js';
import { valueToText } from '../../model/index.js';
import { compileRegex } from './regex.js';

type Scalar = string | number | boolean;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Config YAML numbers → OTLP types: integers are ints, others doubles. */
export function configValue(v: Scalar | Scalar[]): AnyValue {
  if (Array.isArray(v)) return v.map((x) => configValue(x));
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return v;
}

export type Action = (attrs: Attributes) => void;

const ACTIONS = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'] as const;

const actionSchema = z
  .strictObject({
    key: z.string().min(1).optional(),
    action: z.enum(ACTIONS),
    value: z.union([scalar, z.array(scalar)]).optional(),
    from_attribute: z.string().min(1).optional(),
    pattern: z.string().optional(),
    converted_type: z.enum(['int', 'double', 'string']).optional(),
  })
  .transform((a, ctx): Action => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message, input: a });
    };
    let re: RegExp | undefined;
    const pattern = a.pattern;
    if (pattern !== undefined) {
      try {
        re = compileRegex(pattern);
      } catch (e) {
        issue('pattern', `invalid regular expression ${JSON.stringify(a.pattern)}: ${(e as Error).message}`);
        return z.NEVER;
      }
    }
    switch (a.action) {
      case 'insert':
      case 'update':
      case 'upsert': {
        if (a.key === undefined) { issue('key', `"${a.action}" needs a key`); return z.NEVER; }
        if ((a.value === undefined) === (a.from_attribute === undefined)) {
          issue('value', `"${a.action}" needs exactly one of value or from_attribute`);
          return z.NEVER;
        }
        return setter(a.action, a.key, a.value !== undefined ? configValue(a.value) : undefined, a.from_attribute);
      }
      case 'delete':
      case 'hash': {
        if (a.key === undefined && re === undefined) { issue('key', `"${a.action}" needs a key or a pattern`); return z.NEVER; }
        const f = a.action === 'delete' ? (attrs: Attributes, k: string) => { delete attrs[k]; } : hashKey;
        return forKeys(a.key, re, f);
      }
      case 'extract': {
        if (a.key === undefined) { issue('key', '"extract" needs a key'); return z.NEVER; }
        if (!re) { issue('pattern', '"extract" needs a pattern with named groups'); return z.NEVER; }
        if (!/\(\?<[A-Za-z_$][\w$]*>/.test(pattern!.replaceAll('(?P<', '(?<'))) { issue('pattern', '"extract" pattern has no named groups (?<name>…)'); return z.NEVER; }
        return extractor(a.key, re);
      }
      case 'convert': {
        if (a.key === undefined) { issue('key', '"convert" needs a key'); return z.NEVER; }
        if (a.converted_type === undefined) { issue('converted_type', '"convert" needs converted_type: int, double or string'); return z.NEVER; }
        return converter(a.key, a.converted_type);
      }
    }
  });

export const actionsSchema = z.array(actionSchema);

function setter(kind: 'insert' | 'update' | 'upsert', key: string, value: AnyValue | undefined, from: string | undefined): Action {
  return (attrs) => {
    const present = key in attrs;
    if ((kind === 'insert' && present) || (kind === 'update' && !present)) return;
    const v = from !== undefined ? attrs[from] : value;
    // from_attribute naming an absent key does nothing, as in the Collector.
    if (v === undefined) return;
    attrs[key] = v;
  };
}

function hashKey(attrs: Attributes, k: string): void {
  const v = attrs[k];
  if (v === undefined || v === null) return;
  attrs[k] = createHash('sha256').update(valueToText(v)).digest('hex');
}

/** Applies `f` to `key` and to every key matching `re` (keys collected first: `f` may delete). */
function forKeys(key: string | undefined, re: RegExp | undefined, f: (attrs: Attributes, k: string) => void): Action {
  return (attrs) => {
    if (key !== undefined && key in attrs) f(attrs, key);
    if (re) for (const k of Object.keys(attrs)) if (re.test(k)) f(attrs, k);
  };
}

function extractor(key: string, re: RegExp): Action {
  return (attrs) => {
    const v = attrs[key];
    if (typeof v !== 'string') return;
    const m = re.exec(v);
    if (!m?.groups) return;
    for (const [name, val] of Object.entries(m.groups)) if (val !== undefined) attrs[name] = val;
  };
}

export function convertValue(v: AnyValue, to: 'int' | 'double' | 'string'): AnyValue | undefined {
  switch (to) {
    case 'string':
      return valueToText(v);
    case 'int':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (typeof v === 'string') {
        const t = v.trim();
        if (/^[+-]?\d+$/.test(t)) return BigInt(t);
        const n = Number(t);
        return t !== '' && Number.isFinite(n) ? BigInt(Math.trunc(n)) : undefined;
      }
      return undefined;
    case 'double':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string') {
        const n = Number(v.trim());
        return v.trim() !== '' && !Number.isNaN(n) ? n : undefined;
      }
      return undefined;
  }
}

function converter(key: string, to: 'int' | 'double' | 'string'): Action {
  return (attrs) => {
    const v = attrs[key];
    if (v === undefined || v === null) return;
    const c = convertValue(v, to);
    if (c !== undefined) attrs[key] = c;
  };
}

/** Runs the compiled actions in order. */
export function applyActions(actions: readonly Action[], attrs: Attributes): void {
  for (const a of actions) a(attrs);
}
