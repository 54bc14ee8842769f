import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Exporter } from '../../src/export/exporter.js';
import { queueDirName } from '../../src/export/file-queue.js';
import { MAGIC } from '../../src/export/segment-log.js';
import { openFileQueueStorage } from '../../src/export/file-queue.js';
import type { ExporterDefinition, OutboundRequest } from '../../src/formats/types.js';
import { countItems, serializeTelemetry, type Telemetry } from '../../src/model/index.js';
import { exporterBaseSchema, type ExporterConfig } from '../../src/export/config.js';
import { SelfMetrics } from '../../src/observe/self-metrics.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function spans(n: number): Telemetry {
  return {
    traces: [{
      resource: { attributes: { n: BigInt(n) } },
      scopeSpans: [{
        scope: { name: 't' },
        spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: `s${n}`, kind: 1, startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: {}, events: [], links: [], status: { code: 0 } }],
      }],
    }],
  };
}

describe('exporter with a persistent queue', () => {
  it('replays what survived, skips a damaged record and counts it in /metrics, then cleans up', async () => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-exp-'));
    const id = 'fake/persistent';
    const pre = openFileQueueStorage(root, id);
    await pre.open();
    for (let i = 1; i <= 4; i++) await pre.append({ seq: i, signal: 'traces', data: spans(i), items: 1, bytes: 100 });
    await pre.close();

    const dir = join(root, queueDirName(id));
    const [file] = readdirSync(dir).map((f) => join(dir, f));
    const buf = readFileSync(file!);
    const second = buf.indexOf(MAGIC, buf.indexOf(MAGIC) + 1);
    buf[second + 40] ^= 0xff;
    writeFileSync(file!, buf);

    const sent: OutboundRequest[] = [];
    const definition: ExporterDefinition = {
      signals: ['traces'],
      encode: (t) => [{ path: '/', contentType: 'application/json', body: serializeTelemetry(t), items: countItems(t) }],
      createTransport: () => ({ send: async (r) => (sent.push(r), { kind: 'ok' }) }),
    };
    const config: ExporterConfig = exporterBaseSchema.parse({
      timeout: 1000,
      sending_queue: { enabled: true, queue_size: 100, queue_bytes: 1 << 20, num_consumers: 1, storage: root },
      retry_on_failure: { enabled: false, initial_interval: 10, max_interval: 10, multiplier: 1, randomization_factor: 0, max_elapsed_time: 100 },
      dead_letter_path: join(root, 'dlq.jsonl'),
    });
    const metrics = new SelfMetrics();
    const exporter = new Exporter({
      id,
      definition,
      config,
      batch: { send_batch_size: 10, send_batch_max_size: 0, timeout: 10 },
      metrics,
      logger: pino({ level: 'silent' }),
      openStorage: openFileQueueStorage,
      dataDir: root,
    });
    await exporter.start();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/switchyard_exporter_queue_corrupt_records_total\{exporter="fake\/persistent"\} 1/);

    for (let t = 0; t < 200 && sent.reduce((n, r) => n + r.items, 0) < 3; t++) await new Promise((r) => setTimeout(r, 10));
    const names = sent.flatMap((r) => (JSON.parse(r.body as string) as Telemetry).traces!.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
    expect(names.sort()).toEqual(['s1', 's3', 's4']);

    await exporter.shutdown(1000);
    expect(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.log')) : []).toEqual([]);
  });
});
