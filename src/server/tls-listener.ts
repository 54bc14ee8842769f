/**
 * HTTPS for the HTTP listeners: the receiver's `tls: { cert_file, key_file, client_ca_file }`.
 * The files are checked for a change every second and swapped into the running server with
 * setSecureContext, so a renewed certificate is served without a restart (a check per handshake
 * through SNICallback would miss clients that connect to an IP address, which send no SNI).
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions } from 'node:https';
import type { ReceiverTls } from '../util/tls-schema.js';

export const TLS_RELOAD_CHECK_MS = 1000;

function secureOptions(tls: ReceiverTls): ServerOptions {
  const o: ServerOptions = { cert: readFileSync(tls.cert_file), key: readFileSync(tls.key_file) };
  if (tls.client_ca_file) {
    // mTLS: the handshake itself fails without a certificate signed by this CA.
    o.ca = readFileSync(tls.client_ca_file);
    o.requestCert = true;
    o.rejectUnauthorized = true;
  }
  return o;
}

function stamp(tls: ReceiverTls): string {
  return [tls.cert_file, tls.key_file, tls.client_ca_file].filter(Boolean).map((f) => {
    try {
      const s = statSync(f!);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return 'missing';
    }
  }).join('|');
}

/** What @hono/node-server's `serve` needs to listen with TLS, and a hook that starts the reloads. */
export function httpsServe(tls: ReceiverTls, onReloadError: (message: string) => void) {
  let last = stamp(tls);
  return {
    createServer: createHttpsServer,
    serverOptions: secureOptions(tls),
    /** Starts watching; call once the server exists. The timer never keeps the process alive. */
    watch(server: HttpsServer): () => void {
      const timer = setInterval(() => {
        const now = stamp(tls);
        if (now === last) return;
        try {
          server.setSecureContext(secureOptions(tls));
          last = now;
        } catch (e) {
          // Half-written files (cert renewed, key not yet): keep serving the old pair, try again.
          onReloadError((e as Error).message);
        }
      }, TLS_RELOAD_CHECK_MS);
      timer.unref();
      server.once('close', () => clearInterval(timer));
      return () => clearInterval(timer);
    },
  };
}
