/**
 * OpenAI-style chat messages (what Foglamp's `input`/`output` strings and KeywordsAI's
 * `input`/`output` carry for chat spans) ↔ the GenAI "parts" message schema used by
 * `gen_ai.input.messages` / `gen_ai.output.messages`.
 *
 * Vendor shape:  {role, content: string | null | [{type:"text", text} | other part], name?,
 *                 tool_calls?: [{id, type:"function", function:{name, arguments}}], tool_call_id?, finish_reason?}
 * GenAI shape:   {role, parts: [{type:"text", content} | {type:"tool_call", id, name, arguments}
 *                 | {type:"tool_call_response", id, response} | other part], name?, finish_reason?}
 *
 * Shared by the foglamp and keywordsai codecs (both vendors use this message dialect), through
 * codec-tools.ts' decodeContent/readContent.
 *
 * Not the same conversion as chat-messages.ts (Netra, Neatlogs), on purpose: this one converts
 * best-effort (extra message keys make it refuse, but e.g. `image_url` parts stay generic parts
 * and a one-part text array becomes a string) and its callers check the round trip, keeping the
 * vendor's verbatim text in `input.value`/`output.value` when it would not come back exactly.
 * chat-messages.ts is lossless by itself (every message key is carried, `image_url` becomes a
 * GenAI `uri` part) and refuses whatever it cannot give back. Merging them would change what
 * either pair of codecs writes.
 */
import { isJsonObject as isObject, type GenAiMessage, type GenAiPart, type JsonObject } from './message.js';

export type Direction = 'input' | 'output';

const VENDOR_MESSAGE_KEYS = new Set(['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'finish_reason']);

function isVendorMessage(v: unknown): v is JsonObject {
  if (!isObject(v) || typeof v.role !== 'string' || v.role === '') return false;
  for (const k of Object.keys(v)) if (!VENDOR_MESSAGE_KEYS.has(k)) return false;
  const c = v.content;
  if (c !== undefined && c !== null && typeof c !== 'string') {
    if (!Array.isArray(c) || !c.every((p) => isObject(p) && typeof p.type === 'string')) return false;
  }
  if (v.content === undefined && v.tool_calls === undefined) return false;
  if (v.name !== undefined && typeof v.name !== 'string') return false;
  if (v.tool_call_id !== undefined && typeof v.tool_call_id !== 'string') return false;
  if (v.finish_reason !== undefined && typeof v.finish_reason !== 'string') return false;
  if (v.tool_calls !== undefined) {
    if (!Array.isArray(v.tool_calls)) return false;
    for (const tc of v.tool_calls) {
      if (!isObject(tc) || !isObject(tc.function) || typeof tc.function.name !== 'string') return false;
    }
  }
  return true;
}

function parseMaybeJson(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function toGenAiMessage(m: JsonObject): GenAiMessage {
  const parts: GenAiPart[] = [];
  if (m.role === 'tool' && typeof m.tool_call_id === 'string') {
    parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: m.content ?? null });
  } else {
    const c = m.content;
    if (typeof c === 'string') parts.push({ type: 'text', content: c });
    else if (Array.isArray(c)) {
      for (const p of c as JsonObject[]) {
        if (p.type === 'text' && typeof p.text === 'string' && Object.keys(p).length === 2) parts.push({ type: 'text', content: p.text });
        else parts.push({ ...(p as GenAiPart) });
      }
    }
    if (Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls as JsonObject[]) {
        const fn = tc.function as JsonObject;
        const part: GenAiPart = { type: 'tool_call', name: fn.name as string, arguments: parseMaybeJson(fn.arguments) };
        if (tc.id !== undefined) part.id = tc.id;
        parts.push(part);
      }
    }
  }
  const out: GenAiMessage = { role: m.role as string, parts };
  if (typeof m.name === 'string') out.name = m.name;
  if (typeof m.finish_reason === 'string') out.finish_reason = m.finish_reason;
  return out;
}

/** Vendor chat JSON (one message or an array) → GenAI messages; undefined when it is not chat messages. */
export function toGenAiMessages(v: unknown): GenAiMessage[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every(isVendorMessage)) return undefined;
  return (list as JsonObject[]).map(toGenAiMessage);
}

function isGenAiMessage(v: unknown): v is GenAiMessage {
  return isObject(v) && typeof v.role === 'string' && Array.isArray(v.parts) && v.parts.every((p) => isObject(p) && typeof p.type === 'string');
}

/** Parses a `gen_ai.*.messages` attribute value (JSON text or structured) into GenAI messages. */
export function readGenAiMessages(v: unknown): GenAiMessage[] | undefined {
  const parsed = typeof v === 'string' ? parseMaybeJson(v) : v;
  if (!Array.isArray(parsed) || !parsed.every(isGenAiMessage)) return undefined;
  return parsed;
}

function stringifyArgs(a: unknown): string {
  return typeof a === 'string' ? a : JSON.stringify(a ?? {});
}

function fromGenAiMessage(m: GenAiMessage): JsonObject {
  const out: JsonObject = { role: m.role };
  const responses = m.parts.filter((p) => p.type === 'tool_call_response');
  if (m.role === 'tool' && responses.length === 1 && m.parts.length === 1) {
    const r = responses[0]!;
    out.content = r.response === undefined || r.response === null ? null : typeof r.response === 'string' ? r.response : JSON.stringify(r.response);
    if (m.name !== undefined) out.name = m.name;
    out.tool_call_id = r.id;
    if (m.finish_reason !== undefined) out.finish_reason = m.finish_reason;
    return out;
  }
  const toolCalls = m.parts.filter((p) => p.type === 'tool_call');
  const content = m.parts.filter((p) => p.type !== 'tool_call');
  const plainText = content.length > 0 && content.every((p) => p.type === 'text');
  if (content.length === 0) out.content = toolCalls.length > 0 ? null : '';
  else if (plainText && content.length === 1) out.content = String(content[0]!.content ?? '');
  else {
    out.content = content.map((p) => {
      if (p.type === 'text') return { type: 'text', text: String(p.content ?? '') };
      if (p.type === 'tool_call_response') return { type: 'text', text: typeof p.response === 'string' ? p.response : JSON.stringify(p.response) };
      return { ...p };
    });
  }
  if (m.name !== undefined) out.name = m.name;
  if (toolCalls.length > 0) {
    out.tool_calls = toolCalls.map((p) => {
      const tc: JsonObject = {};
      if (p.id !== undefined) tc.id = p.id;
      tc.type = 'function';
      tc.function = { name: p.name, arguments: stringifyArgs(p.arguments) };
      return tc;
    });
  }
  if (m.finish_reason !== undefined) out.finish_reason = m.finish_reason;
  return out;
}

/**
 * GenAI messages → the vendor's chat JSON. Input is always an array; output is a single message
 * object when there is exactly one (the shape of the vendors' examples), else an array.
 */
export function fromGenAiMessages(msgs: GenAiMessage[], dir: Direction): unknown {
  const list = msgs.map(fromGenAiMessage);
  return dir === 'output' && list.length === 1 ? list[0] : list;
}

/** System instructions (GenAI parts) as a leading system message, for vendors that have no field for them. */
export function systemMessageFrom(v: unknown): GenAiMessage | undefined {
  const parsed = typeof v === 'string' ? parseMaybeJson(v) : v;
  if (typeof parsed === 'string') return { role: 'system', parts: [{ type: 'text', content: parsed }] };
  if (Array.isArray(parsed) && parsed.every((p) => isObject(p) && typeof p.type === 'string')) {
    return { role: 'system', parts: parsed as GenAiPart[] };
  }
  return undefined;
}
