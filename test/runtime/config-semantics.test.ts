import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/pipeline/config/errors.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';
import { catalogWithFake, startSink, type Sink } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';

let sink: Sink | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  await sink?.close();
  h = sink = undefined;
});

const post = (url: string, ids: string[]) =>
  fetch(`${url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });

describe('config that means what it says', () => {
  it('sending_queue.enabled: false — the receiver answers only once the vendor has the data', async () => {
    sink = await startSink();
    let n = 0;
    sink.respond = () => (++n === 1 ? { status: 503 } : { status: 200 });
    h = await startSwitchyard(`
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sink.url}
    sending_queue: { enabled: false }
    retry_on_failure: { initial_interval: 300ms, max_interval: 300ms }
processors:
  batch: { send_batch_size: 1, timeout: 0ms }
service:
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`, { catalog: catalogWithFake() });
    const answered = await post(h.service.receiverUrl('fake'), ['sync-1']);
    expect(answered.status).toBe(200);
    // With a queue the answer would come before the first (refused) attempt was retried.
    expect(sink.received).toEqual(['sync-1']);
    expect(sink.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('sending_queue.enabled: false — what the vendor refuses for good is dead-lettered before the answer', async () => {
    sink = await startSink();
    sink.respond = () => ({ status: 400 });
    h = await startSwitchyard(`
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sink.url}
    sending_queue: { enabled: false }
    dead_letter_path: $DIR/dlq.jsonl
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], exporters: [fake] }
`, { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['x'])).status).toBe(200);
    const text = await (await fetch(`${h.service.telemetryUrl}/metrics`)).text();
    expect(text).toContain('switchyard_exporter_dead_lettered_items_total{exporter="fake",reason="http_400"} 1');
  });

  it('an exporter shared by pipelines that batch differently is a config error naming it', () => {
    const yaml = `
receivers: { otlp: {} }
processors:
  batch/small: { send_batch_size: 10 }
  batch/big: { send_batch_size: 1000 }
exporters: { debug: {} }
service:
  pipelines:
    traces/a: { receivers: [otlp], processors: [batch/small], exporters: [debug] }
    traces/b: { receivers: [otlp], processors: [batch/big], exporters: [debug] }
`;
    let err: unknown;
    try {
      parseConfig(yaml, { env: {}, catalog: defaultCatalog() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issue = (err as ConfigError).issues.find((i) => i.path === 'exporters.debug');
    expect(issue?.message).toMatch(/pipelines that batch differently \(traces\/a, traces\/b\)/);
    // Its own batch settles it; and pipelines that agree are fine.
    expect(() => parseConfig(yaml.replace('exporters: { debug: {} }', 'exporters: { debug: { batch: { send_batch_size: 5 } } }'), { env: {}, catalog: defaultCatalog() })).not.toThrow();
    expect(() => parseConfig(yaml.replace('send_batch_size: 1000', 'send_batch_size: 10'), { env: {}, catalog: defaultCatalog() })).not.toThrow();
  });

  it('max_elapsed_time: 0 retries until the vendor takes it', async () => {
    sink = await startSink();
    let n = 0;
    sink.respond = () => (++n <= 8 ? { status: 503 } : { status: 200 });
    h = await startSwitchyard(`
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${sink.url}
    retry_on_failure: { initial_interval: 20ms, max_interval: 20ms, max_elapsed_time: 0 }
service:
  pipelines:
    traces: { receivers: [fake], exporters: [fake] }
`, { catalog: catalogWithFake() });
    expect((await post(h.service.receiverUrl('fake'), ['forever'])).status).toBe(200);
    await eventually(() => sink!.received.includes('forever'), 20_000, 'delivery after 8 refusals');
    expect(sink.requests.filter((r) => r.status === 503)).toHaveLength(8);
  });

  it('worker_semi_space_mib: auto sizes the young generation by the signals that flow; a number wins', () => {
    const cfg = (signals: string[], extra = '') =>
      parseConfig(
        `receivers: { otlp: {} }\nexporters: { debug: {} }\nservice:\n${extra}  pipelines:\n${signals.map((s) => `    ${s}: { receivers: [otlp], exporters: [debug] }\n`).join('')}`,
        { env: {}, catalog: defaultCatalog() },
      ).service.worker_semi_space_mib;
    expect(cfg(['metrics'])).toBe(2);
    expect(cfg(['metrics', 'traces'])).toBe(4);
    expect(cfg(['logs'])).toBe(4);
    expect(cfg(['traces'], '  worker_semi_space_mib: 0\n')).toBe(0);
    expect(cfg(['metrics'], '  worker_semi_space_mib: 16\n')).toBe(16);
    expect(() => cfg(['metrics'], '  worker_semi_space_mib: big\n')).toThrow(/worker_semi_space_mib/);
  });
});
