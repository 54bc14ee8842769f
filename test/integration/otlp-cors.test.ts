import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../../src/formats/otlp/encode-json.js';
import type { ResourceSpans } from '../../src/model/index.js';
import { startSwitchyard, type Harness } from '../helpers/harness.js';

const BODY = encodeTracesJson([{ resource: { attributes: {} }, scopeSpans: [{ scope: { name: 'browser' }, spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'click', kind: 1, startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: {}, events: [], links: [], status: { code: 0 } }] }] }] as unknown as ResourceSpans[]);

describe('CORS on OTLP/HTTP (browser SDKs)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSwitchyard(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
        cors: { allowed_origins: ["https://app.example.com", "https://*.shop.test"], allowed_headers: [x-session], max_age: 600 }
exporters:
  debug: { verbosity: basic }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
  });
  afterAll(async () => h?.close());
  const url = () => `${h.service.receiverUrl('otlp')}/v1/traces`;

  it('answers a preflight from an allowed origin with the allowed method, headers and max age', async () => {
    const res = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'https://eu.shop.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-session' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://eu.shop.test');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-session');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('a cross-origin POST is accepted and carries the allow-origin header; another origin gets none', async () => {
    const ok = await fetch(url(), { method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: BODY });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const pre = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const other = await fetch(url(), { method: 'POST', headers: { origin: 'https://evil.test', 'content-type': 'application/json' }, body: BODY });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
