/**
 * Channel credentials for the gRPC exporter from the Collector's exporter `tls` keys. The files
 * are read when the exporter starts.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ExporterTls } from '../../util/tls-schema.js';

export function grpcChannelCredentials(secure: boolean, tls: ExporterTls | undefined): grpc.ChannelCredentials {
  if (!secure) return grpc.credentials.createInsecure();
  const ca = tls?.ca_file ? readFileSync(tls.ca_file) : null;
  const key = tls?.key_file ? readFileSync(tls.key_file) : null;
  const cert = tls?.cert_file ? readFileSync(tls.cert_file) : null;
  const verify: grpc.VerifyOptions = tls?.insecure_skip_verify ? { rejectUnauthorized: false } : {};
  return grpc.credentials.createSsl(ca, key, cert, verify);
}
