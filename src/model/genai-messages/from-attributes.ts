/**
 * Chat messages in the wild → the GenAI "parts" schema of `gen_ai.input.messages` /
 * `gen_ai.output.messages`: [{role, parts:[{type:"text",content} | {type:"tool_call",id,name,arguments}
 * | {type:"tool_call_response",id,response} | {type:"uri"|"blob",modality,…}], finish_reason?}].
 *
 * Sources: OpenInference's flattened `llm.input_messages.N.message.*` / `llm.output_messages.N.message.*`,
 * OpenLLMetry's `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`, and, failing those, an OpenAI- or
 * Anthropic-shaped JSON request/response in OpenInference's `input.value` / `output.value`.
 */
import { attrString, isKeyValueList, toJson, type AnyValue, type Attributes } from '../attributes.js';
import type { GenAiMessage as Message, GenAiPart as Part } from './message.js';

/** A nested view of flattened keys: numeric segments stay string keys until `indexed` sorts them. */
interface Node {
  [k: string]: Node | AnyValue;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isKeyValueList(v);
}

/**
 * Collects every `prefix.<rest>` key into a tree keyed by the dotted segments of `<rest>`.
 * Undefined when there are none.
 */
export function unflatten(attrs: Attributes, prefix: string): Node | undefined {
  let root: Node | undefined;
  const plen = prefix.length;
  for (const key in attrs) {
    if (!key.startsWith(prefix)) continue;
    root ??= {};
    const segs = key.slice(plen).split('.');
    let node: Node = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i]!;
      const child = node[s];
      if (isNode(child)) node = child;
      else node = node[s] = {};
    }
    const last = segs[segs.length - 1]!;
    // A leaf and a subtree under the same name: keep the subtree, it carries more.
    if (!isNode(node[last])) node[last] = attrs[key]!;
  }
  return root;
}

/** The numerically keyed children of a node, in index order. */
export function indexed(node: Node | AnyValue | undefined): Node[] {
  if (!isNode(node)) return [];
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node[k])
    .filter(isNode);
}

