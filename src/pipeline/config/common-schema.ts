import { z } from 'zod';
import { byteSize, hostPort } from '../../util/schema.js';
import { connectionShape } from '../../util/connection-schema.js';
import { receiverTlsSchema } from '../../util/tls-schema.js';

/** Keys every receiver understands (the format adds its own through configSchema). */
export const receiverBaseShape = {
  endpoint: hostPort.default('127.0.0.1:4318'),
  /** Keys a client must present (compared in constant time). Absent: no key is checked. */
  api_keys: z.array(z.string().min(1, 'must not be empty (is the environment variable set?)')).optional(),
  max_request_body_size: byteSize.default(20 * 1024 * 1024),
  max_decompressed_body_size: byteSize.default(64 * 1024 * 1024),
  max_json_depth: z.number().int().min(2).max(10_000).default(64),
  max_string_length: byteSize.default(16 * 1024 * 1024),
  max_items_per_request: z.number().int().min(1).default(100_000),
  // Bounded work per request: counted while decoding, so that memory stays a small multiple of
  // the body (an empty protobuf message is 2 bytes on the wire and 100+ bytes in memory).
  max_containers_per_request: z.number().int().min(1).default(1_000_000),
  max_attributes_per_item: z.number().int().min(1).default(10_000),
  max_array_length: z.number().int().min(1).default(100_000),
  /** Serve this endpoint over TLS (mTLS with client_ca_file). */
  tls: receiverTlsSchema,
  ...connectionShape,
};
export const receiverBaseSchema = z.strictObject(receiverBaseShape);
