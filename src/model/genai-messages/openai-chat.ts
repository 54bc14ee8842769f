/**
 * OpenAI-style chat messages ⇄ the GenAI semantic-convention message schema
 * (`{role, parts:[{type:"text"|"tool_call"|"tool_call_response"|…}], finish_reason}`), shared by
 * the Netra (request.prompt.messages, response.completion.choices) and Neatlogs
 * (input.messages / output.messages) codecs.
 *
 * The conversion is lossless for the shapes clients send (string or part-array content,
 * tool_calls, tool results, name and any other message key, which is carried as an extra key of
 * the GenAI message). A message it cannot represent makes the whole list unconvertible
 * (`undefined`), and the caller then keeps the vendor's object verbatim as `input.value`.
 */
import { setOwn } from '../attributes.js';
import { isJsonObject as isObject, type GenAiMessage, type GenAiPart, type JsonObject } from './message.js';

/** Choice-level keys of an OpenAI choice other than index/message/finish_reason. */
const CHOICE_LEVEL_KEYS = new Set(['logprobs']);

export function openAiMessagesToGenAi(messages: unknown): GenAiMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  const out: GenAiMessage[] = [];
  for (const m of messages) {
    const g = openAiMessageToGenAi(m);
    if (!g) return undefined;
    out.push(g);
  }
  return out;
}

export function openAiMessageToGenAi(m: unknown): GenAiMessage | undefined {
  if (!isObject(m) || typeof m.role !== 'string' || 'parts' in m) return undefined;
  const parts: GenAiPart[] = [];
  const consumed = new Set(['role', 'content']);
  const c = m.content;
  if (m.role === 'tool' && typeof m.tool_call_id === 'string') {
    consumed.add('tool_call_id');
    parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: c ?? null });
  } else if (typeof c === 'string') {
    parts.push({ type: 'text', content: c });
  } else if (Array.isArray(c)) {
    if (c.length === 1 && isPlainTextPart(c[0])) return undefined; // would come back as a plain string
    for (const p of c) {
      const gp = contentPartToGenAi(p);
      if (!gp) return undefined;
      parts.push(gp);
    }
  } else if (c !== undefined && c !== null) {
    return undefined;
  }
  if (m.tool_calls !== undefined) {
    if (!Array.isArray(m.tool_calls)) return undefined;
    consumed.add('tool_calls');
    for (const tc of m.tool_calls) {
      const p = toolCallToGenAi(tc);
      if (!p) return undefined;
      parts.push(p);
    }
  }
  const g: GenAiMessage = { role: m.role, parts };
  for (const k of Object.keys(m)) if (!consumed.has(k) && m[k] !== undefined) setOwn(g, k, m[k]);
  return g;
}

function isPlainTextPart(p: unknown): boolean {
  return isObject(p) && p.type === 'text' && typeof p.text === 'string' && Object.keys(p).length === 2;
}

function contentPartToGenAi(p: unknown): GenAiPart | undefined {
  if (!isObject(p) || typeof p.type !== 'string') return undefined;
  if (isPlainTextPart(p)) return { type: 'text', content: p.text };
  if (p.type === 'image_url' && Object.keys(p).length === 2 && isObject(p.image_url) && Object.keys(p.image_url).length === 1 && typeof p.image_url.url === 'string') {
    return { type: 'uri', modality: 'image', uri: p.image_url.url };
  }
  // Any other part is kept as the vendor sent it; its own `type` names it (GenAI GenericPart).
  if (p.type === 'text' || p.type === 'uri' || p.type === 'tool_call' || p.type === 'tool_call_response') return undefined;
  return { ...p } as GenAiPart;
}

function toolCallToGenAi(tc: unknown): GenAiPart | undefined {
  if (!isObject(tc) || typeof tc.id !== 'string' || tc.type !== 'function' || !isObject(tc.function)) return undefined;
  const f = tc.function;
  if (typeof f.name !== 'string' || typeof f.arguments !== 'string' || Object.keys(f).length !== 2 || Object.keys(tc).length !== 3) return undefined;
  return { type: 'tool_call', id: tc.id, name: f.name, arguments: argumentsToValue(f.arguments) };
}

/** Tool-call arguments as structured JSON when the text is canonical JSON, else the text itself. */
function argumentsToValue(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && JSON.stringify(v) === text) return v;
  } catch {
    /* not JSON: keep the text */
  }
  return text;
}

