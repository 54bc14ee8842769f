/**
 * Small helpers shared by the foglamp and keywordsai codecs: value comparison, vendor metadata
 * ↔ attributes, token counts, time conversions, the input/output content mapping and
 * `max_content_bytes` truncation.
 */
import { setOwn } from '../../model/attributes.js';
import {
  Canonical, GenAI, attrString, fromJson, toJson,
  type AnyValue, type Attributes,
} from '../../model/index.js';
import { fail } from '../errors.js';
import { join, typeName, type JsonObject } from '../json.js';
import {
  fromGenAiMessages, readGenAiMessages, systemMessageFrom, toGenAiMessages,
  type Direction,
} from '../../model/genai-messages/openai-chat-checked.js';
import type { GenAiMessage } from '../../model/genai-messages/message.js';

// ------------------------------------------------------------------ comparison

/** JSON text with object keys sorted, for order-insensitive equality of JSON values. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return '[' + v.map(stableJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().map((k) => JSON.stringify(k) + ':' + stableJson(o[k])).join(',') + '}';
}

export function sameValue(a: AnyValue | undefined, b: AnyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return stableJson(toJson(a)) === stableJson(toJson(b));
}

/** A client's value quoted in an error message, cut short so a huge value is not echoed back. */
export function quote(v: string, max = 64): string {
  return JSON.stringify(v.length > max ? v.slice(0, max) + '…' : v);
}

// ------------------------------------------------------------------ metadata (decode)

/**
 * A metadata key the codec cannot take as an attribute of the same name: one in the vendor's own
 * namespace (`prefix`, e.g. "foglamp.") or in Switchyard's bookkeeping for it (`mark`).
 */
export function reservedMetadataKey(k: string, prefix: string, mark: string): boolean {
  return k.startsWith(prefix) || k.startsWith(mark);
}

export interface MetadataAttributes {
  /** The span's attributes, starting with its metadata entries. */
  attrs: Attributes;
  /** Keys whose value came from metadata and that no field has set yet. */
  fromMetadata: Set<string>;
  /** Sets a field's value: it wins over a metadata entry of the same key; a different metadata value is kept as `<prefix>metadata.<key>`. */
  set(k: string, v: AnyValue): void;
  /** Moves a metadata entry out of the way to `<prefix>metadata.<key>`, when a field will own that key. */
  setAside(k: string): void;
}

/**
 * Starts a span's attributes from the vendor's `metadata` object: entries become attributes of
 * the same name, except reserved keys, which are kept as `<prefix>metadata.<key>`.
 */
export function metadataAttributes(md: JsonObject | undefined, prefix: string, mark: string): MetadataAttributes {
  const attrs: Attributes = {};
  const fromMetadata = new Set<string>();
  if (md) {
    for (const [k, v] of Object.entries(md)) {
      if (reservedMetadataKey(k, prefix, mark)) attrs[`${prefix}metadata.${k}`] = fromJson(v);
      else {
        setOwn(attrs, k, fromJson(v));
        fromMetadata.add(k);
      }
    }
  }
  return {
    attrs,
    fromMetadata,
    set(k, v) {
      if (fromMetadata.has(k)) {
        if (!sameValue(attrs[k], v)) attrs[`${prefix}metadata.${k}`] = attrs[k]!;
        fromMetadata.delete(k);
      }
      setOwn(attrs, k, v);
    },
    setAside(k) {
      if (fromMetadata.has(k)) {
        attrs[`${prefix}metadata.${k}`] = attrs[k]!;
        delete attrs[k];
        fromMetadata.delete(k);
      }
    },
  };
}

/**
 * The vendor's single model field onto the model: it is the response model, and the request model
 * too unless metadata names one (e.g. an alias), which is more precise. The inverse of modelOf.
 */
export function setModel(m: MetadataAttributes, model: string): void {
  m.set(GenAI.responseModel, model);
  if (!m.fromMetadata.has(GenAI.requestModel)) m.set(GenAI.requestModel, model);
}

// ------------------------------------------------------------------ metadata and model (encode)

/**
 * The vendor's `metadata` object for a span: resource attributes, then the span attributes no
 * field used, then the metadata entries kept aside on decode (`<prefix>metadata.<key>`), then the
 * truncation flag.
 */
