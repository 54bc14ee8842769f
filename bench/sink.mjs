// A null vendor: answers every request at once with the vendor's success shape, counts bytes, and
// estimates the samples of remote-write bodies that arrived (so that relays other than Switchyard
// are measured the same way, by what arrived): one body in SAMPLE_EVERY is decoded and counted,
// and the others are credited at the samples per byte of those, as decoding every body would make
// this one thread the bottleneck of any relay faster than about a million samples a second.
import { createServer } from 'node:http';
import snappy from 'snappyjs';

let requests = 0;
let bytes = 0;
let rwBytes = 0;
let rwRequests = 0;
let sampledBytes = 0;
let sampledSamples = 0;
const SAMPLE_EVERY = 16;

/** Samples in a remote-write 1.0 WriteRequest: field 2 of each timeseries (field 1). */
function countSamples(buf) {
  let n = 0;
  const varint = (p) => {
    let v = 0;
    for (let mul = 1; ; mul *= 128) {
      if (p.i >= buf.length) throw new Error('truncated');
      const c = buf[p.i++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
    }
  };
  const skip = (p, tag) => {
    const wire = tag & 7;
    if (wire === 0) varint(p);
    else if (wire === 1) p.i += 8;
    else if (wire === 5) p.i += 4;
    else {
      const len = varint(p); // read before p.i: `p.i += varint(p)` would add to the old position
      p.i += len;
    }
  };
  const p = { i: 0 };
  while (p.i < buf.length) {
    const tag = varint(p);
    if (tag !== 0x0a) { skip(p, tag); continue; }
    const end = varint(p) + p.i;
    while (p.i < end) {
      const t = varint(p);
      if (t === 0x12) n++;
      skip(p, t);
    }
  }
  return n;
}

const server = createServer((req, res) => {
  const chunks = [];
  const remoteWrite = req.headers['content-encoding'] === 'snappy' && req.url.endsWith('/write');
  const decodeThis = remoteWrite && rwRequests++ % SAMPLE_EVERY === 0;
  req.on('data', (c) => {
    bytes += c.length;
    if (remoteWrite) rwBytes += c.length;
    if (decodeThis) chunks.push(c);
  });
  req.on('end', () => {
    requests++;
    if (decodeThis) {
      try {
        const body = Buffer.concat(chunks);
        sampledSamples += countSamples(snappy.uncompress(body));
        sampledBytes += body.length;
      } catch {
        res.writeHead(400).end('not a remote-write body');
        return;
      }
    }
    if (req.url.startsWith('/v1/bulk')) res.writeHead(202).end();
    else if (req.url.startsWith('/api/v1/traces/v4/batch')) res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted","batch_id":"b"}');
    else if (req.url.startsWith('/ingest')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1}');
    else if (req.url.startsWith('/api/traces/ingest')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"ingested_count":1}');
    else if (req.url.startsWith('/api/v1/telemetry')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","queued":1,"failed":0,"failures":[]}');
    else if (remoteWrite) res.writeHead(204).end();
    else res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.SINK_PORT ?? 0), '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'stats') process.send({ requests, bytes, samples: sampledBytes ? (rwBytes * sampledSamples) / sampledBytes : 0 });
  if (m === 'stop') server.close(() => process.exit(0));
});
