import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, spawnSwitchyard, type Child } from '../helpers/cli.js';
import { eventually, freePort } from '../helpers/harness.js';
import { childPids, postSpans, startSpanLedgerVendor, type SpanLedgerVendor } from '../helpers/span-ledger-vendor.js';

/**
 * README: `service.workers` runs the pipelines in worker processes, each with its own persistent
 * queue directory (`<storage>/worker-N`). A worker that dies is replaced, and the replacement
 * replays the directory of the one it replaces; /healthz answers 503 while starting.
 */
let child: Child | undefined;
let vendor: SpanLedgerVendor | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.proc.exitCode === null) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  child = undefined;
  await vendor?.close();
  vendor = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function writeConfig(port: number, tport: number, vendorUrl: string): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-workers-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `
receivers:
  otlp: { endpoint: 127.0.0.1:${port} }
exporters:
  otlp_http:
    endpoint: ${vendorUrl}
    encoding: json
    sending_queue: { storage: ${dir}/queue, num_consumers: 1 }
    retry_on_failure: { initial_interval: 20ms, max_interval: 100ms, max_elapsed_time: 120s }
    dead_letter_path: ${dir}/dlq.jsonl
processors:
  batch: { send_batch_size: 10, timeout: 5ms }
service:
  workers: 2
  shutdown_timeout: 2s
  telemetry: { endpoint: 127.0.0.1:${tport} }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
  return file;
}

const hex = (n: number) => n.toString(16).padStart(16, '0');

describe('worker processes', () => {
  it('a worker killed with SIGKILL is respawned and its replacement replays and delivers its worker-N queue', async () => {
    vendor = await startSpanLedgerVendor();
    vendor.answer = () => 503; // everything stays queued on disk
    const [port, tport] = [await freePort(), await freePort()];
    const file = await writeConfig(port, tport, vendor.url);
    child = await spawnSwitchyard(['run', '--config', file]);
    const workers = await eventually(async () => {
      const p = await childPids(child!.proc.pid!);
      return p.length === 2 ? p : undefined;
    }, 10_000, 'two worker processes');

    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ids = Array.from({ length: 5 }, (_, j) => hex(i * 5 + j + 1));
      if ((await postSpans(port, ids)) === 200) acked.push(...ids);
    }
    expect(acked).toHaveLength(100);
    // Both workers hold part of the backlog (fresh connections are spread over them).
    const queueDirs = readdirSync(join(dir!, 'queue')).sort();
    expect(queueDirs).toEqual(['worker-1', 'worker-2']);

    const victim = workers[0]!;
    const before = child.stderr.length;
    process.kill(victim, 'SIGKILL');
    await eventually(() => child!.stderr.slice(before).includes('worker died; starting a new one'), 10_000, 'the primary noticing the death');
    const replay = await eventually(() => /"msg":"replaying persistent queue"/.exec(child!.stderr.slice(before)) && child!.stderr.slice(before), 15_000, 'the replacement replaying its queue');
    expect(replay).toMatch(/"batches":[1-9]/);
    const now = await eventually(async () => {
      const p = await childPids(child!.proc.pid!);
      return p.length === 2 && !p.includes(victim) ? p : undefined;
    }, 10_000, 'two workers again');
    expect(now).not.toContain(victim);
    await eventually(async () => (await fetch(`http://127.0.0.1:${tport}/healthz`)).status === 200, 10_000, 'healthy again');

    vendor.answer = () => 200;
    await eventually(() => acked.every((id) => vendor!.acknowledged.has(id)), 30_000, 'every acknowledged span delivered');
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('/healthz answers 503 "starting" until the workers are up, then 200', async () => {
    vendor = await startSpanLedgerVendor();
    const [port, tport] = [await freePort(), await freePort()];
    const file = await writeConfig(port, tport, vendor.url);
    // Polled from the moment of spawn: the primary serves telemetry before its workers are ready.
    const proc = spawn(process.execPath, [CLI, 'run', '--config', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    child = { proc, stdout: '', stderr: '', exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
    proc.stderr!.on('data', (d) => (child!.stderr += d));
    const seen: { status: number; body: { status?: string } }[] = [];
    await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${tport}/healthz`);
      seen.push({ status: r.status, body: (await r.json()) as { status?: string } });
      return r.status === 200;
    }, 30_000, '/healthz 200');
    // The primary answers before its workers are up: 503, and never "ok" in the body.
    expect(seen[0]!.status, `first answer ${JSON.stringify(seen[0])}`).toBe(503);
    expect(['starting', 'degraded']).toContain(seen[0]!.body.status);
    console.info(`healthz while starting: ${seen.map((s) => `${s.status} ${s.body.status}`).join(', ')}`);
    // Once ok it stays ok: no 503 after the first 200.
    expect(seen.findIndex((s) => s.status === 200)).toBe(seen.length - 1);
    expect(child.stderr).toContain('switchyard running');
    proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });
});
