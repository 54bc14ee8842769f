/** Remote-write constants from the Prometheus specification and what Prometheus itself sends. */
export const DEFAULT_PATH = '/api/v1/write';
export const DEFAULT_MAX_SAMPLES_PER_SEND = 2000;
export const USER_AGENT = 'Switchyard/0.1.0';
