// A null vendor: answers every request at once with the vendor's success shape, counts bytes.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (c) => (bytes += c.length));
  req.on('end', () => {
    requests++;
    if (req.url.startsWith('/v1/bulk')) res.writeHead(202).end();
    else if (req.url.startsWith('/api/v1/traces/v4/batch')) res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted","batch_id":"b"}');
    else if (req.url.startsWith('/ingest')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1}');
    else if (req.url.startsWith('/api/traces/ingest')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"ingested_count":1}');
    else if (req.url.startsWith('/api/v1/telemetry')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","queued":1,"failed":0,"failures":[]}');
    else res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'stats') process.send({ requests, bytes });
  if (m === 'stop') server.close(() => process.exit(0));
});
