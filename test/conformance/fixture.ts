/**
 * What each format gives the shared conformance suite (test/conformance/receivers.test.ts), which
 * runs the same checks against every receiver: documented example accepted and delivered, missing
 * and mistyped fields refused with the field named, not-JSON / oversized / wrong key refused with
 * the right status, back-pressure answered with a status the vendor's clients retry.
 */
export interface ConformanceFixture {
  /** Receiver type in config. */
  type: string;
  /** Extra receiver config (e.g. api_keys are added by the suite). */
  config?: Record<string, unknown>;
  path: string;
  contentType: string;
  /** The vendor document's own example request body. */
  validBody: string | Buffer;
  /** Spans / points / records that body carries once decoded into the model. */
  expectedItems: number;
  /**
   * What the debug exporter must print for that body, one partial line per item, written by hand
   * from the vendor document (ids, names, times, key attributes): matched field by field, not counted.
   */
  expectedContent: Record<string, unknown>[];
  /** Status the vendor answers on success. */
  successStatus: number;
  /** A body missing a required field, and that field's name as the error must mention it. */
  missingField: { body: string | Buffer; field: string };
  /** A body with a field of the wrong type, and that field's name. */
  wrongType: { body: string | Buffer; field: string };
  /** Header carrying `key` the way the vendor's clients send it; undefined for formats without auth. */
  authHeaders?(key: string): Record<string, string>;
  /** Status for back-pressure: one the vendor's real clients retry. */
  backpressureStatuses: number[];
}
