/**
 * Neatlogs HTTP trace injection contract (vendor-apis/neatlogs-http-trace-injection.md).
 */
import type { AuthSpec } from '../types.js';

export const NEATLOGS_PATH = '/api/v1/traces/v4/batch';
export const NEATLOGS_MEDIA_TYPE = 'application/json';
export const NEATLOGS_AUTH: AuthSpec = { header: 'x-api-key', required: true };

/** "Max payload size: 1 MB per request" (read as 1,000,000 bytes, the stricter reading). */
export const NEATLOGS_MAX_REQUEST_BYTES = 1_000_000;
/** Default per-span cap on `input` and on `output` when exporting. */
export const NEATLOGS_DEFAULT_MAX_CONTENT_BYTES = 262_144;
/** Workflow name of spans that carry none and have no service.name. */
export const NEATLOGS_FALLBACK_WORKFLOW = 'default';

/** Span attribute keys with a Neatlogs meaning (everything else in `attributes` is custom). */
export const ATTR_KIND = 'openinference.span.kind';
export const ATTR_STATUS = 'status';
export const ATTR_ERROR_MESSAGE = 'error_message';
export const ATTR_ERROR_TYPE = 'error_type';
/** Switchyard's extension: the model trace id when it is not the one derived from the tree. */
export const ATTR_TRACE_ID = 'trace_id';

/** Vendor-only keys in the model. */
export const KEY_METRICS = 'neatlogs.metrics';
export const KEY_STATUS = 'neatlogs.status';
/** The span kind as sent, when it is not the canonical uppercase AI kind. */
export const KEY_KIND = 'neatlogs.span_kind';
export const PREFIX_SPAN = 'neatlogs.span.';
export const PREFIX_BATCH = 'neatlogs.batch.';

/** "Supported kinds" of `openinference.span.kind`, the document's closed list. */
export const NEATLOGS_SPAN_KINDS: ReadonlySet<string> = new Set(['WORKFLOW', 'LLM', 'TOOL', 'AGENT', 'CHAIN', 'RETRIEVER', 'EMBEDDING']);
/** Switchyard's custom attribute: the kind the model had when it is not one Neatlogs supports. */
export const ATTR_ORIGINAL_KIND = 'switchyard.span_kind';
/** Switchyard's custom attribute: `input`/`output` was not an object and is sent as `{"value": …}`. */
export const ATTR_WRAPPED = { input: 'switchyard.input.wrapped', output: 'switchyard.output.wrapped' } as const;
/** The statuses the document lists. */
export const NEATLOGS_STATUSES: ReadonlySet<string> = new Set(['success', 'error']);
