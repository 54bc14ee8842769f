import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.js';

/**
 * Runs Debian's real `prometheus` binary (apt-get install prometheus) for tests: a generated
 * config in a fresh temp dir, a free port on 127.0.0.1, and a stop() that ends the process and
 * removes the dir. Tests skip themselves when the binary is absent (`PROMETHEUS_BIN` is '').
 */
export const PROMETHEUS_BIN = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();

export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RangeResult {
  metric: Record<string, string>;
  /** [unix seconds with ms, value text] */
  values: [number, string][];
}

export interface RunningPrometheus {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  dir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** An instant query through /api/v1/query. */
  query(q: string): Promise<QueryResult[]>;
  /** Every raw sample of `selector` in the last `window` (a range-vector instant query). */
  samples(selector: string, window?: string): Promise<RangeResult[]>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited and the dir is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<RunningPrometheus>();

/**
 * Starts Prometheus with `config` (YAML; `__PORT__` is replaced by its own web port, handy for a
 * self-scrape) and waits until /-/ready answers.
 */
export async function startPrometheus(config: string, opts: { args?: string[]; readyTimeoutMs?: number } = {}): Promise<RunningPrometheus> {
  if (!PROMETHEUS_BIN) throw new Error('the `prometheus` binary is not installed (apt-get install -y prometheus)');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'prometheus.yml'), config.replaceAll('__PORT__', String(port)));
  let out = '';
  const child: ChildProcess = spawn(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(opts.args ?? []),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const prom: RunningPrometheus = {
    port,
    url,
    dir,
    logs: () => out,
    async query(q) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const j = (await res.json()) as { status: string; error?: string; data?: { result: QueryResult[] } };
      if (j.status !== 'success') throw new Error(`query ${q}: ${j.error ?? res.status}`);
      return j.data!.result;
    },
    async samples(selector, window = '10m') {
      return (await prom.query(`${selector}[${window}]`)) as unknown as RangeResult[];
    },
    async stop(graceMs = 5_000) {
      running.delete(prom);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(prom);

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return prom;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await prom.stop();
  throw new Error(`prometheus did not become ready:\n${out.slice(-3000)}`);
}

/** Stops every Prometheus this helper started that is still running (for afterAll). */
export async function stopAllPrometheus(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
