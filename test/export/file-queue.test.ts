import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileQueueStorage, openFileQueueStorage, queueDirName } from '../../src/export/file-queue.js';
import { BoundedQueue, type QueueEntry } from '../../src/export/queue.js';
import { MAGIC, crc32, encodeAck, encodeEntry, scanSegment, tableCrc32 } from '../../src/export/segment-log.js';
import { KeyValueList, type Telemetry } from '../../src/model/index.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

let dirs: string[] = [];
let opened: FileQueueStorage[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-fq-'));
  dirs.push(d);
  return d;
}
function storage(root: string, opts?: ConstructorParameters<typeof FileQueueStorage>[1]): FileQueueStorage {
  const s = openFileQueueStorage(root, 'otlp_http/primary', opts);
  opened.push(s);
  return s;
}
afterEach(async () => {
  for (const s of opened) await s.close();
  opened = [];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A batch with every type serialisation must keep apart: bigint, double, NaN, bytes, kvlist. */
function telemetry(n: number): Telemetry {
  return {
    traces: [
      {
        resource: { attributes: { 'service.name': 'svc', 'host.id': BigInt(n) } },
        scopeSpans: [
          {
            scope: { name: 'test', version: '1' },
            spans: [
              {
                traceId: '0123456789abcdef0123456789abcdef',
                spanId: `0123456789abcd${String(n % 100).padStart(2, '0')}`,
                name: `span ${n} ✓ 🚀`,
                kind: 3,
                startTimeUnixNano: 1_717_555_210_000_000_123n + BigInt(n),
                endTimeUnixNano: 18_446_744_073_709_551_615n, // u64 max: beyond any double
                attributes: {
                  'gen_ai.usage.input_tokens': 42n,
                  ratio: 2.5,
                  nan: Number.NaN,
                  inf: Number.NEGATIVE_INFINITY,
                  raw: new Uint8Array([0, 1, 254, 255, n & 255]),
                  nested: new KeyValueList({ a: 1n, b: [true, null, 'x'], c: new KeyValueList({ d: 0.1 }) }),
                },
                events: [],
                links: [],
                status: { code: 0 },
              },
            ],
          },
        ],
      },
    ],
  };
}

function entry(seq: number): QueueEntry {
  return { seq, signal: 'traces', data: telemetry(seq), items: 1 + (seq % 5), bytes: 1000 + seq };
}

function segmentFiles(root: string): string[] {
  const d = join(root, queueDirName('otlp_http/primary'));
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.log')).sort().map((f) => join(d, f)) : [];
}

/** Byte offsets of every record header in a segment file. */
function recordOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let p = buf.indexOf(MAGIC); p >= 0; p = buf.indexOf(MAGIC, p + 1)) out.push(p);
  return out;
}

describe('segment log records', () => {
  it('computes the standard CRC-32 with zlib and with the fallback table', () => {
    const v = Buffer.from('123456789');
    expect(crc32(v)).toBe(0xcbf43926);
    expect(tableCrc32(v)).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(tableCrc32(b)).toBe(crc32(b));
      }),
    );
  });

  it('never throws on arbitrary bytes, and keeps records around damage', () => {
    const good = Buffer.concat([encodeEntry({ seq: 1, signal: 'logs', items: 1, bytes: 1 }, '{"logs":[]}'), encodeAck([1, 2, 3])]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (pre, post) => {
        const r = scanSegment(Buffer.concat([Buffer.from(pre), good, Buffer.from(post)]));
        // The magic cannot hide in the good records, so they always survive the junk around them.
        expect(r.records.filter((x) => x.type === 'entry' && x.seq === 1)).toHaveLength(1);
        expect(r.records.some((x) => x.type === 'ack' && x.seqs.join() === '1,2,3')).toBe(true);
      }),
    );
  });
});