function str(v: Node | AnyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function child(n: Node | undefined, ...path: string[]): Node | AnyValue | undefined {
  let cur: Node | AnyValue | undefined = n;
  for (const p of path) {
    if (!isNode(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Tool arguments are JSON text in every source; the schema wants the value when it parses. */
function parseArguments(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  const t = v.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

function imagePart(url: string): Part {
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (m) return { type: 'blob', modality: 'image', ...(m[1] ? { mime_type: m[1] } : {}), content: m[3] };
  return { type: 'uri', modality: 'image', uri: url };
}

/**
 * Content blocks of the OpenAI and Anthropic APIs → parts. Returns undefined when the array is not
 * recognisably blocks, so that ordinary text that happens to be JSON stays text.
 */
function blocksToParts(blocks: unknown[]): Part[] | undefined {
  const parts: Part[] = [];
  for (const b of blocks) {
    if (!b || typeof b !== 'object') return undefined;
    const o = b as Record<string, unknown>;
    switch (o['type']) {
      case 'text':
      case 'input_text':
      case 'output_text':
        parts.push({ type: 'text', content: typeof o['text'] === 'string' ? o['text'] : '' });
        break;
      case 'thinking':
        parts.push({ type: 'reasoning', content: typeof o['thinking'] === 'string' ? o['thinking'] : '' });
        break;
      case 'image_url': {
        const iu = o['image_url'];
        const url = typeof iu === 'string' ? iu : iu && typeof iu === 'object' ? (iu as Record<string, unknown>)['url'] : undefined;
        if (typeof url === 'string') parts.push(imagePart(url));
        break;
      }
      case 'image': {
        const src = o['source'] as Record<string, unknown> | undefined;
        if (src?.['type'] === 'base64') parts.push({ type: 'blob', modality: 'image', mime_type: src['media_type'], content: src['data'] });
        else if (typeof src?.['url'] === 'string') parts.push(imagePart(src['url']));
        break;
      }
      case 'tool_use':
        parts.push({ type: 'tool_call', id: o['id'], name: o['name'], arguments: o['input'] ?? null });
        break;
      case 'tool_result': {
        const c = o['content'];
        const response = Array.isArray(c) ? c.map((x) => (x && typeof x === 'object' && 'text' in x ? (x as { text: unknown }).text : x)).join('') : c;
        parts.push({ type: 'tool_call_response', id: o['tool_use_id'], response });
        break;
      }
      default:
        return undefined;
    }
  }
  return parts;
}

/** A content string: text, unless it is a JSON array of content blocks (OpenLLMetry's Anthropic spans). */
function contentParts(content: string): Part[] {
  if (content.startsWith('[{')) {
    try {
      const parsed: unknown = JSON.parse(content);
      if (Array.isArray(parsed)) {
        const parts = blocksToParts(parsed);
        if (parts) return parts;
      }
    } catch {
      // Not JSON after all: plain text.
    }
  }
  return content === '' ? [] : [{ type: 'text', content }];
}

function toolCallParts(calls: Node[], nested: boolean): Part[] {
  return calls.map((c) => {
    // OpenInference nests under tool_call.function.*; OpenLLMetry has id/name/arguments flat.
    const tc = nested ? (child(c, 'tool_call') as Node | undefined) : c;
    const id = str(child(tc, 'id'));
    const name = str(child(tc, 'function', 'name')) ?? str(child(tc, 'name'));
    const args = child(tc, 'function', 'arguments') ?? child(tc, 'arguments');
    return { type: 'tool_call', ...(id !== undefined ? { id } : {}), name: name ?? '', arguments: parseArguments(isNode(args) ? undefined : toJson(args as AnyValue)) };
  });
}

function finishMessage(role: string, parts: Part[], name: string | undefined, finish: string | undefined): Message {
  const m: Message = { role, parts };
  if (name !== undefined) m.name = name;
  if (finish !== undefined) m.finish_reason = finish;
  return m;
}

/** One OpenInference `message` node. */
function fromOpenInference(node: Node, finish: string | undefined): Message {
  const m = (child(node, 'message') as Node | undefined) ?? {};
  const role = str(m['role']) ?? 'user';
  const parts: Part[] = [];
  const content = str(m['content']);
  const toolCallId = str(m['tool_call_id']);
  if (role === 'tool' && toolCallId !== undefined) {
    parts.push({ type: 'tool_call_response', id: toolCallId, response: content ?? '' });
  } else {
    if (content !== undefined) parts.push(...contentParts(content));
    for (const c of indexed(m['contents'])) {
      const mc = child(c, 'message_content') as Node | undefined;
      const type = str(child(mc, 'type'));
      const text = str(child(mc, 'text'));
      const url = str(child(mc, 'image', 'image', 'url')) ?? str(child(mc, 'image', 'url'));
      if (type === 'image' || (type === undefined && url !== undefined)) {
        if (url !== undefined) parts.push(imagePart(url));
      } else if (text !== undefined) {
        parts.push({ type: 'text', content: text });
      }
    }
  }
  parts.push(...toolCallParts(indexed(m['tool_calls']), true));
  return finishMessage(role, parts, str(m['name']), str(m['finish_reason']) ?? finish);
}

/** One OpenLLMetry `gen_ai.prompt.N` / `gen_ai.completion.N` node. */
function fromOpenLLMetry(node: Node, defaultRole: string, finish: string | undefined): Message {
  const role = str(node['role']) ?? defaultRole;
  const content = str(node['content']);
  const toolCallId = str(node['tool_call_id']);
  const parts: Part[] = [];
  if (role === 'tool' && toolCallId !== undefined) parts.push({ type: 'tool_call_response', id: toolCallId, response: content ?? '' });
  else if (content !== undefined) parts.push(...contentParts(content));
  parts.push(...toolCallParts(indexed(node['tool_calls']), false));
  return finishMessage(role, parts, undefined, str(node['finish_reason']) ?? finish);
}

/** Messages of an OpenAI chat request body or Anthropic messages request ({messages:[{role,content}]}). */
function fromRequestJson(body: Record<string, unknown>): Message[] | undefined {
  const msgs = body['messages'];
  if (!Array.isArray(msgs) || msgs.length === 0) return undefined;
  const out: Message[] = [];
  if (typeof body['system'] === 'string') out.push({ role: 'system', parts: [{ type: 'text', content: body['system'] }] });
  for (const m of msgs) {
    if (!m || typeof m !== 'object' || typeof (m as Record<string, unknown>)['role'] !== 'string') return undefined;
    out.push(fromApiMessage(m as Record<string, unknown>, undefined));
  }
  return out;
}

function fromApiMessage(m: Record<string, unknown>, finish: string | undefined): Message {
  const role = String(m['role']);
  const c = m['content'];
  let parts: Part[] = [];
  if (role === 'tool' && typeof m['tool_call_id'] === 'string') parts = [{ type: 'tool_call_response', id: m['tool_call_id'], response: c ?? '' }];
  else if (typeof c === 'string') parts = c === '' ? [] : [{ type: 'text', content: c }];
  else if (Array.isArray(c)) parts = blocksToParts(c) ?? [{ type: 'text', content: JSON.stringify(c) }];
  const calls = m['tool_calls'];
  if (Array.isArray(calls)) {
    for (const tc of calls as Record<string, unknown>[]) {
      const fn = (tc?.['function'] ?? {}) as Record<string, unknown>;
      parts.push({ type: 'tool_call', id: tc?.['id'], name: fn['name'] ?? '', arguments: parseArguments(fn['arguments']) });
    }
  }
  return finishMessage(role, parts, typeof m['name'] === 'string' ? m['name'] : undefined, finish);
}

/** Output messages of an OpenAI chat completion ({choices:[{message,finish_reason}]}) or an Anthropic message. */
function fromResponseJson(body: Record<string, unknown>): Message[] | undefined {
  const choices = body['choices'];
  if (Array.isArray(choices) && choices.length > 0) {
    const out: Message[] = [];
    for (const ch of choices as Record<string, unknown>[]) {
      const m = ch?.['message'];
      if (!m || typeof m !== 'object') return undefined;
      const fr = ch['finish_reason'];
      out.push(fromApiMessage({ role: 'assistant', ...(m as Record<string, unknown>) }, typeof fr === 'string' ? fr : undefined));
    }
    return out;
  }
  if (body['type'] === 'message' && body['role'] === 'assistant' && Array.isArray(body['content'])) {
    const fr = body['stop_reason'];
    return [fromApiMessage(body, typeof fr === 'string' ? fr : undefined)];
  }
  return undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface FoundMessages {
  input?: Message[];
  output?: Message[];
}

const OI_IN = 'llm.input_messages.';
const OI_OUT = 'llm.output_messages.';
const TL_IN = 'gen_ai.prompt.';
const TL_OUT = 'gen_ai.completion.';

/**
 * Finds input and output messages on a span. `finishReasons` (from llm.finish_reason or the
 * canonical key) fill in output messages that carry none of their own, by index.
 */
export function findMessages(attrs: Attributes, finishReasons: string[] | undefined, want: { input: boolean; output: boolean }): FoundMessages {
  const found: FoundMessages = {};
  // Cheap precheck: most spans carry no flattened messages at all, so avoid building trees.
  let oi = false;
  let tl = false;
  for (const k in attrs) {
    if (k.startsWith('llm.')) oi ||= k.startsWith(OI_IN) || k.startsWith(OI_OUT);
    else if (k.startsWith('gen_ai.')) tl ||= k.startsWith(TL_IN) || k.startsWith(TL_OUT);
  }
  if (want.input) {
    const oiIn = oi ? indexed(unflatten(attrs, OI_IN)) : [];
    const tlIn = tl ? indexed(unflatten(attrs, TL_IN)) : [];
    if (oiIn.length > 0) found.input = oiIn.map((n) => fromOpenInference(n, undefined));
    else if (tlIn.length > 0) found.input = tlIn.map((n) => fromOpenLLMetry(n, 'user', undefined));
    else if (attrString(attrs, 'input.mime_type') === 'application/json') {
      const v = attrs['input.value'];
      const body = typeof v === 'string' ? parseJsonObject(v) : undefined;
      const msgs = body && fromRequestJson(body);
      if (msgs) found.input = msgs;
    }
  }
  if (want.output) {
    const oiOut = oi ? indexed(unflatten(attrs, OI_OUT)) : [];
    const tlOut = tl ? indexed(unflatten(attrs, TL_OUT)) : [];
    if (oiOut.length > 0) found.output = oiOut.map((n, i) => fromOpenInference(n, finishReasons?.[i]));
    else if (tlOut.length > 0) found.output = tlOut.map((n, i) => fromOpenLLMetry(n, 'assistant', finishReasons?.[i]));
    else if (attrString(attrs, 'output.mime_type') === 'application/json') {
      const v = attrs['output.value'];
      const body = typeof v === 'string' ? parseJsonObject(v) : undefined;
      const msgs = body && fromResponseJson(body);
      if (msgs) found.output = msgs;
    }
  }
  return found;
}

/** Finish reasons carried by output messages, for `gen_ai.response.finish_reasons`. */
export function finishReasonsOf(msgs: Message[] | undefined): string[] | undefined {
  if (!msgs) return undefined;
  const out = msgs.map((m) => m.finish_reason).filter((f): f is string => f !== undefined);
  return out.length > 0 ? out : undefined;
}

/**
 * Tool definitions: OpenInference `llm.tools.N.tool.json_schema` (JSON text each) and OpenLLMetry's
 * `llm.request.functions.N.{name,description,parameters}` → one JSON array.
 */
export function findToolDefinitions(attrs: Attributes): unknown[] | undefined {
  let has = false;
  for (const k in attrs) if (k.startsWith('llm.tools.') || k.startsWith('llm.request.functions.')) { has = true; break; }
  if (!has) return undefined;
  const out: unknown[] = [];
  const oi = unflatten(attrs, 'llm.tools.');
  for (const t of indexed(oi)) {
    const schema = str(child(t, 'tool', 'json_schema'));
    if (schema === undefined) continue;
    const parsed = parseArguments(schema);
    out.push(parsed);
  }
  const tl = unflatten(attrs, 'llm.request.functions.');
  for (const f of indexed(tl)) {
    const name = str(f['name']);
    if (name === undefined) continue;
    const def: Record<string, unknown> = { type: 'function', name };
    const d = str(f['description']);
    if (d !== undefined) def['description'] = d;
    const p = f['parameters'];
    if (p !== undefined && !isNode(p)) def['parameters'] = parseArguments(toJson(p as AnyValue));
    out.push(def);
  }
  return out.length > 0 ? out : undefined;
}