export function genAiMessagesToOpenAi(messages: unknown): JsonObject[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  const out: JsonObject[] = [];
  for (const m of messages) {
    const o = genAiMessageToOpenAi(m);
    if (!o) return undefined;
    out.push(o);
  }
  return out;
}

export function genAiMessageToOpenAi(m: unknown): JsonObject | undefined {
  if (!isObject(m) || typeof m.role !== 'string') return undefined;
  const parts = Array.isArray(m.parts) ? m.parts : [];
  const out: JsonObject = { role: m.role };
  const content: unknown[] = [];
  const toolCalls: JsonObject[] = [];
  let toolResponse: JsonObject | undefined;
  for (const p of parts) {
    if (!isObject(p) || typeof p.type !== 'string') continue;
    switch (p.type) {
      case 'text':
        content.push({ type: 'text', text: typeof p.content === 'string' ? p.content : String(p.content ?? '') });
        break;
      case 'uri':
        content.push({ type: 'image_url', image_url: { url: String(p.uri ?? '') } });
        break;
      case 'tool_call':
        toolCalls.push({
          id: String(p.id ?? ''),
          type: 'function',
          function: { name: String(p.name ?? ''), arguments: typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments ?? {}) },
        });
        break;
      case 'tool_call_response':
        toolResponse = p;
        break;
      default:
        content.push({ ...p });
    }
  }
  if (toolResponse && content.length === 0 && toolCalls.length === 0) {
    out.tool_call_id = String(toolResponse.id ?? '');
    out.content = toolResponse.response ?? null;
  } else if (content.length === 1 && isPlainTextPart(content[0])) {
    out.content = (content[0] as JsonObject).text;
  } else if (content.length > 0) {
    out.content = content;
  } else {
    out.content = null;
  }
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  for (const k of Object.keys(m)) if (k !== 'role' && k !== 'parts' && m[k] !== undefined) setOwn(out, k, m[k]);
  return out;
}

/** OpenAI `choices[]` → GenAI output messages (finish_reason on the message, index kept when not its position). */
export function choicesToGenAi(choices: unknown): GenAiMessage[] | undefined {
  if (!Array.isArray(choices)) return undefined;
  const out: GenAiMessage[] = [];
  for (let i = 0; i < choices.length; i++) {
    const ch = choices[i];
    if (!isObject(ch) || !isObject(ch.message)) return undefined;
    if (ch.index !== undefined && typeof ch.index !== 'number') return undefined;
    const g = openAiMessageToGenAi(ch.message);
    if (!g || 'finish_reason' in g || 'index' in g) return undefined;
    for (const k of Object.keys(ch)) {
      if (k === 'message' || k === 'index') continue;
      if (k !== 'finish_reason' && !CHOICE_LEVEL_KEYS.has(k)) return undefined;
      if (k in g) return undefined;
      setOwn(g, k, ch[k]);
    }
    if (ch.index !== undefined && ch.index !== i) g.index = ch.index;
    out.push(g);
  }
  return out;
}

/** GenAI output messages → OpenAI `choices[]` (index = position unless the message carries one). */
export function genAiToChoices(messages: unknown): JsonObject[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  const out: JsonObject[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isObject(m)) return undefined;
    const inner: JsonObject = {};
    const choice: JsonObject = { index: typeof m.index === 'number' ? m.index : i };
    for (const k of Object.keys(m)) {
      if (k === 'index') continue;
      if (k === 'finish_reason' || CHOICE_LEVEL_KEYS.has(k)) setOwn(choice, k, m[k]);
      else setOwn(inner, k, m[k]);
    }
    const msg = genAiMessageToOpenAi(inner);
    if (!msg) return undefined;
    choice.message = msg;
    out.push(choice);
  }
  return out;
}

/** Finish reasons of GenAI output messages, for `gen_ai.response.finish_reasons`. */
export function finishReasonsOf(messages: GenAiMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) if (typeof m.finish_reason === 'string') out.push(m.finish_reason);
  return out;
}

/** GenAI system instructions (`[{type:"text",content}]` or a string) as a system message. */
export function systemInstructionsToOpenAi(v: unknown): JsonObject | undefined {
  if (typeof v === 'string') {
    try {
      return systemInstructionsToOpenAi(JSON.parse(v));
    } catch {
      return { role: 'system', content: v };
    }
  }
  if (!Array.isArray(v)) return undefined;
  const texts = v.filter(isObject).map((p) => (typeof p.content === 'string' ? p.content : '')).filter((s) => s !== '');
  return texts.length ? { role: 'system', content: texts.join('\n') } : undefined;
}
