import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs on stderr (stdout belongs to the debug exporter). Redaction paths are a
 * second line of defence: no code path is meant to log a header or key in the first place.
 */
export function createLogger(level = process.env.SWITCHYARD_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: {
        paths: ['headers.authorization', 'headers["x-api-key"]', 'api_key', 'api_keys', '*.api_key', '*.api_keys', 'config.api_key', 'authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

export type { Logger };
