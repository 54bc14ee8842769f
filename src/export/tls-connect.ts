/**
 * undici `connect` options from the Collector's exporter `tls` keys. Files are read when the
 * exporter starts; a private CA is added to (not in place of) the system's roots only when named.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ExporterTls } from '../util/tls-schema.js';

export function tlsConnectOptions(tls: ExporterTls): ConnectionOptions {
  const o: ConnectionOptions = {};
  if (tls.ca_file) o.ca = readFileSync(tls.ca_file);
  if (tls.cert_file && tls.key_file) {
    o.cert = readFileSync(tls.cert_file);
    o.key = readFileSync(tls.key_file);
  }
  if (tls.insecure_skip_verify) o.rejectUnauthorized = false;
  if (tls.server_name_override) o.servername = tls.server_name_override;
  return o;
}
