import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutboundRequest } from '../formats/types.js';
import { scrubSecrets } from '../observe/secrets.js';

export interface DeadLetter {
  time: string;
  exporter: string;
  reason: string;
  status?: number;
  items: number;
  path?: string;
  content_type?: string;
  /** One rejected record (partial success) … */
  record?: unknown;
  /** … or the whole request body: text when it is text, else base64. */
  body?: string;
  body_base64?: string;
}

export interface DeadLetterStats {
  total_failed: number;
  by_reason: Record<string, number>;
  oldest_entry?: string;
  newest_entry?: string;
}

export interface DeadLetterOptions {
  /** Told of every failed write (a full or failing disk); the write is retried. */
  onError?(error: Error): void;
  /** Once aborted (the shutdown deadline), a write that fails is given up on … */
  stopping?: AbortSignal;
  /** … and its lines handed here, the last place they can go (the exporter logs them). */
  onGiveUp?(text: string, error: Error): void;
}

/**
 * The JSONL file of what an exporter gave up on or the vendor refused, with the reason. Writes are
 * serialised so lines never interleave. A write that fails (ENOSPC, EIO) is cut back to a whole
 * line and retried with backoff until it lands: the caller waits, its queue fills, and receivers
 * push back, so a full disk costs throughput, never the letters.
 */
export class DeadLetterFile {
  private chain: Promise<void> = Promise.resolve();
  private readonly stats: DeadLetterStats = { total_failed: 0, by_reason: {} };
  /** The last write error, until a write succeeds again. */
  error?: string;

  constructor(public readonly path: string, private readonly exporter: string, private readonly opts: DeadLetterOptions = {}) {}

  /** The whole request failed. */
  writeRequest(req: OutboundRequest, reason: string, status?: number, items = req.items): Promise<void> {
    const letter: DeadLetter = { time: new Date().toISOString(), exporter: this.exporter, reason, status, items, path: req.path, content_type: req.contentType };
    // `req` is the encoder's request: its body is not compressed yet (see compress.ts).
    const body = typeof req.body === 'string' ? Buffer.from(req.body) : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    if (/json|ndjson|text/.test(req.contentType)) letter.body = body.toString('utf8');
    else letter.body_base64 = body.toString('base64');
    return this.write([letter], reasonKey(reason, status), items);
  }

  /** Single records the vendor refused in a partial success. */
  writeRecords(records: { record: unknown; reason: string }[], req: OutboundRequest): Promise<void> {
    const time = new Date().toISOString();
    const letters = records.map((r) => ({ time, exporter: this.exporter, reason: r.reason, items: 1, path: req.path, record: r.record }));
    return this.write(letters, undefined, records.length, records.map((r) => r.reason));
  }

  /** Items that could not even be encoded, or were left at shutdown: kept as model text. */
  writeRaw(reason: string, items: number, payload: string): Promise<void> {
    const letter: DeadLetter = { time: new Date().toISOString(), exporter: this.exporter, reason, items, body: payload };
    return this.write([letter], reasonKey(reason), items);
  }

  snapshot(): DeadLetterStats {
    return { ...this.stats, by_reason: { ...this.stats.by_reason } };
  }

  private write(letters: DeadLetter[], key: string | undefined, items: number, keys?: string[]): Promise<void> {
    const now = letters[0]?.time ?? new Date().toISOString();
    this.stats.total_failed += items;
    if (key) this.stats.by_reason[key] = (this.stats.by_reason[key] ?? 0) + items;
    for (const k of keys ?? []) this.stats.by_reason[reasonKey(k)] = (this.stats.by_reason[reasonKey(k)] ?? 0) + 1;
    this.stats.oldest_entry ??= now;
    this.stats.newest_entry = now;
    // A vendor's error text may echo the request's credentials back: scrub before it is kept.
    const text = scrubSecrets(letters.map((l) => JSON.stringify(l)).join('\n') + '\n');
    this.chain = this.chain.then(() => this.persist(text));
    return this.chain;
  }

  private async persist(text: string): Promise<void> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      try {
        await appendWhole(this.path, text);
        this.error = undefined;
        return;
      } catch (e) {
        const err = e as Error;
        this.error = err.message;
        this.opts.onError?.(err);
        if (!this.opts.stopping || this.opts.stopping.aborted) {
          this.opts.onGiveUp?.(text, err);
          return;
        }
        await abortableSleep(delay, this.opts.stopping);
      }
    }
  }
}

/** Appends `text`, or on failure cuts the file back to its old end: never a torn line. */
async function appendWhole(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'a');
  try {
    const { size } = await fh.stat();
    try {
      await fh.writeFile(text);
    } catch (e) {
      await fh.truncate(size).catch(() => {});
      throw e;
    }
  } finally {
    await fh.close();
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A short, low-cardinality reason for counting: the HTTP status, or the first words. */
export function reasonKey(reason: string, status?: number): string {
  if (status) return `http_${status}`;
  const m = /^([a-z_]+)\b/i.exec(reason);
  return m ? m[1]!.toLowerCase() : 'other';
}
