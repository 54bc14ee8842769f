/**
 * Server credentials for a gRPC listener. With TLS, grpc-js' file-watching certificate provider
 * re-reads the certificate, key and client CA when they change on disk, so a renewed certificate
 * is served without a restart; `client_ca_file` makes a client certificate mandatory (mTLS).
 */
import * as grpc from '@grpc/grpc-js';
import type { ReceiverTls } from '../util/tls-schema.js';

/** How often the files are checked for a change. */
export const CERT_REFRESH_MS = 2000;

export function grpcServerCredentials(tls: ReceiverTls | undefined): { credentials: grpc.ServerCredentials; stop(): void } {
  if (!tls) return { credentials: grpc.ServerCredentials.createInsecure(), stop: () => {} };
  const identity = new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: tls.cert_file,
    privateKeyFile: tls.key_file,
    refreshIntervalMs: CERT_REFRESH_MS,
  });
  const ca = tls.client_ca_file
    ? new grpc.experimental.FileWatcherCertificateProvider({ caCertificateFile: tls.client_ca_file, refreshIntervalMs: CERT_REFRESH_MS })
    : null;
  // The CA provider argument is what verifies clients; without client_ca_file none is asked for.
  const credentials = grpc.experimental.createCertificateProviderServerCredentials(identity, ca, Boolean(tls.client_ca_file));
  return { credentials, stop: () => {} };
}