describe('FileQueueStorage', () => {
  it('keeps exactly the unacknowledged entries, with identical data, across reopen', async () => {
    const root = scratch();
    const a = storage(root);
    expect(await a.open()).toEqual([]);
    for (let i = 1; i <= 10; i++) await a.append(entry(i));
    await a.ack([2, 5]);
    await a.ack([7, 999]); // unknown seqs are ignored
    await a.close();

    const b = storage(root);
    const back = await b.open();
    expect(back.map((e) => e.seq)).toEqual([1, 3, 4, 6, 8, 9, 10]);
    for (const e of back) expect(e).toStrictEqual(entry(e.seq));
    const span = back[0]!.data.traces![0]!.scopeSpans[0]!.spans[0]!;
    expect(span.endTimeUnixNano).toBe(18_446_744_073_709_551_615n);
    expect(span.attributes.nested).toBeInstanceOf(KeyValueList);
    expect(span.attributes.raw).toBeInstanceOf(Uint8Array);
    expect(b.corruptRecords).toBe(0);

    // Acks of a second session are remembered too.
    await b.ack([1, 10]);
    await b.append(entry(11));
    await b.close();
    const c = storage(root);
    expect((await c.open()).map((e) => e.seq)).toEqual([3, 4, 6, 8, 9, 11]);
  });

  it('records what was offered, even if the caller mutates the batch afterwards', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    const e = entry(1);
    const p = a.append(e);
    e.data.traces![0]!.scopeSpans[0]!.spans[0]!.name = 'changed';
    await p;
    await a.close();
    const b = storage(root);
    expect((await b.open())[0]).toStrictEqual(entry(1));
  });

  it('rolls segments and deletes them, oldest first, once every entry in them is delivered', async () => {
    const root = scratch();
    const a = storage(root, { segmentBytes: 4096 });
    await a.open();
    for (let i = 1; i <= 60; i++) await a.append(entry(i));
    const files = segmentFiles(root);
    expect(files.length).toBeGreaterThan(5);
    expect(a.segmentCount).toBe(files.length);

    // Acks of a later segment alone delete nothing: that segment may hold acks for older ones.
    await a.ack(Array.from({ length: 30 }, (_, i) => 31 + i));
    expect(segmentFiles(root).slice(0, files.length)).toEqual(files); // (the ack record may roll a new one)

    await a.ack(Array.from({ length: 20 }, (_, i) => 1 + i));
    const mid = segmentFiles(root);
    expect(mid.length).toBeLessThan(files.length);
    expect(mid.length).toBeGreaterThan(0);

    await a.ack(Array.from({ length: 10 }, (_, i) => 21 + i));
    expect(segmentFiles(root).length).toBeLessThanOrEqual(1); // the segment still being written
    await a.close();
    expect(segmentFiles(root)).toEqual([]);

    const b = storage(root, { segmentBytes: 4096 });
    expect(await b.open()).toEqual([]);
  });

  it('deletes delivered segments left by an earlier run when it opens', async () => {
    const root = scratch();
    const a = storage(root, { segmentBytes: 4096 });
    await a.open();
    for (let i = 1; i <= 40; i++) await a.append(entry(i));
    await a.ack(Array.from({ length: 25 }, (_, i) => 1 + i));
    const before = segmentFiles(root).length;
    await a.close();
    const b = storage(root, { segmentBytes: 4096 });
    expect((await b.open()).map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => 26 + i));
    expect(segmentFiles(root).length).toBeLessThanOrEqual(before);
    expect(b.segmentCount).toBe(segmentFiles(root).length);
  });

  it('skips and counts a record with a flipped byte in the middle of a segment, replays the rest', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    for (let i = 1; i <= 5; i++) await a.append(entry(i));
    await a.close();

    const [file] = segmentFiles(root);
    const buf = readFileSync(file!);
    const offs = recordOffsets(buf);
    expect(offs).toHaveLength(5);
    buf[offs[2]! + 100] ^= 0x20; // a bit flip inside record 3's payload
    writeFileSync(file!, buf);

    const seen: number[] = [];
    const b = storage(root, { onCorrupt: (n) => seen.push(n) });
    const back = await b.open();
    expect(back.map((e) => e.seq)).toEqual([1, 2, 4, 5]);
    for (const e of back) expect(e).toStrictEqual(entry(e.seq));
    expect(b.corruptRecords).toBe(1);
    expect(seen).toEqual([1]);
  });

  it('resyncs after a damaged length field and after a damaged magic', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    for (let i = 1; i <= 6; i++) await a.append(entry(i));
    await a.close();
    const [file] = segmentFiles(root);
    const buf = readFileSync(file!);
    const offs = recordOffsets(buf);
    buf.writeUInt32LE(0x7fffffff, offs[1]! + 8); // record 2 claims a 2 GiB body
    buf[offs[4]!] = 0; // record 5 lost its magic
    writeFileSync(file!, buf);
    const b = storage(root);
    expect((await b.open()).map((e) => e.seq)).toEqual([1, 3, 4, 6]);
    expect(b.corruptRecords).toBe(2);
  });

  it('skips a truncated tail (a write torn by a crash) and keeps appending after it', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    for (let i = 1; i <= 5; i++) await a.append(entry(i));
    await a.close();
    const [file] = segmentFiles(root);
    const size = readFileSync(file!).length;
    truncateSync(file!, size - 37);

    const b = storage(root);
    expect((await b.open()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(b.corruptRecords).toBe(1);
    await b.append(entry(6));
    await b.ack([1]);
    await b.close();

    // Only the torn segment has damage; the new records went to a fresh segment.
    expect(segmentFiles(root)).toHaveLength(2);
    const c = storage(root);
    expect((await c.open()).map((e) => e.seq)).toEqual([2, 3, 4, 6]);
    expect(c.corruptRecords).toBe(1);
  });

  it('skips a tail shorter than a record header', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    for (let i = 1; i <= 3; i++) await a.append(entry(i));
    await a.close();
    const [file] = segmentFiles(root);
    const buf = readFileSync(file!);
    const offs = recordOffsets(buf);
    truncateSync(file!, offs[2]! + 6);
    const b = storage(root);
    expect((await b.open()).map((e) => e.seq)).toEqual([1, 2]);
    expect(b.corruptRecords).toBe(1);
  });

  it('shares fsyncs between concurrent appends (group commit)', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.append(entry(i + 1))));
    const ms = Date.now() - t0;
    // The first append syncs alone; the 199 that arrived meanwhile share the next fsync.
    expect(a.syncs).toBeLessThanOrEqual(5);
    expect(ms).toBeLessThan(10_000);
    await a.close();
    const b = storage(root);
    const back = await b.open();
    expect(back.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(back[199]).toStrictEqual(entry(200));
  });

  it('splits a burst larger than a segment into segment-sized writes', async () => {
    const root = scratch();
    const a = storage(root, { segmentBytes: 8192 });
    await a.open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => a.append(entry(i + 1))));
    expect(a.syncs).toBeGreaterThan(2);
    expect(a.syncs).toBeLessThan(50);
    for (const f of segmentFiles(root)) expect(readFileSync(f).length).toBeLessThanOrEqual(8192);
    await a.close();
    const b = storage(root, { segmentBytes: 8192 });
    expect((await b.open()).map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('resolves appends in offer order, and acks do not force an fsync of their own', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    const order: number[] = [];
    const ps = [1, 2, 3].map((s) => a.append(entry(s)).then(() => order.push(s)));
    await Promise.all(ps);
    expect(order).toEqual([1, 2, 3]);
    const syncsBefore = a.syncs;
    await a.ack([1, 2]); // acks do not force an fsync of their own
    expect(a.syncs).toBe(syncsBefore);
  });

  it('rejects appends after close and ignores late acks', async () => {
    const root = scratch();
    const a = storage(root);
    await a.open();
    await a.append(entry(1));
    await a.close();
    await expect(a.append(entry(2))).rejects.toThrow(/closed/);
    await a.ack([1]);
    const b = storage(root);
    expect((await b.open()).map((e) => e.seq)).toEqual([1]);
  });

  it('gives each exporter its own directory and refuses two users of one directory', async () => {
    expect(queueDirName('otlp_http/primary')).toBe('otlp_http_primary');
    expect(queueDirName('..')).toBe('_..');
    expect(queueDirName('')).toBe('_');
    const root = scratch();
    const a = storage(root);
    await a.open();
    expect(a.dir).toBe(join(root, 'otlp_http_primary'));
    const b = storage(root);
    await expect(b.open()).rejects.toThrow(/already in use/);
    await a.close();
    await b.close();
    const c = storage(root);
    await c.open();
  });
});

