import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * README "Reliability": a receiver answers success only once the data is in every target
 * exporter's queue. The other side of that promise: when one target's queue is full the request is
 * refused whole, and nothing of it is queued at the other target either (a retry by the client
 * would otherwise duplicate it there).
 */
let slow: Sink | undefined;
let fast: Sink | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await slow?.close();
  await fast?.close();
});

async function post(url: string, ids: string[]) {
  return fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
}

describe('fan-out to two exporters', () => {
  it('one full queue refuses the request with back-pressure, and nothing of it reaches the other exporter', async () => {
    slow = await startSink();
    fast = await startSink();
    let slowUp = false;
    slow.respond = () => (slowUp ? { status: 200 } : 'hang');
    h = await startSwitchyard(`
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake/slow:
    endpoint: ${slow.url}
    timeout: 500ms
    retry_on_failure: { initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 60s }
    # 22: after four requests of five (20 items) there is room for one more item but not five, so
    # the refusal is decided for the whole request, after decoding, not by the cheap pre-check.
    sending_queue: { queue_size: 22, num_consumers: 1 }
  fake/fast:
    endpoint: ${fast.url}
    sending_queue: { num_consumers: 1 } # one FIFO consumer: what was queued before the marker arrives before it
processors:
  batch: { send_batch_size: 5, timeout: 1ms }
service:
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake/slow, fake/fast] }
`, { catalog: catalogWithFake() });
    const url = h.service.receiverUrl('fake');
    const acked: string[] = [];
    let refused: string[] | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const ids = Array.from({ length: 5 }, (_, j) => `a${i}-${j}`);
      const res = await post(url, ids);
      if (res.status === 200) acked.push(...ids);
      else {
        expect(res.status).toBe(429);
        expect(res.headers.get('retry-after')).not.toBeNull();
        refused = ids;
      }
    }
    expect(refused, 'the slow exporter queue filled up').toBeDefined();
    // The slow vendor recovers; its queue drains; a marker is then accepted by both exporters.
    slowUp = true;
    await eventually(async () => (await post(url, ['marker'])).status === 200, 20_000, 'the marker accepted');
    await eventually(() => fast!.received.includes('marker') && slow!.received.includes('marker'), 20_000, 'the marker delivered to both');
    // Everything before the marker has been handed to the fast exporter by now (one FIFO queue).
    expect(fast.received.filter((id) => refused!.includes(id))).toEqual([]);
    expect(slow.received.filter((id) => refused!.includes(id))).toEqual([]);
    expect([...new Set(fast.received)].sort()).toEqual([...acked, 'marker'].sort());
  });
});
