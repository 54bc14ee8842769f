import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSwitchyard, type Child } from '../helpers/cli.js';
import { eventually, freePort } from '../helpers/harness.js';
import { startFoglamp, type FoglampStandin } from '../standins/foglamp.js';
import { startNeatlogsStandin, type NeatlogsStandin } from '../standins/neatlogs.js';

/** One POST on its own TCP connection: the cluster hands each new connection to the next worker. */
function postFresh(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (spanId: string, parent: string | undefined, attrs: Record<string, string>) => ({
  traceId: TRACE, spanId, ...(parent ? { parentSpanId: parent } : {}), name: `op ${spanId}`, kind: 1,
  startTimeUnixNano: '1717555210123000000', endTimeUnixNano: '1717555213456000000',
  attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
});
const body = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-bot' } }] }, scopeSpans: [{ scope: { name: 'app' }, spans }] }] });

describe('whole traces across the workers of one Switchyard', () => {
  let child: Child | undefined;
  let neat: NeatlogsStandin | undefined;
  let fog: FoglampStandin | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-workers-trace-'));
  afterEach(async () => {
    child?.proc.kill('SIGKILL');
    await child?.exited;
    await neat?.close();
    await fog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spans of one trace sent on four connections to two workers reach Neatlogs under one workflow name and Foglamp as one trace', async () => {
    neat = await startNeatlogsStandin({ apiKey: 'nl' });
    fog = await startFoglamp({ apiKey: 'fl' });
    const port = await freePort();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `
receivers:
  otlp: { endpoint: 127.0.0.1:${port} }
exporters:
  neatlogs: { endpoint: ${neat.url}, api_key: nl, group_by_trace: { wait_duration: 1s }, dead_letter_path: ${dir}/nl.jsonl }
  foglamp: { endpoint: ${fog.url}, api_key: fl, group_by_trace: { wait_duration: 1s }, dead_letter_path: ${dir}/fl.jsonl }
service:
  workers: 2
  pipelines:
    traces: { receivers: [otlp], exporters: [neatlogs, foglamp] }
`);
    child = await spawnSwitchyard(['run', '--config', file]);
    // Children first, each on its own connection; the root, which names the workflow, last.
    const parts = [
      [span('00f067aa0ba902b1', 'a1a1a1a1a1a1a1a1', { 'gen_ai.operation.name': 'chat' })],
      [span('00f067aa0ba902b2', 'a1a1a1a1a1a1a1a1', { 'gen_ai.operation.name': 'execute_tool' })],
      [span('00f067aa0ba902b3', 'a1a1a1a1a1a1a1a1', { 'gen_ai.operation.name': 'chat' })],
      [span('a1a1a1a1a1a1a1a1', undefined, { 'gen_ai.workflow.name': 'refund-flow', 'gen_ai.operation.name': 'invoke_agent' })],
    ];
    for (const p of parts) expect(await postFresh(port, body(p))).toBe(200);
    await eventually(() => neat!.spans().length === 4 && fog!.received.flatMap((t) => t.spans as unknown[]).length === 4, 15_000, 'all four spans at both vendors');
    expect(neat.received.map((r) => r.batch.workflow_name)).toEqual(['refund-flow']);
    expect(fog.received).toHaveLength(1);
    expect(fog.received[0]!.traceId).toBe(TRACE);
  }, 60_000);
});
