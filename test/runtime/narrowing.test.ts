import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { selfMetric } from '../helpers/self-metrics.js';

let sink: Sink | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  await sink?.close();
  h = sink = undefined;
});

const config = (url: string) => `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${url}
    dead_letter_path: $DIR/dlq.jsonl
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;

const post = (url: string, ids: string[]) =>
  fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });

describe('a refused many-item request is narrowed down to the items the vendor refuses', () => {
  it('400 for any request holding a bad item: every good item arrives, each bad one is dead-lettered alone', async () => {
    sink = await startSink();
    sink.respond = (_req, ids) => (ids.some((id) => id.startsWith('bad')) ? { status: 400 } : { status: 200 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    const ids = Array.from({ length: 37 }, (_, i) => (i === 5 || i === 30 ? `bad${i}` : `ok${i}`));
    expect((await post(h.service.receiverUrl('fake'), ids)).status).toBe(200);
    const good = ids.filter((id) => id.startsWith('ok'));
    await eventually(() => good.every((id) => sink!.received.includes(id)), 10_000, 'all good items delivered');
    const letters = await eventually(() => {
      const lines = readFileSync(`${h!.dir}/dlq.jsonl`, 'utf8').trim().split('\n');
      return lines.length >= 2 ? lines.map((l) => JSON.parse(l)) : undefined;
    }, 10_000, 'two dead letters');
    expect(letters.map((l) => [l.items, JSON.parse(l.body)])).toEqual(expect.arrayContaining([[1, [{ id: 'bad5' }]], [1, [{ id: 'bad30' }]]]));
    expect(letters).toHaveLength(2);
    expect(new Set(sink.received).size).toBe(sink.received.length); // nothing delivered twice
    const url = h.service.telemetryUrl!;
    expect(await selfMetric(url, 'switchyard_exporter_sent_items_total', { exporter: 'fake', signal: 'traces' })).toBe(35);
    expect(await selfMetric(url, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'fake', reason: 'http_400' })).toBe(2);
  });

  it('a 413 shrinks the batch until it fits, then nothing is dead-lettered', async () => {
    sink = await startSink();
    sink.respond = (_req, ids) => (ids.length > 4 ? { status: 413 } : { status: 200 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    const ids = Array.from({ length: 19 }, (_, i) => `s${i}`);
    expect((await post(h.service.receiverUrl('fake'), ids)).status).toBe(200);
    await eventually(() => ids.every((id) => sink!.received.includes(id)), 10_000, 'all delivered in small requests');
    expect(sink.received).toHaveLength(19);
  });

  it('401 is not narrowed: the whole request is dead-lettered once', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 401 });
    h = await startSwitchyard(config(sink.url), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['a', 'b', 'c', 'd'])).status).toBe(200);
    const line = await eventually(() => readFileSync(`${h!.dir}/dlq.jsonl`, 'utf8'), 10_000, 'dead letter');
    expect(JSON.parse(line.trim())).toMatchObject({ status: 401, items: 4 });
    expect(sink.requests).toHaveLength(1);
  });
});
