import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * An OTLP/HTTP JSON trace endpoint that keeps its own ledger of what it acknowledged: span id →
 * times answered 200. It is the independent count reliability tests judge delivery by (never the
 * product's /metrics). `answer` picks each request's status; while it says 503 nothing is counted.
 */
export interface SpanLedgerVendor {
  url: string;
  acknowledged: Map<string, number>;
  /** Span ids per request the vendor answered 200, in order. */
  batches: string[][];
  answer: () => number;
  close(): Promise<void>;
}

export async function startSpanLedgerVendor(): Promise<SpanLedgerVendor> {
  const v: SpanLedgerVendor = { url: '', acknowledged: new Map(), batches: [], answer: () => 200, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = v.answer();
      if (status === 200) {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const ids: string[] = [];
        const doc = JSON.parse(body.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[] };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) ids.push(s.spanId);
        for (const id of ids) v.acknowledged.set(id, (v.acknowledged.get(id) ?? 0) + 1);
        v.batches.push(ids);
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  v.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  v.close = () => new Promise((r) => (server.closeAllConnections(), server.close(() => r())));
  return v;
}

/** An OTLP/JSON body of spans with the given 16-hex-digit span ids. */
export function otlpSpans(ids: string[]): string {
  const spans = ids.map((id) => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: id, name: 'op', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000' }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'ledger' }, spans }] }] });
}

/**
 * POSTs spans on a fresh connection (no keep-alive), so the cluster module spreads requests over
 * the workers. Resolves with the status, or undefined when the connection failed.
 */
export function postSpans(port: number, ids: string[]): Promise<number | undefined> {
  const body = otlpSpans(ids);
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** Pids of a process's direct children (Linux /proc), e.g. the cluster workers of the primary. */
export async function childPids(pid: number): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) in parentheses: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
