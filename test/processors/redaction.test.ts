import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Canonical, GenAI, KeyValueList } from '../../src/model/index.js';
import { findAll, DETECTORS, luhnValid } from '../../src/pipeline/processors/redaction-detectors.js';
import { redactionConfigSchema, redactionProcessor, Redactor } from '../../src/pipeline/processors/redaction.js';
import { allSpans, context, logs, make, span, traces } from './helpers.js';

const redactor = (config: unknown = {}) => new Redactor(redactionConfigSchema.parse(config));
const labelled = redactor({ label: true });
const redact = (s: string) => labelled.text(s);

const POSITIVES: [string, string, string][] = [
  ['email', 'contact jane.doe+test@example.co.uk now', 'contact [REDACTED:email] now'],
  ['email (odd local part)', "o'brien!x@mail-server.example.org", '[REDACTED:email]'],
  ['visa', 'card 4111 1111 1111 1111 exp', 'card [REDACTED:card] exp'],
  ['visa, dashes', 'card=4111-1111-1111-1111.', 'card=[REDACTED:card].'],
  ['mastercard', '5555555555554444', '[REDACTED:card]'],
  ['amex', 'amex 378282246310005', 'amex [REDACTED:card]'],
  ['card followed by more digits', '4111 1111 1111 1111 12', '[REDACTED:card] 12'],
  ['phone, international', 'call +1 415 555 2671 today', 'call [REDACTED:phone] today'],
  ['phone, E.164', '+14155552671', '[REDACTED:phone]'],
  ['phone, UK', '+44 20 7946 0958', '[REDACTED:phone]'],
  ['phone, NANP', 'or (415) 555-2671.', 'or [REDACTED:phone].'],
  ['phone, NANP dashes', '415-555-2671', '[REDACTED:phone]'],
  ['ipv4', 'from 192.168.1.100:8080', 'from [REDACTED:ipv4]:8080'],
  ['ipv6', 'peer 2001:db8:85a3::8a2e:370:7334 ok', 'peer [REDACTED:ipv6] ok'],
  ['ipv6 full', '2001:0db8:0000:0000:0000:ff00:0042:8329', '[REDACTED:ipv6]'],
  ['ipv6 loopback', 'addr ::1', 'addr [REDACTED:ipv6]'],
  ['openai key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'key [REDACTED:openai_key]'],
  ['anthropic key', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx-yz0123456789', '[REDACTED:anthropic_key]'],
  ['aws key', 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'AWS_ACCESS_KEY_ID=[REDACTED:aws_key]'],
  ['github token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:github_token]'],
  ['slack token', 'xoxb-123456789012-abcdefghij', '[REDACTED:slack_token]'],
  ['bearer', 'Authorization: Bearer abc123def456ghi789', 'Authorization: Bearer [REDACTED:bearer]'],
  ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[REDACTED:jwt]'],
  ['bearer jwt (the more specific name wins)', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', 'Bearer [REDACTED:jwt]'],
  ['google api key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED:google_api_key]'],
  ['several', 'a@b.io and 10.0.0.1', '[REDACTED:email] and [REDACTED:ipv4]'],
];

const NEGATIVES: [string, string][] = [
  ['uuid', '123e4567-e89b-12d3-a456-426614174000'],
  ['uuid, digit-heavy', '55064840-1234-4123-8123-446655440000'],
  ['trace id', '4bf92f3577b34da6a3ce929d0e0e4736'],
  ['span id', '00f067aa0ba902b7'],
  ['all-digit span id in hex form', 'span 1234567890123456abcdef'],
  ['iso timestamp', '2024-01-15T10:30:00.123456789Z'],
  ['iso timestamp with offset', '2024-01-15T10:30:00+05:30'],
  ['iso timestamp, compact offset', '2024-01-15T10:30:00+0000'],
  ['date', '2024-01-15'],
  ['dotted date', '15.01.2024'],
  ['time', '10:30:00'],
  ['version', '1.2.3'],
  ['prerelease version', 'v2.0.1-beta'],
  ['version with build', '1.22.0-rc.1+build.5'],
  ['ordinary integer', 'took 1234567 ns'],
  ['large round number', '1000000000'],
  ['nanosecond epoch', '1700000000250000000'],
  ['millisecond epoch', '1717555210000'],
  ['decimal', '3.14159265'],
  ['negative number', '-42.5'],
  ['thousands', '1,234,567'],
  ['percent and money', '99.9% of $1,299.00'],
  ['not luhn', '4111 1111 1111 1112'],
  ['mac address', '00:1a:2b:3c:4d:5e'],
  ['c++ scope', 'std::vector<int>'],
  ['bearer prose', 'Bearer authentication is required'],
  ['short sk', 'sk-learn'],
  ['model names', 'gpt-4o-2024-08-06 claude-3-5-sonnet-20241022'],
  ['http route', '/v1/chat/completions?id=42'],
  ['semver range', '>=1.2.3 <2.0.0'],
  ['port', 'localhost:4318'],
];

describe('redaction table', () => {
  it.each(POSITIVES)('redacts %s', (_name, input, expected) => expect(redact(input)).toBe(expected));
  it.each(NEGATIVES)('keeps %s', (_name, input) => expect(redact(input)).toBe(input));
  it('luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('redaction modes', () => {
  it('masks with **** by default', () => expect(redactor().text('mail a@b.io')).toBe('mail ****'));
  it('a custom mask', () => expect(redactor({ mask: '<x>' }).text('mail a@b.io')).toBe('mail <x>'));
  it('hashes deterministically with a sha256 hex prefix', () => {
    const r = redactor({ hash: true });
    const a = r.text('mail a@b.io');
    expect(a).toMatch(/^mail sha256:[0-9a-f]{16}$/);
    expect(r.text('mail a@b.io')).toBe(a);
    expect(r.text('mail c@d.io')).not.toBe(a);
    expect(redactor({ hash: true, hash_salt: 'pepper' }).text('mail a@b.io')).not.toBe(a);
    expect(redactor({ hash: true, label: true, hash_length: 8 }).text('a@b.io')).toMatch(/^\[email:sha256:[0-9a-f]{8}\]$/);
  });
  it('custom patterns and a detector subset', () => {
    const r = redactor({ label: true, patterns: [{ name: 'employee', regex: 'EMP-\\d{6}' }, 'ACME-[A-Z]+'], detectors: ['email'] });
    expect(r.text('EMP-123456 ACME-X a@b.io 10.0.0.1')).toBe('[REDACTED:employee] [REDACTED:custom] [REDACTED:email] 10.0.0.1');
  });
  it('config errors name the pattern', () => {
    const bad = redactionConfigSchema.safeParse({ patterns: ['ok', '(unclosed'] });
    expect(bad.error!.issues[0]!.path).toEqual(['patterns', 1]);
    expect(bad.error!.issues[0]!.message).toMatch(/invalid regular expression/);
    expect(redactionConfigSchema.safeParse({ detectors: ['emails'] }).success).toBe(false);
  });
});

describe('redaction processor', () => {
  it('redacts span attributes, events, status, messages; honours allow and block keys; marks the span', () => {
    const ctx = context();
    const p = make(redactionProcessor, { label: true, allow_keys: ['user.email'], block_keys: ['db.statement', 'secret.*'] }, ctx);
    const s = span('chat', {
      'user.email': 'keep@example.com',
      'enduser.contact': 'write to jane@example.com',
      'db.statement': 'SELECT 1',
      'secret.token': 42n,
      'nested': new KeyValueList({ ip: '10.1.2.3', list: ['x', 'y@z.io'] as never }),
      [GenAI.inputMessages]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'my card is\n4111111111111111' }] }]),
      [GenAI.outputMessages]: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'fine' }] }]),
      'http.status_code': 200n,
    }, { status: { code: 2, message: 'failed for bob@example.com' } });
    s.events.push({ timeUnixNano: 1n, name: 'exception', attributes: { 'exception.message': 'token sk-abcdefghijklmnopqrstuvwxyz123' } });
    const out = allSpans(p.process(traces([s, span('clean', { a: 'nothing here' })]), 'traces'));
    const a = out[0]!.attributes;
    expect(a['user.email']).toBe('keep@example.com');
    expect(a['enduser.contact']).toBe('write to [REDACTED:email]');
    expect(a['db.statement']).toBe('[REDACTED:blocked]');
    expect(a['secret.token']).toBe('[REDACTED:blocked]');
    expect((a['nested'] as KeyValueList).values).toEqual({ ip: '[REDACTED:ipv4]', list: ['x', '[REDACTED:email]'] });
    expect(JSON.parse(a[GenAI.inputMessages] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my card is\n[REDACTED:card]' }] }]);
    expect(a[GenAI.outputMessages]).toBe(JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'fine' }] }]));
    expect(a['http.status_code']).toBe(200n);
    expect(out[0]!.status.message).toBe('failed for [REDACTED:email]');
    expect(out[0]!.events[0]!.attributes['exception.message']).toBe('token [REDACTED:openai_key]');
    expect(a[Canonical.piiRedacted]).toBe(true);
    expect(out[1]!.attributes[Canonical.piiRedacted]).toBeUndefined();
    expect(ctx.counts['redacted']).toBe(8);
  });
  it('redacts log bodies (text and structured) and attributes', () => {
    const p = make(redactionProcessor, {});
    const out = p.process(logs([
      { body: 'login from 203.0.113.9 by a@b.io', attributes: {} },
      { body: new KeyValueList({ msg: 'key AKIAIOSFODNN7EXAMPLE' }), attributes: { 'client.address': '2001:db8::1' } },
      { body: 'nothing', attributes: {} },
    ]), 'logs');
    const recs = out.logs![0]!.scopeLogs[0]!.logRecords;
    expect(recs[0]!.body).toBe('login from **** by ****');
    expect((recs[1]!.body as KeyValueList).values['msg']).toBe('key ****');
    expect(recs[1]!.attributes['client.address']).toBe('****');
    expect(recs[1]!.attributes[Canonical.piiRedacted]).toBe(true);
    expect(recs[2]!.attributes[Canonical.piiRedacted]).toBeUndefined();
  });
});

