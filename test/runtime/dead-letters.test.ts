import { catalogWithFake, fakeExporter, startSink } from '../helpers/fake-format.js';
import type { ExporterDefinition } from '../../src/formats/types.js';
import { flattenSpans } from '../../src/model/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startInfraSage, type InfraSageStandin } from '../standins/infrasage.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { letterItems, readLetters, type Letter } from '../helpers/dead-letter-file.js';
import { exactSeries } from '../helpers/exact-series.js';

/**
 * Dead letters, end to end: Netra events in over HTTP, InfraSage out to the strict stand-in.
 * The stand-in's clock is injected, so its 24 h timestamp window judges the fixed event times the
 * same way on any day the suite runs.
 */
const T0 = Date.UTC(2024, 6, 31, 0, 0, 0); // the event times' day
const HOUR = 3600_000;
const standinNow = () => T0 + HOUR;

let vendor: InfraSageStandin | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await vendor?.close();
  vendor = undefined;
});

function config(vendorUrl: string) {
  return `
receivers:
  netra: { endpoint: 127.0.0.1:0 }
exporters:
  infrasage:
    endpoint: ${vendorUrl}
    retry_on_failure: { initial_interval: 20ms, max_interval: 50ms, max_elapsed_time: 20s }
    dead_letter_path: $DIR/dlq.jsonl
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [netra], processors: [batch], exporters: [infrasage] }
`;
}

/** One Netra event (vendor-apis/netra): the event id names the span, `ts` its start. */
function event(id: string, ts: number) {
  return {
    event_metadata: { event_id: id, timestamp_utc: ts },
    trace_context: { trace_id: 'trace-dl', span_id: id, span_name: `op-${id}` },
    request: { model: { name: 'gpt-4o' }, prompt: { messages: [{ role: 'user', content: 'Hi' }] } },
    response: { completion: { choices: [] }, usage: { total_tokens: 10 } },
  };
}

