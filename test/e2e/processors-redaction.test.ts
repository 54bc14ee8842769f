import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNetraStandin, type NetraStandin } from '../standins/netra.js';
import { foglampBySpan, netraBySpan, receivedText, sendWithSdk, type Sent, type SpanSpec } from './processors-sdk.js';

/**
 * The processor issue's "done means", part 2: spans from the OpenTelemetry JS SDK with an email,
 * a Luhn-valid card number, an `sk-…` key and a Bearer token in attributes and in message content
 * go through genai_normalize → redaction → genai_cost → the Netra and Foglamp stand-ins. None of
 * the secrets appears anywhere in the bytes the stand-ins received; the governance marker arrives
 * as Netra's governance.security.pii_redacted = true; ids and timestamps in the same spans survive.
 */
type Obj = Record<string, unknown>;

const EMAIL = 'jane.doe@example.com';
const CARD_SPACED = '4111 1111 1111 1111';
const CARD_DASHED = '5500-0000-0000-0004';
const OPENAI_KEY = 'sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUv';
const BEARER_TOKEN = 'tok9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** Each secret and the fragments of it that must not survive either (digits without separators). */
const FORBIDDEN = [
  EMAIL, 'jane.doe', CARD_SPACED, CARD_SPACED.replaceAll(' ', ''), CARD_DASHED, CARD_DASHED.replaceAll('-', ''),
  OPENAI_KEY, OPENAI_KEY.slice(3), BEARER_TOKEN,
];

const UUID = '3f2b8c1e-9d4a-4e6b-8f21-7c5d9e0a1b2c';
const HEX_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ISO_TIME = '2025-06-15T12:34:56.789+02:00';
const SURVIVORS = [UUID, HEX_TRACE_ID, ISO_TIME, 'gpt-4o', 'claude-3-5-sonnet-20241022'];

const OPENINFERENCE: SpanSpec = {
  name: 'ChatCompletion',
  error: `upstream refused key ${OPENAI_KEY} for ${EMAIL}`,
  attributes: {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o',
    'llm.provider': 'openai',
    'llm.token_count.prompt': 120,
    'llm.token_count.completion': 30,
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': `I am ${EMAIL}, card ${CARD_SPACED}; my key is ${OPENAI_KEY}. Ticket ${UUID} opened ${ISO_TIME}.`,
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': `Noted ${EMAIL}. Never share ${CARD_DASHED} or "Authorization: Bearer ${BEARER_TOKEN}".`,
    // OpenInference's input.value: the request body as JSON text, where a newline before a secret is `\n`.
    'input.value': JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `I am\n${EMAIL},\ncard\n${CARD_SPACED.replaceAll(' ', '')}\n${OPENAI_KEY}` }] }),
    'input.mime_type': 'application/json',
    'user.email': EMAIL,
    'http.request.header.authorization': `Bearer ${BEARER_TOKEN}`,
    'payment.card': CARD_DASHED,
    'request.id': UUID,
    'upstream.trace_id': HEX_TRACE_ID,
    'request.time': ISO_TIME,
    'session.id': UUID,
  },
};

const OPENLLMETRY: SpanSpec = {
  name: 'anthropic.chat',
  attributes: {
    'gen_ai.system': 'Anthropic',
    'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
    'llm.request.type': 'chat',
    'gen_ai.prompt.0.role': 'user',
    'gen_ai.prompt.0.content': `Email ${EMAIL} the receipt for card ${CARD_SPACED}. Use header Authorization: Bearer ${BEARER_TOKEN}.`,
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': `Sent at ${ISO_TIME} (request ${UUID}).`,
    'gen_ai.completion.0.finish_reason': 'end_turn',
    'gen_ai.usage.prompt_tokens': 80,
    'gen_ai.usage.completion_tokens': 20,
    'app.api_key': OPENAI_KEY,
  },
};

/** A span with nothing to redact gets no marker. */
const CLEAN: SpanSpec = {
  name: 'openai.chat',
  attributes: {
    'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'llm.request.type': 'chat',
    'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': `What changed in v2.0.1-beta on ${ISO_TIME}?`,
    'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 5, 'request.id': UUID,
  },
};

const SPECS = [OPENINFERENCE, OPENLLMETRY, CLEAN];

