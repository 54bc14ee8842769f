import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSwitchyard } from '../helpers/cli.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { freePort } from '../helpers/harness.js';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** ~64 KiB of OTLP JSON: 50 spans with 1 KB of message text each. */
function heavyBody(seq: number) {
  const text = 'x'.repeat(1200);
  const spans = Array.from({ length: 50 }, (_, i) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (seq * 100 + i + 1).toString(16).padStart(16, '0'),
    name: 'chat gpt-4o', kind: 3, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000',
    attributes: [{ key: 'gen_ai.input.messages', value: { stringValue: text } }],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'load' }, spans }] }] });
}

describe('overload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-overload-'));
  let cap: CaptureServer;
  afterAll(async () => {
    await cap?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes back with 429 + Retry-After and keeps RSS under the bound at 2x the vendor rate', async () => {
    cap = await startCaptureServer();
    // The vendor takes about two requests a second (at most 1,000 spans with 500-span batches); the
    // load offers several times that even on a loaded 2-core machine, so the queue must fill.
    let busyUntil = 0;
    cap.status = () => {
      const now = Date.now();
      if (now < busyUntil) return 503;
      busyUntil = now + 500;
      return 200;
    };
    const port = await freePort();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `
receivers:
  otlp: { endpoint: 127.0.0.1:${port} }
exporters:
  otlp_http:
    endpoint: ${cap.url}
    encoding: json
    sending_queue: { queue_size: 5000, queue_bytes: 8MiB, num_consumers: 2 }
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms }
    dead_letter_path: ${dir}/dlq.jsonl
processors:
  memory_limiter: { check_interval: 100ms, limit_mib: 160, spike_limit_mib: 60 }
service:
  workers: 1
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter], exporters: [otlp_http] }
`);
    const child = await spawnSwitchyard(['run', '--config', file]);
    const statuses = new Map<number, number>();
    let retryAfterSeen = false;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.proc.pid!))), 50);
    const deadline = Date.now() + 6000;
    let seq = 0;
    const load = async () => {
      while (Date.now() < deadline) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: heavyBody(seq++) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429 || res.status === 503) {
          retryAfterSeen ||= Number(res.headers.get('retry-after')) > 0;
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 20));
        } else await res.arrayBuffer();
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, load));
    } finally {
      clearInterval(sampler);
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    const pushedBack = (statuses.get(429) ?? 0) + (statuses.get(503) ?? 0);
    console.info(`overload: statuses ${JSON.stringify(Object.fromEntries(statuses))}, peak RSS ${peak.toFixed(0)} MiB`);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(pushedBack).toBeGreaterThan(0);
    expect(retryAfterSeen).toBe(true);
    expect([...statuses.keys()].every((s) => s === 200 || s === 429 || s === 503)).toBe(true);
    expect(peak).toBeLessThan(300);
  }, 30_000);
});
