import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/pipeline/config/load.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { startSwitchyard, type Harness } from '../helpers/harness.js';

/**
 * Per-receiver connection limits (the Collector's names): a client that trickles headers or a
 * body, parks idle keep-alive connections or opens too many cannot hold the listener.
 */
let h: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

function config(http: string) {
  return `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:0, ${http} } } }
exporters:
  debug: { verbosity: basic, path: $DIR/debug.jsonl }
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`;
}

interface Conn {
  socket: Socket;
  /** Everything the server wrote so far. */
  received(): string;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
}

async function open(url: string): Promise<Conn> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => {});
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  return { socket, received: () => text, closed };
}

const EMPTY = '{"resourceSpans":[]}';
const request = (keepAlive = true) =>
  `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${EMPTY.length}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n${EMPTY}`;

/** Fails the test if the server has not closed `c` within `ms` (a generous bound, not a timing). */
function closedWithin(c: Conn, ms: number, what: string): Promise<void> {
  return Promise.race([c.closed, new Promise<void>((_, j) => setTimeout(() => j(new Error(`${what}: connection still open after ${ms} ms`)), ms))]);
}

async function answered(c: Conn, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((c.received().match(/HTTP\/1\.1 200/g) ?? []).length < n) {
    if (Date.now() > deadline) throw new Error(`no answer ${n}; got ${JSON.stringify(c.received())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('connection hygiene', () => {
  it('read_header_timeout: a client that never finishes its headers gets 408 and is cut', async () => {
    h = await startSwitchyard(config('read_header_timeout: 300ms'));
    const slow = await open(h.service.receiverUrl('otlp'));
    slow.socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\n'); // …and nothing more
    await closedWithin(slow, 10_000, 'half-sent headers');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    // The listener itself is fine.
    const ok = await open(h.service.receiverUrl('otlp'));
    ok.socket.write(request());
    await answered(ok, 1);
  });

  it('read_timeout: a body that trickles past the deadline gets 408 and is cut', async () => {
    h = await startSwitchyard(config('read_header_timeout: 200ms, read_timeout: 500ms'));
    const slow = await open(h.service.receiverUrl('otlp'));
    slow.socket.write(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resourceSpans":`);
    await closedWithin(slow, 10_000, 'trickled body');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('idle_timeout: an idle keep-alive connection is closed after its last answer', async () => {
    h = await startSwitchyard(config('idle_timeout: 200ms'));
    const c = await open(h.service.receiverUrl('otlp'));
    c.socket.write(request());
    await answered(c, 1);
    expect(c.received()).toMatch(/keep-alive/i);
    await closedWithin(c, 10_000, 'idle keep-alive');
  });

  it('max_connections: connections over the limit are closed unanswered; the others keep working', async () => {
    h = await startSwitchyard(config('max_connections: 2'));
    const url = h.service.receiverUrl('otlp');
    const [a, b] = [await open(url), await open(url)];
    // An answer on each proves the server has accepted both before the third arrives.
    a.socket.write(request());
    b.socket.write(request());
    await answered(a, 1);
    await answered(b, 1);
    const third = await open(url);
    third.socket.write(request(false));
    await closedWithin(third, 10_000, 'connection over the limit');
    expect(third.received()).toBe('');
    a.socket.write(request());
    await answered(a, 2);
    // Freeing a slot lets a new client in.
    b.socket.destroy();
    await b.closed;
    let fourth: Conn | undefined;
    const deadline = Date.now() + 10_000;
    while (!fourth) {
      const c = await open(url);
      c.socket.write(request(false));
      await c.closed;
      if (/HTTP\/1\.1 200/.test(c.received())) fourth = c;
      else if (Date.now() > deadline) throw new Error('a freed slot never let a new client in');
    }
  });

  it('a slow client cannot hold the shutdown past shutdown_timeout', async () => {
    h = await startSwitchyard(config('read_header_timeout: 60s, read_timeout: 0'));
    const slow = await open(h.service.receiverUrl('otlp'));
    slow.socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{');
    const stopped = h.service.shutdown(500);
    await closedWithin(slow, 10_000, 'slow client at shutdown');
    await stopped;
  });

  it('config: durations in the usual units, written at the top or under protocols.http; nonsense is named', () => {
    const c = parseConfig(config('read_header_timeout: 2s, idle_timeout: 1m, max_connections: 10'), { catalog: defaultCatalog() });
    expect(c.receivers.get('otlp')!.config).toMatchObject({ read_header_timeout: 2000, read_timeout: 60_000, idle_timeout: 60_000, max_connections: 10 });
    expect(() => parseConfig(config('read_header_timeout: 2m, read_timeout: 1m'), { catalog: defaultCatalog() })).toThrow(/receivers\.otlp\.read_header_timeout.*must not exceed read_timeout/s);
    expect(() => parseConfig(config('max_connections: -1'), { catalog: defaultCatalog() })).toThrow(/max_connections/);
    expect(() => parseConfig(config('idle_timeout: soon'), { catalog: defaultCatalog() })).toThrow(/idle_timeout.*not a duration/s);
  });
});