describe('OTel SDK → genai_normalize, redaction, genai_cost → Netra and Foglamp stand-ins', () => {
  let h: Harness;
  let netra: NetraStandin;
  let fog: FoglampStandin;
  let sent: Sent[];
  let all: string;

  beforeAll(async () => {
    netra = await startNetraStandin({ apiKey: 'netra-out' });
    fog = await startFoglamp({ apiKey: 'fl_out' });
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0 }
processors:
  genai_normalize: {}
  redaction: {}
  genai_cost: {}
  batch: { timeout: 50ms }
exporters:
  netra: { endpoint: ${netra.url}, api_key: netra-out, span_policy: all }
  foglamp: { endpoint: ${fog.url}, api_key: fl_out }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp], processors: [genai_normalize, redaction, genai_cost, batch], exporters: [netra, foglamp] }
`);
    sent = await sendWithSdk(h.service.receiverUrl('otlp'), SPECS, { 'service.name': 'support-bot' });
    await eventually(() => netra.events().length >= SPECS.length && foglampBySpan(fog).size >= SPECS.length, 10_000, 'all spans at both stand-ins');
    all = receivedText(netra, fog);
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    await netra?.close();
    await fog?.close();
  });

  it('no secret appears anywhere in the bytes either stand-in received', () => {
    expect(netra.received.length).toBeGreaterThan(0);
    expect(fog.requests.length).toBeGreaterThan(0);
    for (const secret of FORBIDDEN) {
      expect(all.includes(secret), `"${secret}" leaked`).toBe(false);
      // Also not JSON-escaped once more (message JSON inside a JSON string).
      expect(all.includes(JSON.stringify(secret).slice(1, -1))).toBe(false);
    }
    // The Bearer detector keeps the word and masks the token.
    expect(all).toContain('Bearer ****');
  });

  it('UUIDs, hex trace ids, ISO timestamps and model names survive in both', () => {
    const netraRaw = netra.received.map((r) => r.raw).join('');
    const fogRaw = fog.requests.map((r) => r.body).join('');
    for (const keep of SURVIVORS) {
      expect(netraRaw, `${keep} at Netra`).toContain(keep);
      expect(fogRaw, `${keep} at Foglamp`).toContain(keep);
    }
  });

  it('Netra: governance.security.pii_redacted = true on redacted events only; messages masked, still chat-shaped', () => {
    const ev = netraBySpan(netra);
    const oi = ev.get(sent[0]!.spanId)!;
    expect(oi.governance).toEqual({ security: { pii_redacted: true } });
    expect(ev.get(sent[1]!.spanId)!.governance).toEqual({ security: { pii_redacted: true } });
    expect(ev.get(sent[2]!.spanId)!.governance).toBeUndefined();

    const prompt = (oi.request as Obj).prompt as { messages: { role: string; content: string }[] };
    expect(prompt.messages).toHaveLength(1);
    expect(prompt.messages[0]!.role).toBe('user');
    expect(prompt.messages[0]!.content).toBe(`I am ****, card ****; my key is ****. Ticket ${UUID} opened ${ISO_TIME}.`);
    const choices = ((oi.response as Obj).completion as Obj).choices as { message: { role: string; content: string } }[];
    expect(choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Noted ****. Never share **** or "Authorization: Bearer ****".' });
    const attrs = oi.attributes as Obj;
    expect(attrs).toMatchObject({
      'user.email': '****', 'http.request.header.authorization': 'Bearer ****', 'payment.card': '****',
      'request.id': UUID, 'upstream.trace_id': HEX_TRACE_ID, 'request.time': ISO_TIME,
      'otel.status_description': 'upstream refused key **** for ****',
    });
    // Redaction did not break the rest of the mapping.
    expect((oi.request as Obj).model).toEqual({ name: 'gpt-4o', provider: 'openai' });
    expect((oi.response as Obj).usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
    expect(((oi.finops as Obj).cost as Obj).total_cost_usd).toBeCloseTo((120 * 2.5 + 30 * 10) / 1e6, 12);
  });

  it('Foglamp: masked input/output and metadata, marker in metadata, errorMessage masked', () => {
    const spans = foglampBySpan(fog);
    const { span, trace } = spans.get(sent[0]!.spanId)!;
    expect(trace.sessionId).toBe(UUID);
    expect(span).toMatchObject({ spanType: 'llm', modelId: 'gpt-4o', provider: 'openai', status: 'error', errorMessage: 'upstream refused key **** for ****' });
    expect(JSON.parse(span.input as string)).toEqual([{ role: 'user', content: `I am ****, card ****; my key is ****. Ticket ${UUID} opened ${ISO_TIME}.` }]);
    const md = span.metadata as Obj;
    // Foglamp metadata takes strings: the marker goes as its text, named in the JSON-text key list.
    expect(md['governance.security.pii_redacted']).toBe('true');
    expect(JSON.parse(md['switchyard.foglamp.json_keys'] as string)).toContain('governance.security.pii_redacted');
    expect(md['user.email']).toBe('****');
    expect(JSON.parse(md['input.value'] as string)).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'I am\n****,\ncard\n****\n****' }] });

    const ll = spans.get(sent[1]!.spanId)!.span;
    // `.` is a token character (RFC 6750 b64token), so the sentence's final dot goes with the token.
    expect(JSON.parse(ll.input as string)).toEqual([{ role: 'user', content: 'Email **** the receipt for card ****. Use header Authorization: Bearer ****' }]);
    expect((ll.metadata as Obj)['app.api_key']).toBe('****');
    expect((spans.get(sent[2]!.spanId)!.span.metadata as Obj)?.['governance.security.pii_redacted']).toBeUndefined();
  });
});
