/**
 * No signal but SIGKILL ends Switchyard without the SIGTERM drain: SIGHUP, SIGUSR2 and SIGUSR1
 * sent to the primary and to each worker of a running `switchyard run` are logged and ignored
 * (SIGUSR1 opens no inspector), the process keeps serving, and SIGTERM then drains it to exit 0.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSwitchyard, type Child } from '../helpers/cli.js';
import { eventually, freePort } from '../helpers/harness.js';

const SPAN = (name: string) => JSON.stringify({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [{
    traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name, kind: 1,
    startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000',
  }] }] }],
});

function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('signals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-signals-'));
  let child: Child | undefined;
  afterAll(async () => {
    if (child && child.proc.exitCode === null) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const workers of [1, 2]) {
    it(`SIGHUP, SIGUSR2 and SIGUSR1 are ignored (${workers} worker${workers > 1 ? 's' : ''}); SIGTERM drains to exit 0`, async () => {
      const port = await freePort();
      const file = join(dir, `config-${workers}.yaml`);
      writeFileSync(file, `
receivers:
  otlp: { endpoint: "127.0.0.1:${port}" }
exporters:
  debug: { path: ${dir}/out-${workers}.jsonl }
service:
  workers: ${workers}
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`);
      child = await spawnSwitchyard(['run', '--config', file]);
      const c = child;
      const post = (name: string) => fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: SPAN(name) });
      expect((await post('before')).status).toBe(200);

      const targets = [c.proc.pid!, ...(workers > 1 ? childPids(c.proc.pid!) : [])];
      expect(targets.length, 'primary plus workers').toBe(workers > 1 ? workers + 1 : 1);
      let expected = 0;
      for (const signal of ['SIGHUP', 'SIGUSR2', 'SIGUSR1'] as const) {
        for (const pid of targets) {
          process.kill(pid, signal);
          expected++;
          // A positive signal (the log line) before the next one, so that none is coalesced.
          await eventually(() => countOf(c.stderr, 'signal ignored') >= expected, 10_000, `${signal} to ${pid} logged`);
          expect(c.proc.exitCode, `${signal} did not end the process`).toBeNull();
        }
        expect((await post(`after ${signal}`)).status, `still serving after ${signal}`).toBe(200);
      }
      expect(c.stderr).not.toContain('Debugger listening');
      for (const pid of targets) expect(() => process.kill(pid, 0), `process ${pid} is alive`).not.toThrow();

      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
      expect(c.stderr).toContain('draining');
      // Everything acknowledged was written by the debug exporter during the drain.
      const out = readFileSync(join(dir, `out-${workers}.jsonl`), 'utf8');
      for (const name of ['before', 'after SIGHUP', 'after SIGUSR2', 'after SIGUSR1']) expect(out).toContain(name);
    }, 60_000);
  }
});
