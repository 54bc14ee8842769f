import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultCatalog, type ComponentCatalog } from '../../src/pipeline/components.js';
import { parseJsonBody, asArray, asObject, reqString } from '../../src/formats/json.js';
import type { ExporterDefinition, ReceiverDefinition } from '../../src/formats/types.js';
import { flattenSpans, nanoFromMillis, newSpan, tracesOf } from '../../src/model/index.js';

/**
 * A deliberately tiny trace format for runtime tests: `[{"id":"a"}, …]` in, the same out. It
 * keeps queue, retry and back-pressure tests independent of any real vendor's codec.
 */
export const fakeReceiver: ReceiverDefinition = {
  auth: { header: 'x-key', required: false },
  routes: [{
    method: 'POST',
    path: '/ingest',
    signals: ['traces'],
    mediaTypes: ['application/json'],
    decode(body, _req, limits) {
      const arr = asArray(parseJsonBody(body, limits), '');
      const spans = arr.map((x, i) => {
        const id = reqString(asObject(x, `[${i}]`), 'id', `[${i}]`);
        return newSpan({ traceId: 't', spanId: id, name: id, startTimeUnixNano: nanoFromMillis(1), endTimeUnixNano: nanoFromMillis(2) });
      });
      return { telemetry: tracesOf(spans), accepted: spans.length, rejected: [] };
    },
    reply: (r) => ({ status: 200, body: { accepted: r?.accepted ?? 0 } }),
  }],
  errorReply(f) {
    if (f.kind === 'backpressure') return { status: 429, body: { error: f.message } };
    return { status: f.error.status, body: { error: f.error.message, field: f.error.field } };
  },
};

export const fakeExporter: ExporterDefinition = {
  signals: ['traces'],
  auth: { header: 'x-key', required: false },
  encode(data) {
    const ids = flattenSpans(data.traces ?? []).map((s) => s.span.spanId);
    return [{ path: '/sink', contentType: 'application/json', body: JSON.stringify(ids.map((id) => ({ id }))), items: ids.length, records: ids.map((id) => ({ id })) }];
  },
};

export function catalogWithFake(): ComponentCatalog {
  const c = defaultCatalog();
  c.receivers.set('fake', fakeReceiver);
  c.exporters.set('fake', fakeExporter);
  return c;
}

export interface Sink {
  url: string;
  /** Ids delivered with a 2xx, in arrival order (duplicates kept). */
  received: string[];
  requests: { time: number; status: number; headers: IncomingMessage['headers'] }[];
  /** Decides the answer to each request; default 200. */
  respond: (req: IncomingMessage, ids: string[]) => { status: number; headers?: Record<string, string> } | 'hang';
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const sink: Sink = {
    url: '',
    received: [],
    requests: [],
    respond: () => ({ status: 200 }),
    close: async () => {},
  };
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }[]).map((x) => x.id);
      const answer = sink.respond(req, ids);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      sink.requests.push({ time: Date.now(), status: answer.status, headers: req.headers });
      if (answer.status >= 200 && answer.status < 300) sink.received.push(...ids);
      res.writeHead(answer.status, answer.headers).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise((r) => {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return sink;
}
