/// <reference types="vite/client" />
import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFormat } from '../../src/formats/registry.js';
import { zstdCompress } from '../../src/util/zstd.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import type { ConformanceFixture } from './fixture.js';

/**
 * Every HTTP receiver accepts every request compression (none, gzip, deflate, zstd) with the
 * same result, and refuses a bomb of each with 413. Remote-write is left out: its protocol fixes
 * the body's compression (snappy), which its own conformance covers.
 */
const modules = import.meta.glob<{ [k: string]: ConformanceFixture }>('../formats/*.fixture.ts', { eager: true });
const fixtures = Object.values(modules)
  .flatMap((m) => Object.values(m).filter((v): v is ConformanceFixture => typeof v === 'object' && v !== null && 'validBody' in v))
  .filter((f) => f.type !== 'prometheus_remote_write');

const KEY = 'compression-key-2d9a';
const MAX_OUT = 1024 * 1024;
const ENCODINGS: Record<string, (b: Buffer) => Promise<Uint8Array> | Uint8Array> = {
  identity: (b) => b,
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  zstd: (b) => zstdCompress(b),
};

describe.each(fixtures.map((f) => [f.type, f] as const))('%s receiver, compressed bodies', (_type, fx) => {
  let h: Harness;
  const auth = fx.authHeaders?.(KEY) ?? {};
  const signal = findFormat(fx.type)!.receiver!.routes.find((r) => r.path === fx.path)!.signals[0]!;
  beforeAll(async () => {
    const cfg = JSON.stringify({ endpoint: '127.0.0.1:0', max_decompressed_body_size: MAX_OUT, ...(fx.authHeaders ? { api_keys: [KEY] } : {}), ...(fx.config ?? {}) });
    h = await startSwitchyard(`
receivers:
  ${fx.type}: ${cfg}
exporters:
  debug: { verbosity: normal, path: $DIR/out.jsonl }
service:
  pipelines:
    ${signal}: { receivers: [${fx.type}], exporters: [debug] }
`);
  });
  afterAll(async () => h?.close());

  const post = (body: Uint8Array, encoding: string) =>
    fetch(h.service.receiverUrl(fx.type) + fx.path, { method: 'POST', headers: { 'content-type': fx.contentType, 'content-encoding': encoding, ...auth }, body });
  const lines = () => {
    try {
      return readFileSync(`${h.dir}/out.jsonl`, 'utf8').trim().split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  it.each(Object.keys(ENCODINGS))('accepts the documented example with Content-Encoding %s and delivers every item', async (enc) => {
    const before = lines();
    const body = await ENCODINGS[enc]!(Buffer.from(fx.validBody));
    const res = await post(body, enc);
    expect(res.status, await res.text()).toBe(fx.successStatus);
    await eventually(() => lines() >= before + fx.expectedItems, 10_000, `${fx.expectedItems} items delivered`);
  });

  it.each(['gzip', 'deflate', 'zstd'])('refuses a %s bomb with 413', async (enc) => {
    const bomb = await ENCODINGS[enc]!(Buffer.alloc(8 * MAX_OUT, 0x20));
    const res = await post(bomb, enc);
    expect(res.status).toBe(413);
  });
});