describe('redaction of JSON text in ordinary attributes (input.value, tool arguments, log bodies)', () => {
  // OpenInference's input.value is the request body as JSON text: a newline or tab before a
  // secret is `\n` / `\t` there, whose letter glues onto the value and hid it from the detectors
  // (and an email match could swallow the `t` of `\t`, leaving invalid JSON).
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'card\n4111111111111111 and\tjane@example.com\nsk-proj-AbCdEf0123456789GhIjKlMn' }] });

  it('parses it, redacts the string leaves and writes valid JSON back', () => {
    const attrs: Record<string, string> = { 'input.value': body, 'gen_ai.tool.call.arguments': JSON.stringify({ auth: 'Bearer\nabcdefghijklmnop1234', n: 1 }) };
    const r = redactor();
    r.attributes(attrs);
    expect(JSON.parse(attrs['input.value']!)).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'card\n**** and\t****\n****' }] });
    expect(JSON.parse(attrs['gen_ai.tool.call.arguments']!)).toEqual({ auth: 'Bearer\n****', n: 1 });
    expect(r.hits).toBe(4);
  });

  it('opens JSON text nested in JSON text (a request body inside a log body)', () => {
    const nested = JSON.stringify({ event: 'llm.request', body });
    const out = redactor().value(nested) as string;
    expect(out).not.toContain('4111111111111111');
    expect(out).not.toContain('jane@example.com');
    expect(out).not.toContain('sk-proj-');
    expect(JSON.parse(JSON.parse(out).body).messages[0].content).toBe('card\n**** and\t****\n****');
  });

  it('leaves JSON without findings byte for byte, and text that only starts like JSON as text', () => {
    const clean = '{ "a" : [1, 2.50, "x"] }';
    expect(redactor().value(clean)).toBe(clean);
    expect(redactor().value('[WARN] mail a@b.io')).toBe('[WARN] mail ****');
    expect(redactor().value('{not json} a@b.io}')).toBe('{not json} ****}');
  });
});

