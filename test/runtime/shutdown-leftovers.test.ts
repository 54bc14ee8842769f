import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, freePort, startSwitchyard, type Harness } from '../helpers/harness.js';
import { letterItems, readLetters } from '../helpers/dead-letter-file.js';

/**
 * README: on stop, drain within service.shutdown_timeout and keep what is left, in the dead-letter
 * file for a memory queue, on disk (replayed at the next start) for a persistent one. The stop
 * itself must not outlast the timeout by more than scheduling slack.
 */
const SHUTDOWN_MS = 1000;
const SLACK_MS = 2500;

let sink: Sink | undefined;
let harnesses: Harness[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.close();
  harnesses = [];
  await sink?.close();
  sink = undefined;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function config(endpoint: string, opts: { storage?: string; dlq: string }) {
  return `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${endpoint}
    timeout: 60s
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 120s }
    sending_queue: { num_consumers: 1, queue_size: 1000${opts.storage ? `, storage: ${opts.storage}` : ''} }
    dead_letter_path: ${opts.dlq}
processors:
  batch: { send_batch_size: 5, send_batch_max_size: 5, timeout: 1ms }
service:
  shutdown_timeout: ${SHUTDOWN_MS}ms
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;
}

async function post(url: string, ids: string[]) {
  return fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
}

async function start(yaml: string) {
  const h = await startSwitchyard(yaml, { catalog: catalogWithFake() });
  harnesses.push(h);
  return h;
}

/** Posts `n` requests of five ids each; every one must be acknowledged. */
async function load(h: Harness, prefix: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const batch = Array.from({ length: 5 }, (_, j) => `${prefix}${i}-${j}`);
    expect((await post(h.service.receiverUrl('fake'), batch)).status).toBe(200);
    ids.push(...batch);
  }
  return ids;
}

async function timedStop(h: Harness): Promise<number> {
  const t0 = performance.now();
  await h.service.shutdown(); // no argument: service.shutdown_timeout from the config
  return performance.now() - t0;
}

function deadLetteredIds(path: string): string[] {
  return readLetters(path).flatMap((l) => {
    const text = l.body ?? '';
    return [...text.matchAll(/"(?:spanId|id)":"([^"]+)"/g)].map((m) => m[1]!);
  });
}

/** Sum of one counter over all its series, from the same text /metrics serves. */
async function counterTotal(h: Harness, name: string): Promise<number> {
  const { text } = await h.service.telemetry.metrics();
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(m[1]);
  return total;
}

describe('what is left at shutdown_timeout', () => {
  it('memory queue, vendor never answers: every item ends in the dead-letter file, counted, and the stop keeps to the timeout', async () => {
    sink = await startSink();
    sink.respond = () => 'hang';
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-stop-'));
    dirs.push(dir);
    const dlq = join(dir, 'dlq.jsonl');
    const h = await start(config(sink.url, { dlq }));
    const acked = await load(h, 'h', 4);
    const ms = await timedStop(h);
    console.info(`stop with a hanging vendor took ${Math.round(ms)} ms (shutdown_timeout ${SHUTDOWN_MS} ms)`);
    expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
    expect(letterItems(readLetters(dlq))).toBe(acked.length);
    expect(deadLetteredIds(dlq).sort()).toEqual([...acked].sort());
    expect(await counterTotal(h, 'switchyard_exporter_dead_lettered_items_total')).toBe(acked.length);
  });

  it('memory queue, vendor down: every item ends in the dead-letter file, counted, within the timeout', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-stop-'));
    dirs.push(dir);
    const dlq = join(dir, 'dlq.jsonl');
    const h = await start(config(down, { dlq }));
    const acked = await load(h, 'd', 4);
    const ms = await timedStop(h);
    expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
    expect(letterItems(readLetters(dlq))).toBe(acked.length);
    expect(deadLetteredIds(dlq).sort()).toEqual([...acked].sort());
    expect(await counterTotal(h, 'switchyard_exporter_dead_lettered_items_total')).toBe(acked.length);
  });

  it('persistent queue, vendor never answers: kept on disk, not dead-lettered, and delivered after restart', async () => {
    sink = await startSink();
    sink.respond = () => 'hang';
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-stop-'));
    dirs.push(dir);
    const dlq = join(dir, 'dlq.jsonl');
    const yaml = config(sink.url, { storage: join(dir, 'queue'), dlq });
    const first = await start(yaml);
    const acked = await load(first, 'p', 4);
    const ms = await timedStop(first);
    expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
    expect(readLetters(dlq)).toEqual([]);
    // The vendor recovers; the next start replays the queue from disk.
    sink.respond = () => ({ status: 200 });
    await start(yaml);
    await eventually(() => acked.every((id) => sink!.received.includes(id)), 15_000, 'every kept item delivered after restart');
    expect(readLetters(dlq)).toEqual([]);
  });
});
