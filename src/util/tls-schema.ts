import { z } from 'zod';

/**
 * TLS keys in the Collector's spelling. A receiver with `cert_file` + `key_file` serves TLS;
 * `client_ca_file` makes it mTLS (no valid client certificate, no data).
 */
export const receiverTlsSchema = z
  .strictObject({
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    client_ca_file: z.string().min(1).optional(),
  })
  .optional();

/**
 * An exporter's TLS: `ca_file` to trust a private CA, `cert_file` + `key_file` for a client
 * certificate, `insecure` for plaintext gRPC, `insecure_skip_verify` to accept any server
 * certificate, `server_name_override` for SNI and the name checked.
 */
export const exporterTlsSchema = z
  .strictObject({
    ca_file: z.string().min(1).optional(),
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    insecure: z.boolean().default(false),
    insecure_skip_verify: z.boolean().default(false),
    server_name_override: z.string().min(1).optional(),
  })
  .refine((t) => !t.cert_file === !t.key_file, 'cert_file and key_file go together')
  .optional();

export type ReceiverTls = NonNullable<z.infer<typeof receiverTlsSchema>>;
export type ExporterTls = NonNullable<z.infer<typeof exporterTlsSchema>>;
