import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSwitchyard, type Child } from '../helpers/cli.js';
import { eventually, freePort } from '../helpers/harness.js';
import { selfMetric } from '../helpers/self-metrics.js';
import { otlpSpans, startSpanLedgerVendor, type SpanLedgerVendor } from '../helpers/span-ledger-vendor.js';

/**
 * A hostile disk (issue 15, class 4): a full disk is back-pressure, never a crash or a loss;
 * a persistent queue is bounded by its bytes on disk; two processes never share a queue.
 * ENOSPC is real: a small tmpfs, mounted when the tests run as root (as CI does).
 */
const children: Child[] = [];
const mounts: string[] = [];
const dirs: string[] = [];
let vendor: SpanLedgerVendor | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  for (const c of children) await c.exited;
  await vendor?.close();
  vendor = undefined;
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-disk-'));
  dirs.push(d);
  return d;
}

/** A tmpfs of `size` at `dir`, or undefined (with the reason printed) when this cannot mount. */
function smallDisk(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return void console.info('disk-full: not root, ENOSPC tests skipped');
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    return void console.info(`disk-full: cannot mount a tmpfs (${(e as Error).message.split('\n')[0]}), ENOSPC tests skipped`);
  }
  mounts.push(dir);
  return dir;
}

/** Fills `disk` until only about `leave` bytes are free. */
function fill(disk: string, leave: number): string {
  const filler = join(disk, 'filler');
  const free = Number(execFileSync('df', ['--output=avail', '-B1', disk], { encoding: 'utf8' }).trim().split('\n')[1]);
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - leave)));
  return filler;
}

interface Posted {
  status?: number;
  retryAfter?: string;
}

function post(port: number, ids: string[]): Promise<Posted> {
  const body = otlpSpans(ids);
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', () => resolve({}));
    req.end(body);
  });
}

/**
 * Posts 20-span requests until one is refused (or `max` were sent). Only spans of requests
 * answered 200 are owed; `next` is the first request number not used.
 */
async function postUntilRefused(port: number, max: number): Promise<{ acked: string[]; refused?: Posted; next: number }> {
  const acked: string[] = [];
  let r = 0;
  for (; r < max; r++) {
    const ids = idsOf(r, 20);
    const res = await post(port, ids);
    if (res.status !== 200) return { acked, refused: res, next: r + 1 };
    acked.push(...ids);
  }
  return { acked, next: r };
}

/** Span ids for request `r`: 16 hex digits, unique per request and position, never all zero (invalid). */
const idsOf = (r: number, n: number) => Array.from({ length: n }, (_, i) => ((r + 1) * 1000 + i).toString(16).padStart(16, '0'));

async function health(tport: number): Promise<{ code: number; body: { status: string; exporters?: Record<string, { disk_error?: string }> } }> {
  const res = await fetch(`http://127.0.0.1:${tport}/healthz`);
  return { code: res.status, body: (await res.json()) as Awaited<ReturnType<typeof health>>['body'] };
}

function yaml(o: { port: number; tport: number; vendorUrl: string; queue?: string; queueBytes?: string; queueSize?: number; dlq: string }): string {
  const storage = o.queue ? `storage: ${o.queue}, ` : '';
  return `
receivers:
  otlp: { endpoint: 127.0.0.1:${o.port} }
exporters:
  otlp_http:
    endpoint: ${o.vendorUrl}
    encoding: json
    sending_queue: { ${storage}queue_size: ${o.queueSize ?? 1_000_000}, queue_bytes: ${o.queueBytes ?? '256MiB'}, num_consumers: 1 }
    retry_on_failure: { initial_interval: 20ms, max_interval: 100ms, max_elapsed_time: 0 }
    dead_letter_path: ${o.dlq}
processors:
  batch: { send_batch_size: 50, timeout: 5ms }
service:
  workers: 1
  shutdown_timeout: 5s
  telemetry: { endpoint: 127.0.0.1:${o.tport} }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`;
}

async function start(file: string): Promise<Child> {
  const c = await spawnSwitchyard(['run', '--config', file]);
  children.push(c);
  return c;
}

