/** Acme's document, in constants: one path, one media type, a bearer key, 100 events a request. */
export const ACME_PATH = '/acme/v1/events';
export const ACME_MEDIA_TYPE = 'application/json';
export const ACME_AUTH = { header: 'authorization', scheme: 'Bearer', required: true } as const;
export const ACME_MAX_EVENTS = 100;
