import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { readLetters } from '../helpers/dead-letter-file.js';
import { exactSeries } from '../helpers/exact-series.js';

/**
 * README "Reliability": exponential backoff with jitter, capped by max_interval, never sooner than
 * Retry-After, and what outlives max_elapsed_time goes to the dead-letter file. Judged from the
 * vendor's side: the arrival times of the attempts at a stand-in that keeps answering 503.
 * Bounds are loose above (a loaded 2-core machine delays timers) and tight below (a timer never
 * fires early), so a broken multiplier, cap or jitter fails without any exact-timing assert.
 */
let sink: Sink;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await sink?.close();
});

// Scheduling noise allowed above a gap's ideal value on a busy machine: generous, since a broken cap or
// multiplier shows as seconds, and the precise growth is pinned by test/export/layers.test.ts.
const LATE = 1000;
// Arrival times are taken after the body is read; allow this much measurement skew below.
const EARLY = 15;

function config(sinkUrl: string, retry: string) {
  return `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sinkUrl}
    timeout: 2s
    retry_on_failure: { ${retry} }
    sending_queue: { num_consumers: 1 }
    dead_letter_path: $DIR/dlq.jsonl
processors:
  batch: { send_batch_size: 1, timeout: 1ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;
}

async function post(url: string, ids: string[]) {
  return fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('retry backoff seen from the vendor', () => {
  it('grows each interval by multiplier until max_interval, then stays there (no jitter)', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 503 });
    h = await startSwitchyard(config(sink.url, 'initial_interval: 100ms, multiplier: 2, max_interval: 400ms, randomization_factor: 0, max_elapsed_time: 60s'), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['r1'])).status).toBe(200);
    await eventually(() => sink.requests.length >= 7, 20_000, 'seven attempts');
    const g = gaps(sink.requests.map((r) => r.time)).slice(0, 6);
    const ideal = [100, 200, 400, 400, 400, 400];
    console.info(`gaps ${g.join(', ')} ms; ideal ${ideal.join(', ')}`);
    g.forEach((gap, i) => {
      expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(ideal[i]! - EARLY);
      expect(gap, `gap ${i + 1}`).toBeLessThanOrEqual(ideal[i]! + LATE);
    });
  });

  it('spreads each delay within ±randomization_factor of the interval, and really spreads it', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 503 });
    // initial = max: every delay is the capped interval (400 ms) ± 50 %, i.e. 200…600 ms.
    h = await startSwitchyard(config(sink.url, 'initial_interval: 400ms, multiplier: 2, max_interval: 400ms, randomization_factor: 0.5, max_elapsed_time: 60s'), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['j1'])).status).toBe(200);
    await eventually(() => sink.requests.length >= 11, 30_000, 'eleven attempts');
    const g = gaps(sink.requests.map((r) => r.time)).slice(0, 10);
    console.info(`jittered gaps ${g.join(', ')} ms (expected within 200…600)`);
    for (const gap of g) {
      expect(gap).toBeGreaterThanOrEqual(200 - EARLY);
      expect(gap).toBeLessThanOrEqual(600 + LATE);
    }
    // Ten uniform draws over 400 ms all falling in one 100 ms window has odds below 1e-4; without
    // jitter the spread is scheduling noise only.
    expect(Math.max(...g) - Math.min(...g)).toBeGreaterThan(100);
  });

  it('never retries sooner than Retry-After, even when the backoff is shorter', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 503, headers: { 'retry-after': '1' } });
    h = await startSwitchyard(config(sink.url, 'initial_interval: 20ms, max_interval: 50ms, max_elapsed_time: 60s'), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['ra'])).status).toBe(200);
    await eventually(() => sink.requests.length >= 4, 15_000, 'four attempts');
    for (const gap of gaps(sink.requests.map((r) => r.time)).slice(0, 3)) expect(gap).toBeGreaterThanOrEqual(1000 - EARLY);
  });

  it('gives up at max_elapsed_time: the request goes to the dead-letter file with its reason and item count, and /metrics counts it', async () => {
    sink = await startSink();
    const attempts: string[][] = [];
    sink.respond = (_req, ids) => (attempts.push(ids), { status: 503 });
    h = await startSwitchyard(config(sink.url, 'initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 800ms'), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['g1', 'g2', 'g3'])).status).toBe(200);
    const letters = await eventually(() => {
      const l = readLetters(`${h!.dir}/dlq.jsonl`);
      return l.length > 0 ? l : undefined;
    }, 15_000, 'a dead letter');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ exporter: 'fake', status: 503, items: 3 });
    expect(letters[0]!.reason).toMatch(/gave up/);
    expect(letters[0]!.reason).toContain('HTTP 503');
    expect(JSON.parse(letters[0]!.body!)).toEqual([{ id: 'g1' }, { id: 'g2' }, { id: 'g3' }]);
    // It retried for a while, but no attempt came after the elapsed budget (plus scheduling slack).
    const times = sink.requests.map((r) => r.time);
    expect(times.length).toBeGreaterThan(2);
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(800 + LATE);
    const attemptsAtGiveUp = attempts.length;
    expect(await exactSeries(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'fake', reason: 'http_503' })).toBe(3);
    expect(await exactSeries(h.service.telemetryUrl!, 'switchyard_exporter_send_failed_items_total', { exporter: 'fake', signal: 'traces' })).toBe(3);
    const stats = await (await fetch(`${h.service.telemetryUrl}/api/v1/debug/dlq-stats`)).json();
    expect(stats).toMatchObject({ total_failed: 3, by_reason: { http_503: 3 } });
    // A later marker is attempted (so the consumer is alive) and the given-up request is not among its attempts.
    expect((await post(h.service.receiverUrl('fake'), ['marker'])).status).toBe(200);
    await eventually(() => attempts.length > attemptsAtGiveUp, 5000, 'the marker attempted');
    expect(attempts.slice(attemptsAtGiveUp).every((ids) => ids.join() === 'marker')).toBe(true);
    expect(readLetters(`${h.dir}/dlq.jsonl`)).toHaveLength(1);
  });

  it('max_elapsed_time: 0 means no limit (as in the Collector): it keeps retrying until the vendor recovers', async () => {
    sink = await startSink();
    let calls = 0;
    sink.respond = () => (++calls <= 4 ? { status: 503 } : { status: 200 });
    h = await startSwitchyard(config(sink.url, 'initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 0s'), { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['z1'])).status).toBe(200);
    await eventually(() => sink.received.includes('z1') || readLetters(`${h!.dir}/dlq.jsonl`).length > 0, 15_000, 'delivery or a dead letter');
    expect(readLetters(`${h.dir}/dlq.jsonl`)).toEqual([]);
    expect(sink.received).toEqual(['z1']);
    expect(sink.requests).toHaveLength(5);
  });
});
