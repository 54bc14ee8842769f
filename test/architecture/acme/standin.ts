import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACME_MAX_EVENTS, ACME_PATH } from './contract.js';

/** Acme's document read strictly: bearer key, the one path, 1..100 events, every field typed. */
export async function startAcmeStandin(key: string, answer: () => number = () => 202) {
  const st = { url: '', events: [] as { id: string; trace: string; model: string; ms: number }[], statuses: [] as number[], close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number) => (st.statuses.push(status), res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {}).end());
      if (req.url !== ACME_PATH || req.method !== 'POST') return send(404);
      if (req.headers.authorization !== `Bearer ${key}`) return send(401);
      let doc: { events?: unknown };
      try {
        doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400);
      }
      const ev = doc.events;
      const ok = Array.isArray(ev) && ev.length >= 1 && ev.length <= ACME_MAX_EVENTS &&
        ev.every((e) => typeof e?.id === 'string' && typeof e?.trace === 'string' && typeof e?.model === 'string' && Number.isSafeInteger(e?.ms));
      if (!ok) return send(400);
      const status = answer();
      if (status < 300) st.events.push(...(ev as typeof st.events));
      send(status);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  st.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  st.close = () => new Promise((r) => (server.closeAllConnections(), server.close(() => r())));
  return st;
}
