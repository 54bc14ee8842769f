import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '../../src/formats/otlp/encode-proto.js';
import { decodeTracesProto } from '../../src/formats/otlp/decode-proto.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/formats/json.js';
import { flattenSpans, type ResourceSpans } from '../../src/model/index.js';
import { declaredContentSize, zstdCompress, zstdDecompress } from '../../src/util/zstd.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

const MiB = 1024 * 1024;

function spans(n: number, name = 'zstd-span'): ResourceSpans[] {
  const list = Array.from({ length: n }, (_, i) => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: (i + 1).toString(16).padStart(16, '0'), name: `${name}-${i}`, kind: 1, startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: { i: BigInt(i) }, events: [], links: [], status: { code: 0 } }));
  return [{ resource: { attributes: { 'service.name': 'zstd' } }, scopeSpans: [{ scope: { name: 's' }, spans: list }] }] as unknown as ResourceSpans[];
}

/** The zstd CLI reading a pipe writes no content size: the streaming decoder's case. */
function zstdCli(input: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c', '-3'], { input, maxBuffer: 64 * MiB });
}

describe('zstd request bodies', () => {
  let h: Harness;
  let cap: CaptureServer;
  beforeAll(async () => {
    cap = await startCaptureServer();
    h = await startSwitchyard(`
receivers:
  otlp: { endpoint: 127.0.0.1:0, max_decompressed_body_size: 1MiB }
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
  otlp_http: { endpoint: ${cap.url}, compression: zstd }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug, otlp_http] }
`);
  });
  afterAll(async () => {
    await h?.close();
    await cap?.close();
  });
  const post = (body: Uint8Array) => fetch(`${h.service.receiverUrl('otlp')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'zstd' }, body });

  it('accepts zstd with and without a declared content size, and sends zstd out (otlp_http compression: zstd)', async () => {
    const a = encodeTracesProto(spans(50, 'declared'));
    const withSize = await zstdCompress(a);
    expect(declaredContentSize(withSize)).toBe(a.length);
    const b = encodeTracesProto(spans(50, 'streamed'));
    const streamed = zstdCli(Buffer.from(b));
    expect(declaredContentSize(streamed)).toBeUndefined();
    expect((await post(withSize)).status).toBe(200);
    expect((await post(streamed)).status).toBe(200);
    const out = await eventually(() => {
      let text = '';
      try {
        text = readFileSync(join(h.dir, 'out.jsonl'), 'utf8');
      } catch { /* not yet */ }
      return text.includes('declared-49') && text.includes('streamed-49') ? text : undefined;
    }, 10_000, 'both bodies decoded');
    expect(out.split('\n').filter(Boolean)).toHaveLength(100);
    const arrived = await eventually(() => {
      const zs = cap.requests.filter((r) => r.headers['content-encoding'] === 'zstd');
      const all = zs.flatMap((r) => flattenSpans(decodeTracesProto(r.body, DEFAULT_DECODE_LIMITS).telemetry.traces ?? []));
      return all.length >= 100 ? all : undefined;
    }, 10_000, 'zstd requests at the capture server');
    expect(new Set(arrived.map((s) => s.span.name)).size).toBe(100);
  });

  it('refuses zstd bombs with 413, whether the frame declares its size or not', async () => {
    const zeros = Buffer.alloc(16 * MiB);
    const declared = await zstdCompress(zeros, 1);
    expect(declared.length).toBeLessThan(64 * 1024);
    const streamed = zstdCli(zeros);
    expect(declaredContentSize(streamed)).toBeUndefined();
    const r1 = await post(declared);
    const r2 = await post(streamed);
    expect(r1.status).toBe(413);
    expect(r2.status).toBe(413);
  });

  it('refuses a body that is not zstd with 400', async () => {
    const r = await post(Buffer.from('definitely not zstd'));
    expect(r.status).toBe(400);
  });
});

describe('zstdDecompress', () => {
  it('stops at the limit even when the header lies about the size', async () => {
    const big = Buffer.alloc(4 * MiB, 7);
    const frame = Buffer.from(await zstdCompress(big));
    // Rewrite the declared size (4-byte FCS here) to a small number: the wasm decode must fail
    // (its buffer is that small) and the streaming decoder must stop at the limit.
    expect(declaredContentSize(frame)).toBe(big.length);
    const fhd = frame[4]!;
    expect(fhd >> 6).toBe(2);
    const at = 5 + ((fhd >> 5) & 1 ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
    frame.writeUInt32LE(1000, at);
    await expect(zstdDecompress(frame, MiB)).rejects.toThrow(/over/);
  });
});