async function postNetra(url: string, events: object[]) {
  return fetch(`${url}/v1/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer test-key' },
    body: events.map((e) => JSON.stringify(e)).join('\n') + '\n',
  });
}

const spanName = (r: unknown) => (r as { metric_name?: string }).metric_name;

describe('dead letters', () => {
  it('InfraSage partial failure: one dead letter per failed index, with that record and its reason; counted as rejected, not sent', async () => {
    vendor = await startInfraSage({ now: standinNow });
    h = await startSwitchyard(config(vendor.url));
    const ids = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    const stale = new Set(['p1', 'p4']); // 48 h before the stand-in's now: timestamp_too_old
    const res = await postNetra(h.service.receiverUrl('netra'), ids.map((id) => event(id, stale.has(id) ? T0 - 47 * HOUR : T0)));
    expect(res.status).toBe(202);
    await eventually(() => vendor!.received.length === 4 && readLetters(`${h!.dir}/dlq.jsonl`).length >= 2, 10_000, 'four delivered, two dead-lettered');

    expect(vendor.received.map(spanName).sort()).toEqual(['op-p0', 'op-p2', 'op-p3', 'op-p5']);
    const letters = readLetters(`${h.dir}/dlq.jsonl`);
    expect(letters).toHaveLength(2);
    expect(letters.map((l) => spanName(l.record)).sort()).toEqual(['op-p1', 'op-p4']);
    for (const l of letters) {
      expect(l).toMatchObject({ exporter: 'infrasage', items: 1 });
      expect(l.reason).toMatch(/^timestamp_too_old/);
    }
    // Not retried: the one batch request was the only write.
    expect(vendor.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const t = h.service.telemetryUrl!;
    expect(await exactSeries(t, 'switchyard_exporter_sent_items_total', { exporter: 'infrasage', signal: 'traces' })).toBe(4);
    expect(await exactSeries(t, 'switchyard_exporter_send_failed_items_total', { exporter: 'infrasage', signal: 'traces' })).toBe(2);
    expect(await exactSeries(t, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'infrasage', reason: 'refused_item' })).toBe(2);
    const stats = await (await fetch(`${t}/api/v1/debug/dlq-stats`)).json();
    expect(stats).toMatchObject({ total_failed: 2, by_reason: { timestamp_too_old: 2 } });
  });

  it('a 400 is never retried as such: the request is narrowed down, and what the vendor refuses is dead-lettered item by item', async () => {
    // Refuses every request until the marker: 3 items → halves [2] and [1] → [1] and [1]: 5 refusals.
    vendor = await startInfraSage({ now: standinNow, failTimes: 5, failStatus: 400 });
    h = await startSwitchyard(config(vendor.url));
    const url = h.service.receiverUrl('netra');
    expect((await postNetra(url, [event('b0', T0), event('b1', T0), event('b2', T0)])).status).toBe(202);
    const letters = await eventually(() => {
      const l = readLetters(`${h!.dir}/dlq.jsonl`);
      return l.length >= 3 ? l : undefined;
    }, 10_000, 'three dead letters');
    expect(letters).toHaveLength(3);
    for (const l of letters) {
      expect(l).toMatchObject({ exporter: 'infrasage', status: 400, items: 1 });
      expect(l.reason).toContain('HTTP 400');
    }
    expect(letters.flatMap((l) => (JSON.parse(l.body!) as unknown[]).map(spanName)).sort()).toEqual(['op-b0', 'op-b1', 'op-b2']);
    // "Not retried" without a sleep: a later marker arrives, and it is the only other write.
    expect((await postNetra(url, [event('marker', T0)])).status).toBe(202);
    await eventually(() => vendor!.received.some((r) => spanName(r) === 'op-marker'), 10_000, 'the marker delivered');
    // Each request was sent once: the whole, its two halves, the two halves of the half of two; then the marker.
    expect(vendor.requests.filter((r) => r.method === 'POST')).toHaveLength(6);
    expect(vendor.received.map(spanName)).toEqual(['op-marker']);
    expect(readLetters(`${h.dir}/dlq.jsonl`)).toHaveLength(3);
    expect(await exactSeries(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'infrasage', reason: 'http_400' })).toBe(3);
  });

  it('a vendor that refuses a many-item request once gets its halves, and nothing is dead-lettered', async () => {
    vendor = await startInfraSage({ now: standinNow, failTimes: 1, failStatus: 400 });
    h = await startSwitchyard(config(vendor.url));
    expect((await postNetra(h.service.receiverUrl('netra'), [event('h0', T0), event('h1', T0), event('h2', T0)])).status).toBe(202);
    await eventually(() => vendor!.received.length === 3, 10_000, 'all three delivered in halves');
    expect(vendor.received.map(spanName).sort()).toEqual(['op-h0', 'op-h1', 'op-h2']);
    expect(readLetters(`${h.dir}/dlq.jsonl`)).toHaveLength(0);
  });

  it('a time no encoder could write is refused at the door with the field named, so nothing acknowledged can fail later', async () => {
    vendor = await startInfraSage({ now: standinNow });
    h = await startSwitchyard(config(vendor.url));
    // A start time of 1e300 ms is a finite number, but no RFC 3339 date and no int64 nanosecond.
    const res = await postNetra(h.service.receiverUrl('netra'), [event('e0', T0), event('e1', 1e300), event('e2', T0)]);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/UnixNano/);
    // Refused whole and before any queue: a later marker is the only thing the vendor gets.
    expect((await postNetra(h.service.receiverUrl('netra'), [event('marker', T0)])).status).toBe(202);
    await eventually(() => vendor!.received.length >= 1, 10_000, 'the marker');
    expect(vendor.received.map(spanName)).toEqual(['op-marker']);
    expect(readLetters(`${h.dir}/dlq.jsonl`)).toEqual([]);
  });

  it('an item the encoder throws on is set aside alone; the rest of the same request is delivered', async () => {
    const sink = await startSink();
    try {
      // An encoder with a bug for one input: it throws on any batch holding a span named boom*.
      const picky: ExporterDefinition = {
        ...fakeExporter,
        encode(data, ctx) {
          const bad = flattenSpans(data.traces ?? []).find((s) => s.span.spanId.startsWith('boom'));
          if (bad) throw new Error(`cannot encode ${bad.span.spanId}`);
          return fakeExporter.encode(data, ctx);
        },
      };
      const catalog = catalogWithFake();
      catalog.exporters.set('picky', picky);
      h = await startSwitchyard(`
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  picky: { endpoint: ${sink.url}, dead_letter_path: $DIR/dlq.jsonl }
processors:
  batch: { send_batch_size: 1000, timeout: 50ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [picky] }
`, { catalog });
      const ids = ['e0', 'boom1', 'e2', 'e3'];
      const res = await fetch(`${h.service.receiverUrl('fake')}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
      expect(res.status).toBe(200);
      const letters = await eventually(() => {
        const l = readLetters(`${h!.dir}/dlq.jsonl`);
        return l.length ? l : undefined;
      }, 10_000, 'a dead letter');
      expect(letters).toHaveLength(1);
      const letter: Letter = letters[0]!;
      expect(letter.items).toBe(1);
      expect(letter.reason).toBe('encode_error: cannot encode boom1');
      expect(letter.body).toContain('boom1');
      expect(letter.body).not.toContain('"e0"');
      await eventually(() => sink.received.length >= 3, 10_000, 'the three encodable spans delivered');
      expect([...sink.received].sort()).toEqual(['e0', 'e2', 'e3']);
      expect(await exactSeries(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'picky', reason: 'encode_error' })).toBe(1);
    } finally {
      await h?.close();
      h = undefined;
      await sink.close();
    }
  });
});
