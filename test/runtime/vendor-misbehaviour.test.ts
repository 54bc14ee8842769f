import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWithFake } from '../helpers/fake-format.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { expectNoSeries, selfMetric } from '../helpers/self-metrics.js';

/**
 * A vendor that misbehaves at the socket level, as real ones do on a bad day: huge answers,
 * redirects, 408, resets, bytes that are not HTTP, answers that never come. Each attempt is
 * answered by `behave(attempt)`; the ids of every request answered 200 are kept.
 */
type Behaviour = 'ok' | '408' | 'reset' | 'garbage' | 'silent' | 'huge' | { redirect: string };

interface RawVendor {
  url: string;
  attempts: number;
  delivered: string[];
  /** Bytes of the huge answer the vendor got onto the socket before the client hung up. */
  hugeWritten: number;
  hugeFinished: boolean;
  behave: (attempt: number) => Behaviour;
  close(): Promise<void>;
}

const HUGE = 50 * 1024 * 1024;

async function startRawVendor(): Promise<RawVendor> {
  const sockets = new Set<Socket>();
  const v: RawVendor = { url: '', attempts: 0, delivered: [], hugeWritten: 0, hugeFinished: false, behave: () => 'ok', close: async () => {} };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        answer(socket, body, v.behave(++v.attempts));
      }
    });
  });
  const answer = (socket: Socket, body: string, b: Behaviour) => {
    if (b === 'ok') {
      v.delivered.push(...(JSON.parse(body) as { id: string }[]).map((x) => x.id));
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    } else if (b === '408') socket.write('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n');
    else if (b === 'reset') socket.resetAndDestroy();
    else if (b === 'garbage') socket.end(Buffer.from('\x00\xffSMTP ready\r\n\x01\x02 not http at all'));
    else if (b === 'silent') { /* never answers */ }
    else if (b === 'huge') {
      socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${HUGE}\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 'e');
      const pump = () => {
        while (v.hugeWritten < HUGE && !socket.destroyed) {
          v.hugeWritten += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (v.hugeWritten >= HUGE && !socket.destroyed) v.hugeFinished = true;
      };
      pump();
    } else socket.write(`HTTP/1.1 307 Temporary Redirect\r\nLocation: ${b.redirect}\r\nContent-Length: 0\r\n\r\n`);
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  v.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  v.close = () => new Promise((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  });
  return v;
}

let h: Harness | undefined;
const vendors: RawVendor[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const v of vendors.splice(0)) await v.close();
});

async function vendor(behave: (attempt: number) => Behaviour): Promise<RawVendor> {
  const v = await startRawVendor();
  v.behave = behave;
  vendors.push(v);
  return v;
}

const config = (url: string) => `
receivers:
  fake: { endpoint: 127.0.0.1:0 }
exporters:
  fake:
    endpoint: ${url}
    timeout: 1s
    retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 0 }
    dead_letter_path: $DIR/dlq.jsonl
processors:
  batch: { send_batch_size: 1000, timeout: 10ms }
service:
  telemetry: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [fake], processors: [batch], exporters: [fake] }
`;

async function send(ids: string[]): Promise<void> {
  const res = await fetch(`${h!.service.receiverUrl('fake')}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((id) => ({ id }))) });
  expect(res.status).toBe(200);
}

const letters = (): { reason: string; status?: number; items: number }[] => {
  try {
    return readFileSync(`${h!.dir}/dlq.jsonl`, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('a misbehaving vendor', () => {
  for (const bad of ['408', 'reset', 'garbage', 'silent'] as const) {
    it(`${bad} answers are retried until the vendor recovers: delivered once, nothing dead-lettered`, async () => {
      const v = await vendor((n) => (n <= 3 ? bad : 'ok'));
      h = await startSwitchyard(config(v.url), { catalog: catalogWithFake() });
      await send(['a', 'b', 'c']);
      await eventually(() => v.delivered.length >= 3, 30_000, 'delivery after the vendor recovers');
      expect(v.delivered).toEqual(['a', 'b', 'c']);
      expect(v.attempts).toBe(4);
      expect(letters()).toEqual([]);
      const url = h.service.telemetryUrl!;
      expect(await selfMetric(url, 'switchyard_exporter_sent_items_total', { exporter: 'fake', signal: 'traces' })).toBe(3);
      await expectNoSeries(url, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'fake' });
    });
  }

  it('a 50 MB error answer is read only up to the cap: dead-lettered with a short reason while the vendor is still writing', async () => {
    const v = await vendor(() => 'huge');
    h = await startSwitchyard(config(v.url), { catalog: catalogWithFake() });
    await send(['x']);
    const [letter] = await eventually(() => (letters().length ? letters() : undefined), 30_000, 'the dead letter');
    expect(letter).toMatchObject({ status: 400, items: 1 });
    expect(letter!.reason).toMatch(/^HTTP 400: e+/);
    expect(letter!.reason.length).toBeLessThan(70 * 1024);
    // Switchyard hung up: the vendor never got to the end of its 50 MB.
    expect(v.hugeFinished).toBe(false);
    expect(v.hugeWritten).toBeLessThan(HUGE);
  });

  it('a redirect is not followed: the target never sees the data, and the dead letter says why', async () => {
    const elsewhere = await vendor(() => 'ok');
    const v = await vendor(() => ({ redirect: `${elsewhere.url}/sink` }));
    h = await startSwitchyard(config(v.url), { catalog: catalogWithFake() });
    await send(['r1', 'r2']);
    const [letter] = await eventually(() => (letters().length ? letters() : undefined), 30_000, 'the dead letter');
    expect(letter).toMatchObject({ status: 307, items: 2 });
    expect(letter!.reason).toContain(`redirect to ${elsewhere.url}/sink not followed`);
    expect(v.attempts).toBe(1);
    expect(elsewhere.attempts).toBe(0);
    expect(await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: 'fake', reason: 'http_307' })).toBe(2);
  });
});
