import { createLogger } from './observe/logger.js';
import type { SwitchyardConfig } from './pipeline/config/model.js';
import { openFileQueueStorage } from './export/storage-registry.js';
import { startService } from './service.js';

/**
 * `switchyard run`: start, then on SIGTERM/SIGINT stop accepting, drain within
 * service.shutdown_timeout, persist what is left, exit 0.
 */
export async function runService(config: SwitchyardConfig, file: string): Promise<number> {
  const logger = createLogger(config.service.telemetry.logs.level);
  let service;
  try {
    service = await startService(config, { logger, openStorage: openFileQueueStorage });
  } catch (e) {
    logger.error({ err: (e as Error).message, config: file }, 'start-up failed');
    process.stderr.write(`switchyard: start-up failed: ${(e as Error).message}\n`);
    return 1;
  }
  logger.info({ config: file, telemetry: service.telemetryUrl }, 'switchyard running');
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'draining');
    service.shutdown().then(
      () => {
        logger.flush?.();
        process.exit(0);
      },
      (e) => {
        logger.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}
