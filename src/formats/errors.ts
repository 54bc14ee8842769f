/**
 * Errors a receiver turns into a response. Each carries the HTTP status that tells a client whether
 * to retry, and the name of the offending field so that the message is actionable.
 */
export type InputErrorKind = 'bad_request' | 'unauthorized' | 'too_large' | 'unsupported_media_type' | 'not_found';

export class InputError extends Error {
  constructor(
    /** Dotted path of the offending field (`spans[3].start_time`), or '' for the whole body. */
    public readonly field: string,
    message: string,
    public readonly kind: InputErrorKind = 'bad_request',
    /** A vendor's machine-readable code (`invalid_value`, `missing_service_id`, …). */
    public readonly code?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  get status(): number {
    return statusOfKind(this.kind);
  }
}

export function statusOfKind(kind: InputErrorKind): number {
  switch (kind) {
    case 'unauthorized': return 401;
    case 'too_large': return 413;
    case 'unsupported_media_type': return 415;
    case 'not_found': return 404;
    default: return 400;
  }
}

/** Thrown when the pipeline cannot take more now; receivers answer with their protocol's retry status. */
export class BackpressureError extends Error {
  constructor(message: string, public readonly retryAfterSeconds = 1) {
    super(message);
    this.name = 'BackpressureError';
  }
}

/** Shorthand used by decoders: `fail('spans[0].name', 'is required')`. */
export function fail(field: string, problem: string, code?: string): never {
  throw new InputError(field, field ? `${field} ${problem}` : problem, 'bad_request', code);
}
