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
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  /** Status for each request (default 200). */
  status: (req: CapturedRequest) => number;
  close(): Promise<void>;
}

/** A plain HTTP listener that records every request: the "second listener" of round-trip tests. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const cap: CaptureServer = { url: '', requests: [], status: () => 200, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.headers['content-encoding'] === 'zstd') body = Buffer.from(zstdDecompressSync(body));
      const r: CapturedRequest = { method: req.method!, path: req.url!, headers: req.headers, body };
      const status = cap.status(r);
      if (status < 300) cap.requests.push(r);
      res.writeHead(status).end();
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