// ---------------------------------------------------------------- properties

/** A Luhn-valid card number with a real-looking prefix, optionally grouped by 4. */
const card = fc.tuple(fc.constantFrom('4', '51', '55', '37', '6011'), fc.integer({ min: 13, max: 19 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }), fc.constantFrom('', ' ', '-'))
  .map(([prefix, len, rand, sep]) => {
    let body = prefix + rand.join('').slice(0, len - prefix.length - 1);
    for (let check = 0; check < 10; check++) if (luhnValid(body + check)) { body += check; break; }
    return sep === '' ? body : body.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
  });
const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 30, maxLength: 50 });
const key = fc.oneof(
  alnum.map((s) => `sk-${s}`),
  alnum.map((s) => `sk-proj-${s}`),
  alnum.map((s) => `sk-ant-api03-${s}`),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: 16, maxLength: 16 }).map((s) => `AKIA${s}`),
  alnum.map((s) => `ghp_${s.padEnd(36, 'x')}`),
  alnum.map((s) => `xoxb-${s}`),
);
const secret = fc.oneof(fc.emailAddress(), card, key);
/** Filler text that cannot glue itself onto a secret: words separated by spaces. */
const filler = fc.string({ maxLength: 20 });
const textWith = fc.tuple(filler, fc.array(secret, { minLength: 1, maxLength: 4 }), filler)
  .map(([a, secrets, b]) => ({ secrets, text: `${a} ${secrets.join(' , ')} ${b}` }));