export function metadataOf(resource: Attributes, a: Attributes, used: Set<string>, prefix: string, truncated: boolean): JsonObject {
  const metadata: JsonObject = {};
  for (const [k, v] of Object.entries(resource)) if (!k.startsWith('switchyard.')) setOwn(metadata, k, toJson(v));
  for (const [k, v] of Object.entries(leftoverAttributes(a, used, [prefix]))) setOwn(metadata, k, toJson(v));
  for (const k in a) if (k.startsWith(`${prefix}metadata.`)) metadata[k.slice(`${prefix}metadata.`.length)] = toJson(a[k]);
  if (truncated) metadata[Canonical.contentTruncated] = true;
  return metadata;
}

/** The vendor's single model field: the response model, else the request model (marking those it matches as used). */
export function modelOf(a: Attributes, used: Set<string>): string | undefined {
  const model = attrString(a, GenAI.responseModel) ?? attrString(a, GenAI.requestModel);
  if (model !== undefined) {
    if (attrString(a, GenAI.responseModel) === model) used.add(GenAI.responseModel);
    if (attrString(a, GenAI.requestModel) === model) used.add(GenAI.requestModel);
  }
  return model;
}

// ------------------------------------------------------------------ counts

/** The numeric attributes named by `map` (vendor field → canonical key) as vendor fields, marking them used. */
export function countsOf(a: Attributes, map: Record<string, string>, used: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const [field, key] of Object.entries(map)) {
    const n = numberOf(a[key]);
    if (n === undefined) continue;
    out[field] = n;
    used.add(key);
  }
  return out;
}

