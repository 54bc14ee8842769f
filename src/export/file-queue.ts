import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lockDirectory, type DirectoryLock } from './dir-lock.js';
import { deserializeTelemetry, serializeTelemetry } from '../model/serialize.js';
import type { QueueEntry, QueueStorage } from './queue.js';
import { encodeAck, encodeEntry, scanSegment, type SegmentRecord } from './segment-log.js';

export interface FileQueueOptions {
  /** Roll to a new segment file once the current one would grow past this (default 16 MiB). */
  segmentBytes?: number;
  /** The queue's byte bound: segments are sized so that disk use can track it (segmentBytesFor). */
  maxBytes?: number;
  /** Told how many damaged records open() skipped (also kept in `corruptRecords`). */
  onCorrupt?: (count: number) => void;
  /**
   * Told of a failed disk operation that did not reject a caller (an acknowledgement or a
   * deletion: the cost is a duplicate after a restart, or space freed later).
   */
  onDiskError?: (op: 'ack' | 'delete', error: Error) => void;
}

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

const SEGMENT_RE = /^seg-(\d{12})\.log$/;

interface Segment {
  id: number;
  path: string;
  /** Seqs of entries in this segment that are not acknowledged yet. */
  live: Set<number>;
  size: number;
}

interface PendingWrite {
  buf: Buffer;
  /** Entries must be fsync'd before resolving; acks may ride along with the next fsync. */
  sync: boolean;
  entrySeq?: number;
  resolve(): void;
  reject(e: Error): void;
}

/**
 * Directories open in this process. Two exporters whose ids sanitise to the same name would
 * interleave writes into one log; refusing the second open makes that a start-up error instead.
 */
const openDirs = new Set<string>();

/**
 * A persistent QueueStorage: an append-only log of checksummed records (see segment-log.ts) split
 * into segment files. Entries and acknowledgements are both records, so replaying the segments in
 * order yields exactly the un-acknowledged entries.
 *
 * Durability: append() resolves only after fdatasync. Appends that arrive while a write + fsync is
 * in progress are written and fsync'd together as the next batch (group commit), so N receivers
 * acknowledging in parallel cost about two fsyncs, not N.
 *
 * Deletion: a segment is deleted once all its entries are acknowledged and every older segment is
 * gone. Only from the head, because a segment also holds ack records for entries of older
 * segments; deleting it first would resurrect those entries on the next replay.
 */
export class FileQueueStorage implements QueueStorage {
  /** Damaged or truncated records skipped by open() (for switchyard_exporter_queue_corrupt_records_total). */
  corruptRecords = 0;
  /** fdatasync calls made; tests use it to check that group commit shares them. */
  syncs = 0;

  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private active?: { seg: Segment; fh: FileHandle };
  private readonly bySeq = new Map<number, Segment>();
  private nextSegmentId = 1;
  private pending: PendingWrite[] = [];
  private flushing = false;
  private idleWaiters: (() => void)[] = [];
  private collecting = false;
  /** After a failed write the segment may end in a partial record; later records go to a new one. */
  private rollNext = false;
  private state: 'new' | 'open' | 'closed' = 'new';
  private claimed?: string;
  private lock?: DirectoryLock;
  /** The last disk error, until a write succeeds again (for /healthz). */
  diskError?: string;

  constructor(readonly dir: string, private readonly opts: FileQueueOptions = {}) {
    this.segmentBytes = opts.segmentBytes ?? (opts.maxBytes ? segmentBytesFor(opts.maxBytes) : DEFAULT_SEGMENT_BYTES);
  }

  async open(): Promise<QueueEntry[]> {
    if (this.state !== 'new') throw new Error(`persistent queue ${this.dir}: open() called twice`);
    const key = resolve(this.dir);
    if (openDirs.has(key)) throw new Error(`persistent queue ${this.dir} is already in use by another exporter`);
    openDirs.add(key);
    this.claimed = key;
    try {
      await mkdir(this.dir, { recursive: true });
      this.lock = await lockDirectory(this.dir);
      return await this.replay();
    } catch (e) {
      openDirs.delete(key);
      this.claimed = undefined;
      await this.lock?.release();
      this.lock = undefined;
      throw e;
    } finally {
      this.state = this.claimed ? 'open' : 'closed';
    }
  }