const EMAIL = DETECTORS.find((d) => d.name === 'email')!;

describe('redaction properties', () => {
  it('no generated email, card number or key survives', () => {
    const r = redactor();
    fc.assert(fc.property(textWith, ({ secrets, text }) => {
      const out = r.text(text);
      for (const s of secrets) expect(out.includes(s), `${s} in ${out}`).toBe(false);
    }), { numRuns: 1000 });
  });
  it('the output contains nothing the detectors would still flag', () => {
    const r = redactor({ label: true });
    fc.assert(fc.property(textWith, ({ text }) => {
      const out = r.text(text);
      expect(findAll(out, DETECTORS.filter((d) => d.name !== 'phone'))).toEqual([]);
    }), { numRuns: 1000 });
  });
  it('emails anywhere in arbitrary text are found', () => {
    fc.assert(fc.property(fc.string(), fc.emailAddress(), fc.string(), (a, e, b) => {
      const out = redactor().text(`${a} ${e} ${b}`);
      expect(out.includes(e)).toBe(false);
      expect(findAll(out, [EMAIL])).toEqual([]);
    }), { numRuns: 500 });
  });
  it('hash mode hides the secret too', () => {
    const r = redactor({ hash: true });
    fc.assert(fc.property(textWith, ({ secrets, text }) => {
      const out = r.text(text);
      for (const s of secrets) expect(out.includes(s)).toBe(false);
    }), { numRuns: 300 });
  });
  it('text without digits, @, or key prefixes is returned unchanged', () => {
    const r = redactor();
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop-_.,;!?') }), (s) => {
      expect(r.text(s)).toBe(s);
    }), { numRuns: 500 });
  });
});

describe('redaction cost', () => {
  // Every detector runs on every string attribute: none may go quadratic on adversarial input.
  const adversarial: Record<string, string> = {
    'local part without @': 'a'.repeat(50_000) + '@',
    'endless domain': 'a@' + 'b.'.repeat(25_000),
    'many @': 'a@'.repeat(25_000),
    'digits and spaces': '4 '.repeat(25_000),
    'digits and dashes': '4-'.repeat(25_000),
    'long digit run': '4'.repeat(50_000),
    'colons': 'a:'.repeat(25_000),
    'plus groups': '+1 '.repeat(16_000),
    'dots': '1.'.repeat(25_000),
    'bearers': 'Bearer '.repeat(7_000),
    'jwt-ish': 'eyJ.'.repeat(12_000),
    'parentheses': '(415) '.repeat(8_000),
  };
  it.each(Object.entries(adversarial))('%s stays fast', (_name, s) => {
    const r = redactor();
    const t = performance.now();
    r.text(s);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
