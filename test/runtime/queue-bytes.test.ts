import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { startSwitchyard, type Harness } from '../helpers/harness.js';

/** `sending_queue.queue_bytes` bounds a queue by size in bytes, independently of `queue_size`. */
let sink: Sink | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await sink?.close();
});

function config(sinkUrl: string, queueBytes: string) {
  return `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sinkUrl}
    timeout: 30s
    sending_queue: { queue_size: 10000, queue_bytes: ${queueBytes}, num_consumers: 1 }
processors:
  batch: { send_batch_size: 10, timeout: 1ms }
service:
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;
}

/** Posts 20 requests of ten ~100-byte ids (≈1.1 KB each) to a vendor that never answers. */
async function fill(url: string): Promise<{ accepted: number; statuses: number[] }> {
  let accepted = 0;
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const ids = Array.from({ length: 10 }, (_, j) => `b${i}-${j}-`.padEnd(100, 'x'));
    const res = await fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
    statuses.push(res.status);
    if (res.status === 200) accepted += ids.length;
  }
  return { accepted, statuses };
}

describe('queue_bytes', () => {
  it('a small byte bound refuses with back-pressure long before queue_size would', async () => {
    sink = await startSink();
    sink.respond = () => 'hang';
    h = await startSwitchyard(config(sink.url, '4KiB'), { catalog: catalogWithFake() });
    const { accepted, statuses } = await fill(h.service.receiverUrl('fake'));
    console.info(`queue_bytes 4KiB: statuses ${statuses.join(',')}`);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    // ≈1.1 KB a request: at most five fit in 4 KiB (one may be in flight), far below 10,000 items.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(60);
  });

  it('control: with a roomy byte bound the same load is all accepted', async () => {
    sink = await startSink();
    sink.respond = () => 'hang';
    h = await startSwitchyard(config(sink.url, '1MiB'), { catalog: catalogWithFake() });
    const { accepted } = await fill(h.service.receiverUrl('fake'));
    expect(accepted).toBe(200);
  });
});