describe('BoundedQueue on a FileQueueStorage', () => {
  it('offers, takes, acks, and after a restart replays only what was not acknowledged', async () => {
    const root = scratch();
    const limits = { maxItems: 1000, maxBytes: 1 << 30 };
    const s1 = storage(root);
    const q1 = new BoundedQueue(limits, s1);
    expect(await q1.open()).toBe(0);
    for (let i = 1; i <= 5; i++) expect(await q1.offer('traces', telemetry(i), 1, 100)).toBe(i);
    const taken = await q1.take({ targetItems: 3, maxItems: 0, lingerMs: 0 });
    expect(taken.map((e) => e.seq)).toEqual([1, 2, 3]);
    await q1.ack(taken.slice(0, 2)); // 3 was in flight when the process stopped
    q1.close();
    await q1.closeStorage();

    const s2 = storage(root);
    const q2 = new BoundedQueue(limits, s2);
    expect(await q2.open()).toBe(3);
    expect(q2.size).toBe(3);
    const again = await q2.take({ targetItems: 10, maxItems: 0, lingerMs: 0 });
    expect(again.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(again[0]!.data).toStrictEqual(telemetry(3));
    // Numbering continues after the replayed entries, so seqs stay unique on disk.
    expect(await q2.offer('traces', telemetry(6), 1, 100)).toBe(6);
    const fresh = await q2.take({ targetItems: 10, maxItems: 0, lingerMs: 0 });
    expect(fresh.map((e) => e.seq)).toEqual([6]);
    await q2.ack([...again, ...fresh]);
    q2.close();
    await q2.closeStorage();
    expect(segmentFiles(root)).toEqual([]);

    const q3 = new BoundedQueue(limits, storage(root));
    expect(await q3.open()).toBe(0);
  });
});

describe('kill -9 while appending', () => {
  let modPath = '';
  let buildDir = '';
  beforeAll(() => {
    // The child is plain Node (no TypeScript loader), so compile file-queue.ts and what it imports
    // into a private directory; this works whatever state dist/ or other files are in.
    buildDir = mkdtempSync(join(tmpdir(), 'switchyard-fq-build-'));
    execFileSync(
      process.execPath,
      [
        join(repo, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--outDir', buildDir, '--rootDir', join(repo, 'src'),
        '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
        '--types', 'node', '--skipLibCheck', '--strict',
        join(repo, 'src', 'export', 'file-queue.ts'),
      ],
      { cwd: repo, stdio: 'pipe' },
    );
    writeFileSync(join(buildDir, 'package.json'), '{"type":"module"}');
    modPath = join(buildDir, 'export', 'file-queue.js');
  }, 120_000);
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it('loses no acknowledged entry over three crashes', async () => {
    const root = scratch();
    const seed = testSeed();
    const rand = seededRandom(seed);
    /** Seqs that must be in the log (with the round that wrote them), and (seq, round) pairs acknowledged. */
    const acked = new Set<string>();
    const appended = new Map<number, number>();
    for (let round = 1; round <= 3; round++) {
      const killAfter = 150 + Math.floor(rand() * 400);
      console.info(`file-queue crash round ${round}: seed ${seed}, kill after ${killAfter} ms`);
      const lines = await runAndKill(modPath, root, round, killAfter);
      expect(lines[0]).toMatch(/^READY \d+$/);
      let count = 0;
      for (const l of lines.slice(1)) {
        const [kind, seqText, roundText] = l.split(' ');
        const seq = Number(seqText);
        expect(Number(roundText)).toBe(round);
        if (kind === 'A') {
          // Every third entry is acknowledged right after its A line; if the kill came between
          // the ack's write and its K line, the entry is legitimately gone, so only the others
          // are required to be there.
          if (seq % 3 !== 0) appended.set(seq, round);
          count++;
        } else if (kind === 'K') {
          appended.delete(seq);
          acked.add(`${seq}/${round}`);
        }
      }
      expect(count).toBeGreaterThanOrEqual(killAfter);

      const s = openFileQueueStorage(root, 'crash/test', { segmentBytes: 64 * 1024 });
      const back = await s.open();
      const bySeq = new Map<number, QueueEntry>();
      for (const e of back) {
        expect(bySeq.has(e.seq)).toBe(false);
        bySeq.set(e.seq, e);
      }
      for (const [seq, r] of appended) {
        const e = bySeq.get(seq);
        expect(e, `acknowledged seq ${seq} of round ${r} lost`).toBeDefined();
        expect(entryRound(e!)).toBe(r);
        const rec = e!.data.logs![0]!.scopeLogs[0]!.logRecords[0]!;
        expect(rec.timeUnixNano).toBe(BigInt(seq) * 1_000_000_007n);
        expect(rec.attributes.blob).toStrictEqual(new Uint8Array([seq & 255, 0, 255]));
      }
      // A written ack survives the crash too (the page cache outlives the process).
      for (const e of back) expect(acked.has(`${e.seq}/${entryRound(e)}`)).toBe(false);
      // A torn tail at most: the kill can interrupt one write.
      expect(s.corruptRecords).toBeLessThanOrEqual(round);
      await s.close();
    }
  }, 120_000);
});

function entryRound(e: QueueEntry): number {
  return Number(e.data.logs![0]!.resource.attributes.round);
}

/** Runs the crash writer and SIGKILLs it once `killAfter` appends were reported. */
function runAndKill(modPath: string, root: string, round: number, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'fixtures', 'crash-writer.mjs'), modPath, root, String(64 * 1024), String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let appends = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (l) => {
      lines.push(l);
      if (l.startsWith('A ') && ++appends === killAfter) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Wait for stdout to end as well: lines already in the pipe were acknowledged before the kill.
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let closed = false;
    const done = (): void => {
      if (!exited || !closed) return;
      clearTimeout(timer);
      if (exited.signal !== 'SIGKILL') reject(new Error(`crash writer exited with ${exited.code}: ${stderr}`));
      else resolve(lines);
    };
    rl.on('close', () => {
      closed = true;
      done();
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      done();
    });
    child.on('error', reject);
  });
}
