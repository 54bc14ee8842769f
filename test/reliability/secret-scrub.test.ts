import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSecrets, scrubSecrets, secretsOfConfig } from '../../src/observe/secrets.js';
import { leakedForms } from '../helpers/secret-forms.js';

afterEach(() => registerSecrets([]));

describe('secret scrub', () => {
  it('finds the secrets of a validated config: keys, header values, bearer tokens, key files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-scrub-'));
    try {
      const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n';
      writeFileSync(join(dir, 'key.pem'), pem);
      const config = {
        receivers: new Map([['netra', { id: 'netra', type: 'netra', config: { api_keys: ['rk-one-123456', 'rk-two-654321'], tls: { cert_file: '/c', key_file: join(dir, 'key.pem') } } }]]),
        exporters: new Map([['otlp_http', { id: 'otlp_http', type: 'otlp_http', config: { api_key: 'ek-secret-1', headers: { authorization: 'Bearer tok-abcdef12', 'x-tenant': 'acme-corp' }, endpoint: 'http://127.0.0.1:1' } }]]),
        service: { workers: 1 },
      };
      const found = secretsOfConfig(config);
      expect(found).toEqual(expect.arrayContaining(['rk-one-123456', 'rk-two-654321', 'ek-secret-1', 'Bearer tok-abcdef12', 'tok-abcdef12', 'acme-corp', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC']));
      // Endpoints, ids and file names are not secrets.
      expect(found).not.toContain('http://127.0.0.1:1');
      expect(found).not.toContain('/c');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing is touched when no secret is configured', () => {
    registerSecrets([]);
    expect(scrubSecrets('Bearer abcdefgh')).toBe('Bearer abcdefgh');
  });

  it('short values are not treated as secrets (they would censor ordinary text)', () => {
    registerSecrets(['7', 'abc']);
    expect(scrubSecrets('tenant 7 abc')).toBe('tenant 7 abc');
  });

  // Property: whatever the secret and whatever surrounds it, no known form of it survives.
  const secret = fc.string({ minLength: 6, maxLength: 40, unit: 'grapheme' }).filter((s) => Buffer.byteLength(s) >= 6);
  const around = fc.string({ maxLength: 20 });
  it('raw, base64 at any alignment, base64url, percent-encoded and hex forms are all removed', () => {
    fc.assert(
      fc.property(secret, around, around, fc.constantFrom('raw', 'base64', 'base64url', 'percent', 'hex'), (s, before, after, form) => {
        registerSecrets([s]);
        const embedded = form === 'raw' ? `${before}${s}${after}`
          : form === 'percent' ? encodeURIComponent(`${before}${s}${after}`)
          : Buffer.from(`${before}${s}${after}`).toString(form as BufferEncoding);
        const text = `error: ${embedded} (end)`;
        expect(leakedForms(scrubSecrets(text), s)).toEqual([]);
      }),
    );
  });

  it('text around a secret is kept', () => {
    registerSecrets(['sk-live-0123456789']);
    expect(scrubSecrets('{"error":"bad key sk-live-0123456789 for tenant acme"}')).toBe('{"error":"bad key [redacted] for tenant acme"}');
  });
});