  private async replay(): Promise<QueueEntry[]> {
    const ids = (await readdir(this.dir))
      .map((n) => SEGMENT_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);

    // Map insertion order is log order, which is the order entries were offered.
    const live = new Map<number, { rec: Extract<SegmentRecord, { type: 'entry' }>; seg: Segment }>();
    let corrupt = 0;
    for (const id of ids) {
      const seg: Segment = { id, path: this.segmentPath(id), live: new Set(), size: 0 };
      const buf = await readFile(seg.path);
      seg.size = buf.length;
      const scan = scanSegment(buf);
      corrupt += scan.corrupt;
      for (const rec of scan.records) {
        if (rec.type === 'entry') {
          // A seq seen again (numbering restarted after everything was acked) is a new entry.
          live.delete(rec.seq);
          live.set(rec.seq, { rec, seg });
        } else {
          for (const s of rec.seqs) live.delete(s);
        }
      }
      this.segments.push(seg);
      this.nextSegmentId = id + 1;
    }

    const out: QueueEntry[] = [];
    for (const [seq, { rec, seg }] of live) {
      let data;
      try {
        data = deserializeTelemetry(rec.payload.toString('utf8'));
      } catch {
        corrupt++; // checksum matched but the payload does not parse: written by a broken build
        continue;
      }
      seg.live.add(seq);
      this.bySeq.set(seq, seg);
      out.push({ seq, signal: rec.signal, data, items: rec.items, bytes: rec.bytes });
    }
    this.corruptRecords += corrupt;
    if (corrupt > 0) this.opts.onCorrupt?.(corrupt);
    await this.collect();
    return out;
  }

