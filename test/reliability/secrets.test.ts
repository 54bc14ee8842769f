import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSwitchyard } from '../helpers/cli.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, freePort } from '../helpers/harness.js';
import { leakedForms, secretForms } from '../helpers/secret-forms.js';

/**
 * DESIGN §7: no key, token or Authorization header ever appears in a log line, an error body,
 * /metrics, the dead-letter file or the debug exporter's output. Everything is logged at debug.
 */
describe('secrets stay secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-secrets-'));
  let cap: CaptureServer;
  afterAll(async () => {
    await cap?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('wrong and missing keys get 401; no key shows up anywhere Switchyard writes', async () => {
    // '+', '/' and '=' make the percent-encoded forms differ from the raw ones.
    const RECEIVER_KEY = 'rk-live+5f1c/9e2a=7b3d4c8e';
    const EXPORTER_KEY = 'ek-live/9a8b+7c6d=5e4f3a2b';
    const GUESSED = 'guess+0123/456789=abcdef';
    // The search itself must be able to fail: every form is found when it is there.
    for (const secret of [RECEIVER_KEY, EXPORTER_KEY, GUESSED]) {
      for (const f of secretForms(secret)) {
        const planted = `x ${secret === f.text ? '' : 'Basic '}${f.form.startsWith('base64') ? Buffer.from(`${' '.repeat(Number(f.form.split('@')[1]))}${secret}!!`).toString(f.form.split('@')[0] as BufferEncoding) : f.text} y`;
        expect(leakedForms(planted, secret), `${f.form} of ${secret}`).toContain(f.form);
      }
    }
    cap = await startCaptureServer();
    cap.status = () => 400; // every export is refused: reasons get logged and dead-lettered
    const [port, tport] = [await freePort(), await freePort()];
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `
receivers:
  netra: { endpoint: 127.0.0.1:${port}, api_keys: ["\${env:RK}"] }
exporters:
  netra: { endpoint: ${cap.url}, api_key: "\${env:EK}", span_policy: all, dead_letter_path: ${dir}/dlq.jsonl }
  debug: { verbosity: detailed, path: ${dir}/debug.jsonl }
service:
  workers: 1
  telemetry: { endpoint: 127.0.0.1:${tport}, logs: { level: debug } }
  pipelines:
    traces: { receivers: [netra], exporters: [netra, debug] }
`);
    const child = await spawnSwitchyard(['run', '--config', file], { RK: RECEIVER_KEY, EK: EXPORTER_KEY });
    const line = JSON.stringify({ request: { model: { name: 'gpt-4o' }, prompt: { messages: [{ role: 'user', content: 'hi' }] } }, response: { usage: { total_tokens: 3 }, completion: { choices: [] } } }) + '\n';
    const post = (auth?: string) =>
      fetch(`http://127.0.0.1:${port}/v1/bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...(auth ? { authorization: auth } : {}) }, body: line });
    const bodies: string[] = [];
    for (const auth of [`Bearer ${GUESSED}`, GUESSED, undefined, `Basic ${Buffer.from(`u:${GUESSED}`).toString('base64')}`]) {
      const res = await post(auth);
      expect(res.status).toBe(401);
      bodies.push(await res.text());
    }
    expect((await post(`Bearer ${RECEIVER_KEY}`)).status).toBe(202);
    // Positive signals first: the vendor saw the export (and refused it) and the item was dead-lettered.
    await eventually(() => cap.requests.length > 0 && readFileSync(`${dir}/dlq.jsonl`, 'utf8').length > 0, 10_000, 'the refused export at the vendor and in the dead-letter file');
    // 400 is permanent: one attempt, refused, carrying the exporter's key where the vendor expects
    // it and nowhere else (the receiver's key is not forwarded).
    expect(cap.requests.map((r) => [r.method, r.path, r.answered])).toEqual([['POST', '/v1/bulk', 400]]);
    const sentOut = cap.requests[0]!;
    expect(sentOut.headers.authorization).toBe(`Bearer ${EXPORTER_KEY}`);
    const { authorization: _auth, ...otherHeaders } = sentOut.headers;
    const outbound = JSON.stringify(otherHeaders) + sentOut.body.toString('utf8');
    for (const secret of [RECEIVER_KEY, EXPORTER_KEY, GUESSED]) expect(leakedForms(outbound, secret), `${secret} in the outbound request`).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${tport}/metrics`)).text();
    const dlqStats = await (await fetch(`http://127.0.0.1:${tport}/api/v1/debug/dlq-stats`)).text();
    const health = await (await fetch(`http://127.0.0.1:${tport}/healthz`)).text();
    child.proc.kill('SIGTERM');
    await child.exited;
    const everything = [
      ...bodies, metrics, dlqStats, health, child.stdout, child.stderr,
      readFileSync(`${dir}/dlq.jsonl`, 'utf8'), readFileSync(`${dir}/debug.jsonl`, 'utf8'),
    ].join('\n');
    expect(child.stderr).toContain('"level":20'); // debug logging really was on
    expect(readFileSync(`${dir}/debug.jsonl`, 'utf8')).toContain('gpt-4o'); // the debug exporter really wrote the span
    for (const secret of [RECEIVER_KEY, EXPORTER_KEY, GUESSED]) expect(leakedForms(everything, secret), secret).toEqual([]);
  });

  it('a vendor that echoes the credentials in its error puts them nowhere: log, dead letters, metrics', async () => {
    const EXPORTER_KEY = 'ek-echo/1a2b+3c4d=5e6f7a8b';
    const HEADER_KEY = 'hk-echo+9z8y/7x6w=5v4u';
    const echo = await startCaptureServer();
    try {
      // Every export is refused with an error that quotes the request's headers: raw, as a
      // Basic-style base64 dump and percent-encoded, as real vendors' debug errors do.
      echo.status = () => 400;
      echo.answerBody = (r) => JSON.stringify({
        error: `invalid credentials: authorization=${r.headers.authorization} x-api-key=${r.headers['x-api-key'] ?? ''}`,
        dump: Buffer.from(JSON.stringify(r.headers)).toString('base64'),
        url: `https://vendor.invalid/login?key=${encodeURIComponent(String(r.headers.authorization ?? r.headers['x-api-key']))}`,
      });
      const [port, tport] = [await freePort(), await freePort()];
      const file = join(dir, 'echo.yaml');
      writeFileSync(file, `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }
exporters:
  netra: { endpoint: ${echo.url}, api_key: "\${env:EK}", span_policy: all, dead_letter_path: ${dir}/echo-netra.jsonl }
  otlp_http: { endpoint: ${echo.url}, headers: { x-api-key: "\${env:HK}" }, dead_letter_path: ${dir}/echo-otlp.jsonl }
service:
  workers: 1
  telemetry: { endpoint: 127.0.0.1:${tport}, logs: { level: debug } }
  pipelines:
    traces: { receivers: [otlp], exporters: [netra, otlp_http] }
`);
      const child = await spawnSwitchyard(['run', '--config', file], { EK: EXPORTER_KEY, HK: HEADER_KEY });
      const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat gpt-4o', kind: 3, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000', attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }] };
      const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [span] }] }] }) });
      expect(res.status).toBe(200);
      const read = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
      await eventually(() => read(`${dir}/echo-netra.jsonl`).length > 0 && read(`${dir}/echo-otlp.jsonl`).length > 0, 15_000, 'both refused exports dead-lettered');
      // The vendor really was sent the keys, and really echoed them: the scrub has work to do.
      expect(echo.requests.map((r) => r.headers.authorization ?? r.headers['x-api-key']).sort()).toEqual([`Bearer ${EXPORTER_KEY}`, HEADER_KEY].sort());
      const metrics = await (await fetch(`http://127.0.0.1:${tport}/metrics`)).text();
      const dlqStats = await (await fetch(`http://127.0.0.1:${tport}/api/v1/debug/dlq-stats`)).text();
      child.proc.kill('SIGTERM');
      await child.exited;
      const dead = read(`${dir}/echo-netra.jsonl`) + read(`${dir}/echo-otlp.jsonl`);
      // The reason was kept (what the vendor said, minus the keys), so an operator can still act on it.
      expect(dead).toContain('invalid credentials');
      expect(dead).toContain('[redacted]');
      const everything = [metrics, dlqStats, child.stdout, child.stderr, dead].join('\n');
      for (const secret of [EXPORTER_KEY, HEADER_KEY]) expect(leakedForms(everything, secret), secret).toEqual([]);
    } finally {
      await echo.close();
    }
  });
});
