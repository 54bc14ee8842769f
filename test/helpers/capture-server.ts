import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompressSync } from 'fzstd';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body with any gzip or zstd undone. */
  body: Buffer;
  /** The status the listener answered with (set once `status()` has decided). */
  answered: number;
}

export interface CaptureServer {
  url: string;
  /**
   * Every request that reached the listener, whatever it was answered: a test that refuses
   * everything can still see (and must assert) what was attempted.
   */
  requests: CapturedRequest[];
  /** Only the requests answered 2xx: what the "vendor" actually accepted. */
  accepted(): CapturedRequest[];
  /** Status for each request (default 200). */
  status: (req: CapturedRequest) => number;
  /** Body of each answer (default empty): e.g. a vendor error that echoes the request. */
  answerBody: (req: CapturedRequest) => string;
  close(): Promise<void>;
}

/** A plain HTTP listener that records every request: the "second listener" of round-trip tests. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const cap: CaptureServer = {
    url: '',
    requests: [],
    accepted: () => cap.requests.filter((r) => r.answered >= 200 && r.answered < 300),
    status: () => 200,
    answerBody: () => '',
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.headers['content-encoding'] === 'zstd') body = Buffer.from(zstdDecompressSync(body));
      const r: CapturedRequest = { method: req.method!, path: req.url!, headers: req.headers, body, answered: 0 };
      r.answered = cap.status(r);
      cap.requests.push(r);
      res.writeHead(r.answered, { 'content-type': 'application/json' }).end(cap.answerBody(r));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cap.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cap.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return cap;
}
