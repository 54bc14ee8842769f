import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, spawnSwitchyard, type Child } from '../helpers/cli.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, freePort } from '../helpers/harness.js';

// The file `switchyard run` loads when given no --config (src/cli.ts DEFAULT_CONFIG).
const DEFAULT_CONFIG = join(ROOT, 'config', 'default.yaml');

let child: Child | undefined;
let cap: CaptureServer | undefined;
afterEach(async () => {
  if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
  await cap?.close();
});

function otlpJsonSpans(n: number, offset = 0) {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: (offset + i + 1).toString(16).padStart(16, '0'),
    name: `span-${offset + i}`,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });
}

describe('switchyard run as a process', () => {
  it('with two workers: serves /healthz, drains on SIGTERM and exits 0 with everything delivered', async () => {
    cap = await startCaptureServer();
    let slow = true;
    cap.status = () => (slow ? 503 : 200);
    const [port, tport] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-life-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `
receivers:
  otlp: { endpoint: 127.0.0.1:${port} }
exporters:
  otlp_http:
    endpoint: ${cap.url}
    encoding: json
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms }
    dead_letter_path: ${dir}/dlq.jsonl
service:
  workers: 2
  shutdown_timeout: 8s
  telemetry: { endpoint: 127.0.0.1:${tport} }
  pipelines:
    traces: { receivers: [otlp], exporters: [otlp_http] }
`);
    child = await spawnSwitchyard(['run', '--config', file]);
    const health = await fetch(`http://127.0.0.1:${tport}/healthz`);
    expect(health.status).toBe(200);
    const report = (await health.json()) as { status: string; workers: Record<string, { exporters: Record<string, { state: string }> }> };
    expect(report.status).toBe('ok');
    expect(Object.keys(report.workers)).toHaveLength(2);
    for (const w of Object.values(report.workers)) expect(w.exporters.otlp_http!.state).toBe('up');

    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJsonSpans(25) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    // Metrics are gathered from every worker by the primary.
    const metrics = await (await fetch(`http://127.0.0.1:${tport}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_receiver_accepted_items_total\{receiver="otlp",signal="traces"\} 25/);

    // The vendor has refused at least once before the stop: the drain starts with work left.
    await eventually(() => cap!.requests.some((r) => r.answered === 503), 10_000, 'a refused attempt before SIGTERM');
    child.proc.kill('SIGTERM');
    // While draining (the vendor still fails), health says so and receivers stop accepting.
    const draining = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${tport}/healthz`);
      return r.status === 503 ? r : undefined;
    }, 5000, 'healthz 503 while draining');
    expect(((await draining.json()) as { status: string }).status).toBe('draining');
    await expect(fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJsonSpans(1) })).rejects.toThrow();
    slow = false;
    expect(await child.exited).toBe(0);
    const delivered = cap.accepted().flatMap((r) => JSON.parse(r.body.toString()).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((s: any) => s.spans)));
    expect(delivered).toHaveLength(25);
    // Exactly the 25 spans sent, each once (not 25 of anything), and the drain really rode out refusals.
    expect(delivered.map((s: any) => s.name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `span-${i}`).sort());
    expect(cap.requests.filter((r) => r.answered === 503).length).toBeGreaterThan(0);
    expect(child.stderr).toContain('"msg":"stopped"');
  });

  it('npm start style: the default config (on free ports) accepts OTLP and prints it', async () => {
    // config/default.yaml is what `switchyard run` loads without --config. Its fixed ports would
    // collide with a running instance, so run a copy that differs in the port numbers only.
    const text = readFileSync(DEFAULT_CONFIG, 'utf8');
    const [port, tport] = [await freePort(), await freePort()];
    const copy = text.replaceAll('127.0.0.1:4318', `127.0.0.1:${port}`).replaceAll('127.0.0.1:8888', `127.0.0.1:${tport}`);
    expect(copy.replaceAll(String(port), '4318').replaceAll(String(tport), '8888')).toBe(text);
    expect(copy).not.toMatch(/:4318\b|:8888\b/);
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-default-'));
    const file = join(dir, 'default.yaml');
    writeFileSync(file, copy);
    child = await spawnSwitchyard(['run', '--config', file]);
    const r = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJsonSpans(2) });
    expect(r.status).toBe(200);
    await eventually(() => child!.stdout.includes('"name":"span-1"'), 5000, 'debug output on stdout');
    expect((await fetch(`http://127.0.0.1:${tport}/healthz`)).status).toBe(200);
    child.proc.kill('SIGINT');
    expect(await child.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
