import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { allFormats } from '../../src/formats/registry.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { acmeFormat } from './acme/index.js';
import { startAcmeStandin } from './acme/standin.js';

/**
 * docs/architecture.md "How to add a vendor", followed for a toy sixth format: its folder
 * (./acme/: contract, decode, encode, receiver, exporter, index), the one line that registers it
 * (here the catalog, standing in for src/formats/registry.ts), and its strict stand-in. Nothing
 * else changes, and the shared machinery gives it auth, limits, queues, retry, narrowing and
 * dead letters.
 */
function catalogWithAcme() {
  const c = defaultCatalog();
  c.receivers.set(acmeFormat.type, acmeFormat.receiver!);
  c.exporters.set(acmeFormat.type, acmeFormat.exporter!);
  return c;
}

const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `e${from + i}`, trace: 't1', model: 'gpt-4o', ms: 1_717_555_210_000 + i }));

let h: Harness | undefined;
let st: Awaited<ReturnType<typeof startAcmeStandin>> | undefined;
afterEach(async () => {
  await h?.close();
  await st?.close();
  h = st = undefined;
});

async function start(answer?: () => number) {
  st = await startAcmeStandin('out-key', answer);
  h = await startSwitchyard(`
receivers:
  acme: { endpoint: 127.0.0.1:0, api_keys: [in-key] }
  otlp: { endpoint: 127.0.0.1:0 }
exporters:
  acme:
    endpoint: ${st.url}
    api_key: out-key
    retry_on_failure: { initial_interval: 50ms }
    dead_letter_path: $DIR/dlq.jsonl
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [acme, otlp], exporters: [acme] }
`, { catalog: catalogWithAcme() });
  return h.service.receiverUrl('acme');
}

const post = (url: string, body: unknown, key = 'in-key', type = 'application/json') =>
  fetch(`${url}/acme/v1/events`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

describe('a sixth vendor, added by the page that says how', () => {
  it('is not in the registry: the test adds it the way the registry line would', () => {
    expect(allFormats().map((f) => f.type)).not.toContain('acme');
    expect(catalogWithAcme().exporters.get('acme')).toBe(acmeFormat.exporter);
  });

  it('acme in → acme out, split to the vendor limit of 100 events a request', async () => {
    const url = await start();
    expect((await post(url, { events: events(250) })).status).toBe(202);
    await eventually(() => st!.events.length === 250, 10_000, '250 events at the stand-in');
    expect(st!.statuses.filter((s) => s === 202)).toHaveLength(3);
    expect(st!.events.map((e) => e.id)).toEqual(events(250).map((e) => e.id));
  });

  it('gets the shared receiver contract: 401 without the key, 415, 400 naming the field', async () => {
    const url = await start();
    expect((await post(url, { events: events(1) }, 'wrong')).status).toBe(401);
    expect((await post(url, { events: events(1) }, 'in-key', 'text/plain')).status).toBe(415);
    const bad = await post(url, { events: [{ ...events(1)[0], ms: 'soon' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'events[0].ms' } });
  });

  it('gets the exporter layers: 429 retried, and an item its contract refuses set aside alone', async () => {
    let n = 0;
    const url = await start(() => (++n === 1 ? 429 : 202));
    expect((await post(url, { events: events(3) })).status).toBe(202);
    await eventually(() => st!.events.length === 3, 10_000, 'delivered after a 429');
    expect(st!.statuses.slice(0, 2)).toEqual([429, 202]);
    // From OTLP, a span without a model: acme's document requires one, so that span alone is set aside.
    const span = (spanId: string, model?: string) => ({
      traceId: 'ab'.repeat(16), spanId, name: 'chat', kind: 3, startTimeUnixNano: '1717555210000000000', endTimeUnixNano: '1717555211000000000',
      attributes: model ? [{ key: 'gen_ai.request.model', value: { stringValue: model } }] : [],
    });
    const otlp = await fetch(`${h!.service.receiverUrl('otlp')}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [span('aaaaaaaaaaaaaaaa', 'gpt-4o'), span('bbbbbbbbbbbbbbbb')] }] }] }),
    });
    expect(otlp.status).toBe(200);
    await eventually(() => st!.events.some((e) => e.id === 'aaaaaaaaaaaaaaaa'), 10_000, 'the span with a model');
    const letters = await eventually(() => readFileSync(`${h!.dir}/dlq.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), 10_000, 'the dead letter');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ items: 1, reason: 'contract: span bbbbbbbbbbbbbbbb: acme requires a model' });
  });
});
