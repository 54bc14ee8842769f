/**
 * Bounded work per request: small bodies that decode into huge object graphs (many empty
 * containers, a million attributes on one span, an endless array value, nested JSON lists) are
 * refused with 413/400 while decoding, and the process' peak RSS stays within a small multiple of
 * the decompressed body. The real CLI runs as a child process (one worker) so that its peak RSS
 * (VmHWM) is its own; every request has a generous deadline (a bound, not a timing).
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSwitchyard, type Child } from '../helpers/cli.js';
import { freePort } from '../helpers/harness.js';

/** Every bomb is this large once decompressed (the receiver's own cap is 64 MiB by default). */
const BOMB_BYTES = 16 * 1024 * 1024;
/** Allowed growth of the peak RSS over the idle process: a small multiple of one bomb. */
const RSS_BOUND_MIB = (8 * BOMB_BYTES) / (1024 * 1024);

/** Resets the kernel's peak-RSS mark of `pid` (Linux: "5" to clear_refs), so each request is measured alone. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function peakMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited field: tag (field, wire type 2), length, bytes. */
function field(no: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(no << 3) | 2, ...varint(body.length)]), body]);
}

/** `count` copies of `unit`, to about `bytes` in all. */
function repeatTo(unit: Uint8Array | string, bytes: number = BOMB_BYTES): Buffer {
  const u = Buffer.from(unit);
  return Buffer.alloc(Math.floor(bytes / u.length) * u.length, u);
}

const EMPTY_MSG = (no: number) => Buffer.from([(no << 3) | 2, 0]);

interface Bomb { name: string; path: string; contentType: string; encoding: 'gzip' | 'snappy'; body: () => Buffer }

const BOMBS: Bomb[] = [
  {
    name: 'OTLP protobuf: empty ResourceSpans',
    path: '/v1/traces', contentType: 'application/x-protobuf', encoding: 'gzip',
    body: () => repeatTo(EMPTY_MSG(1)),
  },
  {
    name: 'OTLP protobuf: ResourceSpans of 60 empty ScopeSpans each',
    path: '/v1/traces', contentType: 'application/x-protobuf', encoding: 'gzip',
    body: () => repeatTo(field(1, repeatTo(EMPTY_MSG(2), 120))),
  },
  {
    name: 'OTLP protobuf: one span with millions of empty attributes',
    path: '/v1/traces', contentType: 'application/x-protobuf', encoding: 'gzip',
    body: () => field(1, field(2, field(2, repeatTo(EMPTY_MSG(9))))),
  },
  {
    name: 'OTLP protobuf: one attribute whose array value has millions of empty values',
    path: '/v1/traces', contentType: 'application/x-protobuf', encoding: 'gzip',
    body: () => field(1, field(2, field(2, field(9, Buffer.concat([field(1, Buffer.from('a')), field(2, field(5, repeatTo(EMPTY_MSG(1))))]))))),
  },
  {
    name: 'OTLP protobuf: log body kvlist with millions of empty entries',
    path: '/v1/logs', contentType: 'application/x-protobuf', encoding: 'gzip',
    body: () => field(1, field(2, field(2, field(5, field(6, repeatTo(EMPTY_MSG(1))))))),
  },
  {
    name: 'OTLP JSON: empty resourceSpans objects',
    path: '/v1/traces', contentType: 'application/json', encoding: 'gzip',
    body: () => Buffer.concat([Buffer.from('{"resourceSpans":['), repeatTo('{},'), Buffer.from('{}]}')]),
  },
  {
    name: 'OTLP JSON: resourceSpans of 40 empty scopeSpans each',
    path: '/v1/traces', contentType: 'application/json', encoding: 'gzip',
    body: () => Buffer.concat([Buffer.from('{"resourceSpans":['), repeatTo(`{"scopeSpans":[${'{},'.repeat(39)}{}]},`), Buffer.from('{}]}')]),
  },
  {
    name: 'vendor JSON (Foglamp): nested empty arrays',
    path: '/ingest', contentType: 'application/json', encoding: 'gzip',
    body: () => Buffer.concat([Buffer.from('['), repeatTo(`[${'[],'.repeat(39)}[]],`), Buffer.from('[]]')]),
  },
  {
    name: 'remote-write 1.0: one series with millions of empty labels',
    path: '/api/v1/write', contentType: 'application/x-protobuf', encoding: 'snappy',
    body: () => field(1, repeatTo(EMPTY_MSG(1), 8 * 1024 * 1024)),
  },
];

const VALID_TRACE = JSON.stringify({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [{
    traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'ok', kind: 1,
    startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000',
  }] }] }],
});

describe('structure bombs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bombs-'));
  let child: Child;
  let base: string;
  let idle: number;

  beforeAll(async () => {
    const port = await freePort();
    const file = join(dir, 'config.yaml');
    const r = `{ endpoint: "127.0.0.1:${port}" }`;
    writeFileSync(file, `
receivers:
  otlp: ${r}
  foglamp: ${r}
  prometheus_remote_write: ${r}
exporters:
  debug: { path: ${dir}/out.jsonl }
service:
  workers: 1
  pipelines:
    traces: { receivers: [otlp, foglamp], exporters: [debug] }
    metrics: { receivers: [prometheus_remote_write], exporters: [debug] }
    logs: { receivers: [otlp], exporters: [debug] }
`);
    child = await spawnSwitchyard(['run', '--config', file]);
    base = `http://127.0.0.1:${port}`;
    idle = peakMiB(child.proc.pid!);
  }, 30_000);

  afterAll(async () => {
    if (child && child.proc.exitCode === null) {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const bomb of BOMBS) {
    it(`refuses ${bomb.name} with 413/400 within the memory bound`, async () => {
      const raw = bomb.body();
      const body = bomb.encoding === 'gzip' ? gzipSync(raw) : Buffer.from(snappy.compress(raw));
      const headers: Record<string, string> = { 'content-type': bomb.contentType };
      if (bomb.encoding === 'gzip') headers['content-encoding'] = 'gzip';
      else headers['x-prometheus-remote-write-version'] = '0.1.0';
      let status: number | string;
      const before = rssMiB(child.proc.pid!);
      resetPeak(child.proc.pid!);
      try {
        const res = await fetch(base + bomb.path, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
        status = res.status;
        await res.arrayBuffer();
      } catch (e) {
        status = `no answer (${(e as Error).message}); process ${child.proc.exitCode === null ? 'alive' : `exited ${child.proc.exitCode}`}`;
      }
      const peak = child.proc.exitCode === null ? peakMiB(child.proc.pid!) : Infinity;
      expect([400, 413], `${bomb.name}: ${body.length} bytes on the wire, ${raw.length} decompressed`).toContain(status);
      console.log(`${bomb.name}: status ${status}, ${body.length} B wire, ${raw.length} B decompressed, peak RSS +${Math.round(peak - before)} MiB`);
      expect(peak - before, `peak RSS growth in MiB (before the request ${Math.round(before)} MiB, idle ${Math.round(idle)} MiB)`).toBeLessThan(RSS_BOUND_MIB);
      // Still serving.
      const ok = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: VALID_TRACE });
      expect(ok.status).toBe(200);
    }, 90_000);
  }
});