/** A token/usage count: non-negative finite number; integers become OTLP ints (bigint). */
export function countValue(v: unknown, path: string): bigint | number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a non-negative number, got ${typeName(v)}`);
  if (v < 0) fail(path, 'must be a non-negative number');
  return Number.isSafeInteger(v) ? BigInt(v) : v;
}

export function optCount(o: JsonObject, key: string, path: string): bigint | number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return countValue(v, join(path, key));
}

/** A numeric attribute back as a JSON number (ints from bigint, doubles as they are). */
export function numberOf(v: AnyValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

// ------------------------------------------------------------------ time

const NS_PER_MS = 1_000_000n;

/** Nanoseconds → milliseconds as a JSON number, keeping a sub-millisecond fraction when there is one. */
export function msFromNano(ns: bigint): number {
  const whole = ns / NS_PER_MS;
  const rem = ns % NS_PER_MS;
  return rem === 0n ? Number(whole) : Number(whole) + Number(rem) / 1e6;
}

/** Seconds (double) → nanoseconds, rounded to the nanosecond. */
export function nanoFromSecondsExact(s: number): bigint {
  const whole = Math.trunc(s);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((s - whole) * 1e9));
}

export function secondsFromNano(ns: bigint): number {
  const whole = ns / 1_000_000_000n;
  const rem = ns % 1_000_000_000n;
  return rem === 0n ? Number(whole) : Number(whole) + Number(rem) / 1e9;
}

/** Milliseconds → seconds for gen_ai.response.time_to_first_chunk, and back without float noise. */
export function secondsFromMs(ms: number): number {
  return ms / 1000;
}

export function msFromSeconds(s: number): number {
  return Math.round(s * 1e9) / 1e6;
}

// ------------------------------------------------------------------ content

const VALUE_KEY: Record<Direction, string> = { input: Canonical.inputValue, output: Canonical.outputValue };
const MESSAGES_KEY: Record<Direction, string> = { input: GenAI.inputMessages, output: GenAI.outputMessages };
export const MIME_KEY: Record<Direction, string> = { input: 'input.mime_type', output: 'output.mime_type' };

/**
 * Maps vendor content onto the model. Chat messages become `gen_ai.{input,output}.messages`
 * (JSON text in the GenAI parts schema). When re-encoding those messages would not give back the
 * vendor's exact text, the text is also kept verbatim in `input.value`/`output.value`, which the
 * encoders prefer. Anything else is `input.value`/`output.value`.
 *
 * `text` is the vendor's string; `parsed` is its JSON value when the vendor sent structure (or
 * the string parsed), undefined when it is not JSON.
 */
export function decodeContent(attrs: Attributes, dir: Direction, text: string, parsed: unknown, structured: boolean): void {
  const msgs = parsed === undefined ? undefined : toGenAiMessages(parsed);
  if (msgs) {
    attrs[MESSAGES_KEY[dir]] = JSON.stringify(msgs);
    const back = fromGenAiMessages(msgs, dir);
    const exact = structured ? stableJson(back) === stableJson(parsed) : JSON.stringify(back) === text;
    if (!exact) attrs[VALUE_KEY[dir]] = text;
    return;
  }
  attrs[VALUE_KEY[dir]] = text;
}

/** Parses a vendor string as JSON when it looks like an object or array. */
export function parseJsonText(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type Content = { text: string } | { json: unknown };

/**
 * True when `value` is a verbatim spelling of the same chat as the GenAI `messages` (what
 * decodeContent keeps when re-encoding would not give the vendor's exact text back).
 */
function spellsSameChat(value: AnyValue, messages: GenAiMessage[]): boolean {
  const parsed = typeof value === 'string' ? parseJsonText(value) : toJson(value);
  const msgs = parsed === undefined ? undefined : toGenAiMessages(parsed);
  return msgs !== undefined && stableJson(msgs) === stableJson(messages);
}

/**
 * Reads content for a vendor field from the model, marking the attributes it used:
 * `input.value` (verbatim) → `gen_ai.*.messages` (+ system instructions for input) → tool call
 * arguments/result. When a span has both a chat and an `input.value` that is not a spelling of
 * that chat (OpenInference's `input.value` is the raw request or the last user text), the chat
 * wins and the value stays unused, so it travels with the other leftover attributes.
 */
export function readContent(attrs: Attributes, dir: Direction, used: Set<string>): Content | undefined {
  const vk = VALUE_KEY[dir];
  const mk = MESSAGES_KEY[dir];
  const raw = attrs[vk];
  const mv = attrs[mk];
  const msgs = mv !== undefined && mv !== null ? readGenAiMessages(typeof mv === 'string' ? mv : toJson(mv)) : undefined;
  if (raw !== undefined && raw !== null && (!msgs || spellsSameChat(raw, msgs))) {
    used.add(vk);
    used.add(mk);
    if (attrs[MIME_KEY[dir]] === 'application/json' || attrs[MIME_KEY[dir]] === 'text/plain') used.add(MIME_KEY[dir]);
    return typeof raw === 'string' ? { text: raw } : { json: toJson(raw) };
  }
  if (mv !== undefined && mv !== null) {
    used.add(mk);
    if (!msgs) return typeof mv === 'string' ? { text: mv } : { json: toJson(mv) };
    let all: GenAiMessage[] = msgs;
    if (dir === 'input' && attrs[GenAI.systemInstructions] !== undefined) {
      const sys = systemMessageFrom(toJson(attrs[GenAI.systemInstructions]));
      if (sys) {
        all = [sys, ...msgs];
        used.add(GenAI.systemInstructions);
      }
    }
    return { json: fromGenAiMessages(all, dir) };
  }
  const tk = dir === 'input' ? GenAI.toolCallArguments : GenAI.toolCallResult;
  const tv = attrs[tk];
  if (tv !== undefined && tv !== null) {
    used.add(tk);
    return typeof tv === 'string' ? { text: tv } : { json: toJson(tv) };
  }
  return undefined;
}

export function contentAsText(c: Content): string {
  return 'text' in c ? c.text : JSON.stringify(c.json);
}

// ------------------------------------------------------------------ attributes

/** The keys of `attrs` not used by an encoder and not Switchyard's own bookkeeping. */
export function leftoverAttributes(attrs: Attributes, used: Set<string>, skipPrefixes: string[]): Attributes {
  const out: Attributes = {};
  for (const k in attrs) {
    if (used.has(k)) continue;
    if (skipPrefixes.some((p) => k.startsWith(p))) continue;
    if (k.startsWith('switchyard.') && k !== Canonical.contentTruncated && !k.startsWith('switchyard.original.')) continue;
    setOwn(out, k, attrs[k]!);
  }
  return out;
}

export { fromJson, toJson };
