/**
 * Netra Bulk Ingest API contract (vendor-apis/netra-bulk-ingest.md): the facts both directions and
 * the stand-in share.
 */
import type { AuthSpec } from '../types.js';

export const NETRA_PATH = '/v1/bulk';
export const NETRA_MEDIA_TYPE = 'application/x-ndjson';
export const NETRA_AUTH: AuthSpec = { header: 'authorization', scheme: 'Bearer', required: true };

/** "Aim for an uncompressed batch size between 1 MB and 5 MB": the hard per-request cap. */
export const NETRA_MAX_REQUEST_BYTES = 5_000_000;
/** Default per-field cap on request.prompt / response.completion when exporting. */
export const NETRA_DEFAULT_MAX_CONTENT_BYTES = 1_048_576;
/** gzip level: 1 is the cheapest that still shrinks JSON 5-10x. */
export const NETRA_DEFAULT_GZIP_LEVEL = 1;

/** Prefix of vendor-only keys in the semantic model. */
export const NETRA_PREFIX = 'netra.';
/** `netra.alias.<canonical key>` = the Netra field name used when it was not the primary one. */
export const NETRA_ALIAS_PREFIX = 'netra.alias.';

/**
 * Objects of the Netra schema that are flattened into `netra.<path>.<key>` attributes; on encode
 * the longest matching container is rebuilt and the rest of the key is one verbatim field name.
 */
export const NETRA_CONTAINERS = [
  'event_metadata', 'trace_context', 'identity_context', 'application_context',
  'request', 'request.model', 'request.prompt', 'request.generation_config',
  'response', 'response.completion', 'response.usage',
  'response.usage.prompt_tokens_details', 'response.usage.completion_tokens_details',
  'performance', 'performance.latency_ms',
  'finops', 'finops.cost', 'finops.pricing_info',
  'governance', 'governance.security', 'governance.safety',
] as const;

/** Switchyard's own namespace in a Netra event: span attributes with no Netra field, verbatim. */
export const NETRA_ATTRIBUTES_NS = 'attributes';