  append(entry: QueueEntry): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new Error(`persistent queue ${this.dir} is ${this.state === 'new' ? 'not open' : 'closed'}`));
    // Serialise now, so the record is what was offered even if the caller mutates `data` later.
    const buf = encodeEntry(entry, serializeTelemetry(entry.data));
    return this.enqueue(buf, true, entry.seq);
  }

  async ack(seqs: readonly number[]): Promise<void> {
    // After close the ack is dropped: the entries replay on the next start (at least once).
    if (this.state !== 'open') return;
    const known: number[] = [];
    for (const seq of seqs) {
      const seg = this.bySeq.get(seq);
      if (!seg) continue;
      seg.live.delete(seq);
      this.bySeq.delete(seq);
      known.push(seq);
    }
    if (known.length === 0) return;
    // Not fsync'd on its own, and a failed one (a full disk) is not an error for the caller:
    // a lost ack only means a duplicate delivery after a restart.
    try {
      await this.enqueue(encodeAck(known), false);
    } catch (e) {
      this.opts.onDiskError?.('ack', e as Error);
    }
    await this.collect();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    try {
      await this.drained();
      if (this.active) {
        const { fh } = this.active;
        this.active = undefined;
        try {
          await fh.datasync(); // the acks written since the last entry
          this.syncs++;
        } finally {
          await fh.close();
        }
      }
      if (this.bySeq.size === 0) {
        // Everything was delivered: leave an empty directory behind, not a log of dead records.
        for (const s of this.segments) await unlinkQuietly(s.path);
        this.segments = [];
      }
    } finally {
      if (this.claimed) openDirs.delete(this.claimed);
      this.claimed = undefined;
      await this.lock?.release();
      this.lock = undefined;
    }
  }

  /** Number of segment files currently on disk (for tests and diagnostics). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Bytes the log takes on disk now: what `queue_bytes` bounds for a persistent queue. */
  get diskBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  private segmentPath(id: number): string {
    return join(this.dir, `seg-${String(id).padStart(12, '0')}.log`);
  }

  private enqueue(buf: Buffer, sync: boolean, entrySeq?: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ buf, sync, entrySeq, resolve, reject });
      if (!this.flushing) void this.flushLoop();
    });
  }

  /**
   * The single writer. `flushing` is set and cleared synchronously around the loop, so an append
   * either lands in `pending` before the loop's emptiness check or starts a new loop.
   */
  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.writeBatch(batch);
          this.diskError = undefined;
          for (const w of batch) w.resolve();
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          this.diskError = err.message;
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.flushing = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /**
   * Everything pending, up to a segment's worth: a burst of appends then becomes a few
   * segment-sized writes rather than one write (and one concatenated copy) of unbounded size.
   */
  private takeBatch(): PendingWrite[] {
    let n = 0;
    let size = 0;
    while (n < this.pending.length && (n === 0 || size + this.pending[n]!.buf.length <= this.segmentBytes)) {
      size += this.pending[n]!.buf.length;
      n++;
    }
    if (n === this.pending.length) {
      const all = this.pending;
      this.pending = [];
      return all;
    }
    return this.pending.splice(0, n);
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    let size = 0;
    for (const w of batch) size += w.buf.length;
    const cur = this.active?.seg;
    if (!cur || this.rollNext || (cur.size > 0 && cur.size + size > this.segmentBytes)) await this.roll();
    const { seg, fh } = this.active!;
    const data = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((w) => w.buf), size);
    const before = seg.size;
    let written = false;
    try {
      await writeFully(fh, data);
      seg.size += size;
      written = true;
      if (batch.some((w) => w.sync)) {
        await fh.datasync();
        this.syncs++;
      }
    } catch (e) {
      await this.undoWrite(seg, fh, before);
      // After a failed fsync the page cache can no longer be trusted for this file.
      if (written) this.rollNext = true;
      throw e;
    }
    for (const w of batch) {
      if (w.entrySeq === undefined) continue;
      seg.live.add(w.entrySeq);
      this.bySeq.set(w.entrySeq, seg);
    }
  }

  /**
   * A failed write (ENOSPC, EIO) may have left part of a record behind. Cutting the file back
   * to where the batch began keeps the segment usable, so a full disk does not leave a trail of
   * new segment files; if even that fails, later records go to a new segment.
   */
  private async undoWrite(seg: Segment, fh: FileHandle, size: number): Promise<void> {
    try {
      await fh.truncate(size);
      seg.size = size;
    } catch {
      seg.size = Math.max(seg.size, size);
      this.rollNext = true;
    }
  }

  /** Starts a new segment (a fresh file is never appended to after a restart: its tail may be torn). */
  private async roll(): Promise<void> {
    const old = this.active;
    this.active = undefined;
    if (old) await old.fh.close();
    const id = this.nextSegmentId++;
    const seg: Segment = { id, path: this.segmentPath(id), live: new Set(), size: 0 };
    const fh = await open(seg.path, 'ax');
    try {
      // The directory entry must be durable too, or a power loss could drop the whole file.
      await syncDir(this.dir);
    } catch (e) {
      await fh.close();
      await unlinkQuietly(seg.path);
      throw e;
    }
    this.segments.push(seg);
    this.active = { seg, fh };
    this.rollNext = false;
    if (old) void this.collect();
  }

  /** Deletes fully acknowledged segments from the head of the log. */
  private async collect(): Promise<void> {
    if (this.collecting) return; // the running pass re-checks after every await
    this.collecting = true;
    try {
      while (this.segments.length > 0) {
        const s = this.segments[0]!;
        if (s.live.size > 0 || s === this.active?.seg) break;
        if (!(await unlinkQuietly(s.path))) {
          this.opts.onDiskError?.('delete', new Error(`could not delete ${s.path}`));
          break; // retried on the next ack
        }
        this.segments.shift();
      }
    } finally {
      this.collecting = false;
    }
  }

  private async drained(): Promise<void> {
    while (this.flushing || this.pending.length > 0) {
      await new Promise<void>((r) => {
        this.idleWaiters.push(r);
        if (!this.flushing) void this.flushLoop();
      });
    }
  }
}

/** A filesystem-safe directory name for an exporter id ("otlp_http/primary" → "otlp_http_primary"). */
export function queueDirName(id: string): string {
  const s = id.replace(/[^\w.-]/g, '_');
  return /^\.*$/.test(s) ? `_${s}` : s; // never "", "." or ".."
}

/** The persistent queue of exporter `id` under the `sending_queue.storage` directory. */
export function openFileQueueStorage(storageDir: string, id: string, opts?: FileQueueOptions): FileQueueStorage {
  return new FileQueueStorage(join(storageDir, queueDirName(id)), opts);
}

/**
 * Segments small enough that the log's disk use tracks `queue_bytes` closely (a segment is freed
 * only whole), large enough that rolling stays rare.
 */
export function segmentBytesFor(queueBytes: number): number {
  return Math.min(DEFAULT_SEGMENT_BYTES, Math.max(64 * 1024, Math.floor(queueBytes / 8)));
}

async function writeFully(fh: FileHandle, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  let d: FileHandle | undefined;
  try {
    d = await open(dir, 'r');
    await d.sync();
  } catch (e) {
    // Some platforms cannot open or fsync a directory; the file's own fsync is the best we get.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES') throw e;
  } finally {
    await d?.close();
  }
}

async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