describe('a hostile disk', { timeout: 180_000 }, () => {
  it('a second process on the same queue directory refuses to start, naming the owner; a stale lock is taken over', async () => {
    const dir = scratch();
    vendor = await startSpanLedgerVendor();
    const [a, b] = [join(dir, 'a.yaml'), join(dir, 'b.yaml')];
    writeFileSync(a, yaml({ port: await freePort(), tport: await freePort(), vendorUrl: vendor.url, queue: join(dir, 'queue'), dlq: join(dir, 'a.jsonl') }));
    writeFileSync(b, yaml({ port: await freePort(), tport: await freePort(), vendorUrl: vendor.url, queue: join(dir, 'queue'), dlq: join(dir, 'b.jsonl') }));
    const first = await start(a);
    const second = await spawnSwitchyard(['run', '--config', b]).then(
      (c) => (children.push(c), 'started'),
      (e: Error) => e.message,
    );
    expect(second).toMatch(/exited with 1/);
    expect(second).toContain(`is in use by process ${first.proc.pid}`);
    expect(second).toContain(join(dir, 'queue'));
    // kill -9 leaves the lock behind; its owner is gone, so the next start takes it over.
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(readdirSync(join(dir, 'queue', 'otlp_http'))).toContain('LOCK');
    const third = await start(b);
    third.proc.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    // A clean stop releases the lock.
    expect(readdirSync(join(dir, 'queue', 'otlp_http'))).not.toContain('LOCK');
  });

  it('queue_bytes bounds what a persistent queue takes on disk: a long outage pushes back before the disk fills', async () => {
    const dir = scratch();
    vendor = await startSpanLedgerVendor();
    vendor.answer = () => 503; // an outage: nothing leaves the queue
    const [port, tport] = [await freePort(), await freePort()];
    const file = join(dir, 'c.yaml');
    writeFileSync(file, yaml({ port, tport, vendorUrl: vendor.url, queue: join(dir, 'queue'), queueBytes: '256KiB', dlq: join(dir, 'dlq.jsonl') }));
    const child = await start(file);
    const { acked, refused } = await postUntilRefused(port, 400);
    expect(refused, 'the queue pushed back').toBeDefined();
    expect([429, 503]).toContain(refused!.status);
    expect(Number(refused!.retryAfter)).toBeGreaterThan(0);
    const onDisk = readdirSync(join(dir, 'queue', 'otlp_http')).reduce((n, f) => n + statSync(join(dir, 'queue', 'otlp_http', f)).size, 0);
    // The bound, plus at most the one entry admitted while the queue was just under it.
    expect(onDisk).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
    expect(onDisk).toBeGreaterThan(128 * 1024);
    expect(await selfMetric(`http://127.0.0.1:${tport}`, 'switchyard_exporter_queue_disk_bytes', { exporter: 'otlp_http' })).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
    // The outage ends: everything acknowledged arrives.
    vendor.answer = () => 200;
    await eventually(() => acked.every((id) => vendor!.acknowledged.has(id)), 30_000, 'every acknowledged span delivered');
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('ENOSPC on the persistent queue: receivers push back, /healthz degraded, then recovery with nothing acknowledged lost', async () => {
    const dir = scratch();
    const disk = smallDisk(join(dir, 'disk'), '4m');
    if (!disk) return;
    vendor = await startSpanLedgerVendor();
    vendor.answer = () => 503;
    const [port, tport] = [await freePort(), await freePort()];
    const file = join(dir, 'd.yaml');
    writeFileSync(file, yaml({ port, tport, vendorUrl: vendor.url, queue: join(disk, 'queue'), dlq: join(disk, 'dlq.jsonl') }));
    const child = await start(file);
    const filler = fill(disk, 256 * 1024);
    const { acked, refused, next } = await postUntilRefused(port, 2000);
    console.info(`disk-full: ${acked.length} spans acknowledged before the disk filled; then ${refused?.status}`);
    expect(refused?.status).toBe(503);
    expect(Number(refused!.retryAfter)).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(0);
    const h = await health(tport);
    expect(h.code).toBe(503);
    expect(h.body.status).toBe('degraded');
    expect(h.body.exporters?.otlp_http?.disk_error).toMatch(/ENOSPC/);
    const url = `http://127.0.0.1:${tport}`;
    expect(await selfMetric(url, 'switchyard_exporter_disk_errors_total', { exporter: 'otlp_http', op: 'queue_write' })).toBeGreaterThan(0);
    expect(await selfMetric(url, 'switchyard_exporter_disk_degraded', { exporter: 'otlp_http' })).toBe(1);
    expect(child.proc.exitCode).toBeNull();
    // Space returns: writes succeed again, and so does health.
    unlinkSync(filler);
    const more = idsOf(next, 20);
    await eventually(async () => (await post(port, more)).status === 200, 20_000, 'a write after space returned');
    acked.push(...more);
    await eventually(async () => (await health(tport)).body.status === 'ok', 10_000, '/healthz ok again');
    vendor.answer = () => 200;
    await eventually(() => acked.every((id) => vendor!.acknowledged.has(id)), 60_000, 'every acknowledged span delivered');
    const dups = [...vendor.acknowledged.values()].filter((n) => n > 1).length;
    console.info(`disk-full: ${acked.length} acknowledged, all delivered, ${dups} delivered twice`);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('ENOSPC on the dead-letter file: letters wait (the queue fills and pushes back), then land whole', async () => {
    const dir = scratch();
    const disk = smallDisk(join(dir, 'disk'), '2m');
    if (!disk) return;
    vendor = await startSpanLedgerVendor();
    vendor.answer = () => 400; // everything is dead-lettered
    const [port, tport] = [await freePort(), await freePort()];
    const file = join(dir, 'e.yaml');
    const dlq = join(disk, 'dlq.jsonl');
    writeFileSync(file, yaml({ port, tport, vendorUrl: vendor.url, queueSize: 400, dlq }));
    const child = await start(file);
    const filler = fill(disk, 0);
    const { acked, refused } = await postUntilRefused(port, 500);
    expect(refused, 'the queue pushed back while dead letters could not be written').toBeDefined();
    expect(acked.length).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${tport}`;
    await eventually(async () => (await selfMetric(url, 'switchyard_exporter_disk_errors_total', { exporter: 'otlp_http', op: 'dead_letter' })) > 0, 10_000, 'a failed dead-letter write');
    expect((await health(tport)).body.status).toBe('degraded');
    unlinkSync(filler);
    const lines = await eventually(() => {
      const text = readFileSync(dlq, 'utf8');
      return acked.every((id) => text.includes(id)) ? text.trim().split('\n') : undefined;
    }, 30_000, 'every acknowledged span in the dead-letter file');
    // Whole lines only: a failed append was cut back, not left torn.
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    await eventually(async () => (await health(tport)).body.status === 'ok', 10_000, '/healthz ok again');
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });
});
