import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request a sink saw: when it arrived, when it was answered, and with what. */
export interface SinkArrival {
  route: string;
  /** performance.now() when the request line and headers arrived. */
  arrivedAt: number;
  /** performance.now() just before the answer was written. */
  answeredAt: number;
  status: number;
}

export type SinkScript = (attempt: number) => { status: number; headers?: Record<string, string> };

export interface ScriptedSink {
  url: string;
  arrivals: SinkArrival[];
  /** What a route answers to its n-th request (0-based). */
  script: Map<string, SinkScript>;
  of(route: string): SinkArrival[];
  close(): Promise<void>;
}

/**
 * A target that answers by script, per first path segment (`/r429/v1/bulk` is route `r429`), so
 * that several exporters of one server can each meet their own answer on one listener. Bodies
 * are read completely before answering, as a real server does; 2xx answers have no body (an
 * OTLP client reads a 2xx body as partial_success).
 */
export async function startScriptedSink(): Promise<ScriptedSink> {
  const sink: ScriptedSink = {
    url: '',
    arrivals: [],
    script: new Map(),
    of: (route) => sink.arrivals.filter((a) => a.route === route),
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    const route = (req.url ?? '/').split('/')[1] ?? '';
    req.resume();
    req.on('end', () => {
      const attempt = sink.of(route).length;
      const answer = sink.script.get(route)?.(attempt) ?? { status: 404 };
      const answeredAt = performance.now();
      sink.arrivals.push({ route, arrivedAt, answeredAt, status: answer.status });
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return sink;
}
