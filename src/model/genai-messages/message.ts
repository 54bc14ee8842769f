/**
 * The one GenAI message type (semantic conventions' `gen_ai.input.messages` /
 * `gen_ai.output.messages` "parts" form) every adapter in this folder reads or writes. The
 * adapters, one per convention, used by formats and processors alike:
 * - openai-chat.ts: OpenAI chat messages and choices, lossless (Netra, Neatlogs).
 * - openai-chat-checked.ts: the same dialect best-effort, checked by a round trip (Foglamp,
 *   KeywordsAI); kept apart because merging the two would change what either pair writes.
 * - from-attributes.ts: OpenInference / OpenLLMetry flattened attributes and OpenAI- or
 *   Anthropic-shaped request/response JSON (the genai_normalize processor).
 */
export interface GenAiPart {
  type: string;
  [k: string]: unknown;
}

export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  name?: string;
  finish_reason?: string;
  /** Adapters that are lossless carry the vendor's other message keys here. */
  [k: string]: unknown;
}

/** A JSON object as the adapters read it (the model does not depend on the formats' JSON helpers). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
