import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubSecrets } from './secrets.js';

/**
 * Structured JSON logs on stderr (stdout belongs to the debug exporter). No code path is meant to
 * log a header or key; the redaction paths and the secret scrub on every line are the defences
 * for when one does, or when a vendor echoes a key back in its error text.
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
    scrubbed(pino.destination({ fd: 2, sync: false })),
  );
}

function scrubbed(dest: ReturnType<typeof pino.destination>): DestinationStream {
  return {
    write: (line: string) => dest.write(scrubSecrets(line)),
    // pino's logger.flush() delegates here.
    flush: (cb?: (err?: Error) => void) => dest.flush(cb),
    flushSync: () => dest.flushSync(),
  } as DestinationStream;
}

export type { Logger };
