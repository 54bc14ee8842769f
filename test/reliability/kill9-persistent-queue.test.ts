import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSwitchyard, type Child } from '../helpers/cli.js';
import { eventually, freePort } from '../helpers/harness.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { childPids, postSpans, startSpanLedgerVendor, type SpanLedgerVendor } from '../helpers/span-ledger-vendor.js';

/**
 * DESIGN §7: what a receiver acknowledged is delivered after kill -9 and restart (at least once),
 * and duplicates stay within what was in flight. The queue lives in the worker processes, so they
 * are what gets SIGKILLed: one worker alone (the primary respawns it), then every worker together
 * with the primary. Kill points are acknowledged-span counts drawn from a seeded PRNG and logged;
 * set SWITCHYARD_TEST_SEED to replay a failing run's choices. Delivery is judged by the vendor's own
 * ledger and the load generator's own count of acknowledgements, never by the product's metrics.
 */
const CONSUMERS = 1;
const BATCH_MAX = 20;
const WORKERS = 2;
/** `npm run chaos` sets CHAOS_SCALE to run many more kill rounds than CI does. */
const SCALE = Math.max(1, Number(process.env.CHAOS_SCALE ?? 1));
const ROUNDS = Math.round(3 * SCALE);

describe('persistent queue survives SIGKILL of the processes that own it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-kill9-'));
  let vendor: SpanLedgerVendor | undefined;
  let running: Child | undefined;
  afterAll(async () => {
    if (running && running.proc.exitCode === null) running.proc.kill('SIGKILL');
    await vendor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every acknowledged span across worker and whole-process kills, with bounded duplicates', async () => {
    const seed = testSeed();
    const rand = seededRandom(seed);
    const log: string[] = [`seed ${seed} (SWITCHYARD_TEST_SEED=${seed} replays these choices)`];
    console.info(log[0]);
    try {
      vendor = await startSpanLedgerVendor();
      // A sometimes failing vendor keeps a backlog in the queues; its 503s are drawn from its own stream.
      const vendorRand = seededRandom(seed ^ 0x9e3779b9);
      vendor.answer = () => (vendorRand() < 0.3 ? 503 : 200);
      const port = await freePort();
      const file = join(dir, 'config.yaml');
      writeFileSync(file, `
receivers:
  otlp: { endpoint: 127.0.0.1:${port} }
exporters:
  otlp_http:
    endpoint: ${vendor.url}
    encoding: json
    sending_queue: { storage: ${dir}/queue, num_consumers: ${CONSUMERS} }
    retry_on_failure: { initial_interval: 20ms, max_interval: 100ms, max_elapsed_time: 300s }
    dead_letter_path: ${dir}/dlq.jsonl
processors:
  batch: { send_batch_size: ${BATCH_MAX}, send_batch_max_size: ${BATCH_MAX}, timeout: 5ms }
service:
  workers: ${WORKERS}
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp_http] }
`);
      const acked = new Set<string>();
      let next = 1;
      let workersKilled = 0;

      for (let round = 0; round < ROUNDS; round++) {
        const child = (running = await spawnSwitchyard(['run', '--config', file]));
        const workers = await eventually(async () => {
          const p = await childPids(child.proc.pid!);
          return p.length === WORKERS ? p : undefined;
        }, 15_000, 'the worker processes');
        let stop = false;
        const load = async () => {
          while (!stop) {
            const ids = Array.from({ length: 10 }, () => (next++).toString(16).padStart(16, '0'));
            // A request cut by a kill is not acknowledged, so not owed.
            if ((await postSpans(port, ids)) === 200) for (const id of ids) acked.add(id);
          }
        };
        const loaders = [load(), load(), load(), load()];
        const untilAcked = (n: number) => eventually(() => acked.size >= n, 30_000, `${n} spans acknowledged`);

        // Kill point 1: one worker, chosen and timed by the PRNG.
        const at1 = acked.size + 50 + Math.floor(rand() * 150);
        const victim = workers[Math.floor(rand() * workers.length)]!;
        await untilAcked(at1);
        process.kill(victim, 'SIGKILL');
        workersKilled++;
        log.push(`round ${round}: SIGKILL worker ${victim} at ${acked.size} acknowledged (point ${at1})`);
        await eventually(async () => {
          const p = await childPids(child.proc.pid!);
          return p.length === WORKERS && !p.includes(victim);
        }, 20_000, 'the killed worker replaced');

        // Kill point 2: every worker and the primary at once.
        const at2 = acked.size + 50 + Math.floor(rand() * 150);
        await untilAcked(at2);
        const all = await childPids(child.proc.pid!);
        for (const pid of all) process.kill(pid, 'SIGKILL');
        child.proc.kill('SIGKILL');
        workersKilled += all.length;
        log.push(`round ${round}: SIGKILL workers ${all.join(',')} and primary at ${acked.size} acknowledged (point ${at2})`);
        await child.exited;
        await eventually(async () => all.every((pid) => !isAlive(pid)), 10_000, 'workers gone');
        stop = true;
        await Promise.all(loaders);
      }
      for (const l of log.slice(1)) console.info(l);
      expect(acked.size).toBeGreaterThan(300);

      // Restart once more with a healthy vendor and let the replayed backlogs drain.
      vendor.answer = () => 200;
      const last = (running = await spawnSwitchyard(['run', '--config', file]));
      await eventually(() => [...acked].every((id) => vendor!.acknowledged.has(id)), 60_000, 'every acknowledged span delivered');
      last.proc.kill('SIGTERM');
      expect(await last.exited).toBe(0);

      const lost = [...acked].filter((id) => !vendor!.acknowledged.has(id));
      const duplicates = [...vendor.acknowledged.values()].reduce((n, c) => n + (c - 1), 0);
      // A killed worker can have delivered, but not yet recorded the ack of, what its consumers
      // had in flight, plus the previous batch whose ack record may still wait for the writer.
      const bound = workersKilled * CONSUMERS * BATCH_MAX * 2;
      console.info(`kill -9: ${workersKilled} worker kills, acknowledged ${acked.size}, delivered ${vendor.acknowledged.size}, duplicates ${duplicates} (bound ${bound}), lost ${lost.length}`);
      expect(lost).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(bound);
    } catch (e) {
      // The seed and the kill points, so the failure can be replayed.
      (e as Error).message = `${(e as Error).message}\n${log.join('\n')}`;
      throw e;
    }
  }, 180_000 * SCALE);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
